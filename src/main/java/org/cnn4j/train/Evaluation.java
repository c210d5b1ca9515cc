package org.cnn4j.train;

/**
 * What {@code Sequential.evaluate} measured.
 *
 * @param loss mean loss over the samples
 * @param accuracy fraction of samples whose most likely class is the label
 * @param samples how many samples were evaluated
 */
public record Evaluation(double loss, double accuracy, int samples) {}
