/**
 * Pictures and tables of a training run, drawn without a display: accuracy and loss curves ({@link
 * org.cnn4j.plot.TrainingCurves}), the confusion matrix as counts, CSV and a heat map ({@link
 * org.cnn4j.plot.ConfusionMatrix}, {@link org.cnn4j.plot.ConfusionMatrixChart}) and scikit-learn's
 * per-class report ({@link org.cnn4j.plot.ClassificationReport}).
 *
 * <p>Every file is written to a temporary sibling and renamed into place, so a reader never sees a
 * half-written PNG or CSV.
 */
package org.cnn4j.plot;
