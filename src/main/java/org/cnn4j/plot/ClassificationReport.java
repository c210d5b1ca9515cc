package org.cnn4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Precision, recall, F1 and support per class, with accuracy and the macro and weighted averages:
 * the numbers and text of scikit-learn's {@code classification_report}.
 *
 * <p>Where a ratio would divide by zero it is 0, as scikit-learn's {@code zero_division=0}: the
 * precision of a class never predicted, the recall of a class with no samples, and the F1 of a
 * class with neither. The macro average weighs every class named in the matrix equally, including
 * classes with no samples; the weighted average weighs each class by its support.
 */
public final class ClassificationReport {
  /**
   * The scores of one class (named after it) or of an average (named "macro avg", "weighted avg").
   */
  public record Scores(String name, double precision, double recall, double f1, long support) {}

  private final List<Scores> classes;
  private final Scores macroAvg;
  private final Scores weightedAvg;
  private final double accuracy;
  private final long total;

  ClassificationReport(ConfusionMatrix m) {
    int n = m.classes();
    List<Scores> rows = new ArrayList<>(n);
    double[] macro = new double[3];
    double[] weighted = new double[3];
    long correct = 0;
    long total = 0;
    for (int c = 0; c < n; c++) {
      long tp = m.count(c, c);
      long support = m.support(c);
      long predicted = m.predictedCount(c);
      // F1 as 2tp / (2tp + fp + fn), which equals 2pr / (p + r) and is defined whenever either is.
      Scores s =
          new Scores(
              m.classNames().get(c),
              ratio(tp, predicted),
              ratio(tp, support),
              ratio(2 * tp, support + predicted),
              support);
      rows.add(s);
      double[] v = {s.precision(), s.recall(), s.f1()};
      for (int j = 0; j < 3; j++) {
        macro[j] += v[j];
        weighted[j] += v[j] * support;
      }
      correct += tp;
      total += support;
    }
    this.classes = List.copyOf(rows);
    this.total = total;
    this.accuracy = ratio(correct, total);
    this.macroAvg = new Scores("macro avg", macro[0] / n, macro[1] / n, macro[2] / n, total);
    this.weightedAvg =
        new Scores(
            "weighted avg",
            ratio(weighted[0], total),
            ratio(weighted[1], total),
            ratio(weighted[2], total),
            total);
  }

  private static double ratio(double num, double den) {
    return den == 0 ? 0 : num / den;
  }

  /** One entry per class, in class-index order. */
  public List<Scores> classes() {
    return classes;
  }

  /** The scores of class {@code c}. */
  public Scores scores(int c) {
    return classes.get(c);
  }

  /** The fraction of all samples predicted correctly; 0 when there are no samples. */
  public double accuracy() {
    return accuracy;
  }

  /** The unweighted mean of each score over all classes; support is the total. */
  public Scores macroAvg() {
    return macroAvg;
  }

  /** The mean of each score weighted by class support; support is the total. */
  public Scores weightedAvg() {
    return weightedAvg;
  }

  /** The number of samples. */
  public long total() {
    return total;
  }

  /** The report with 2 decimals, as scikit-learn prints it by default. */
  public String toText() {
    return toText(2);
  }

  /**
   * The report as scikit-learn's {@code classification_report(..., digits=digits)} lays it out:
   * right-aligned names, columns precision, recall, f1-score and support of width 9, a blank line
   * after the header and after the classes, then the accuracy, macro avg and weighted avg rows.
   */
  public String toText(int digits) {
    if (digits < 0) throw new IllegalArgumentException("digits must be at least 0, got " + digits);
    int width = Math.max("weighted avg".length(), digits);
    for (Scores s : classes) width = Math.max(width, s.name().length());
    String name = "%" + width + "s ";
    String number = " %9." + digits + "f";
    String row = name + number + number + number + " %9d\n";
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            name + " %9s %9s %9s %9s\n\n",
            "",
            "precision",
            "recall",
            "f1-score",
            "support"));
    for (Scores s : classes) sb.append(format(row, s));
    sb.append(
        String.format(
            Locale.ROOT,
            "\n" + name + " %9s %9s" + number + " %9d\n",
            "accuracy",
            "",
            "",
            accuracy,
            total));
    sb.append(format(row, macroAvg));
    sb.append(format(row, weightedAvg));
    return sb.toString();
  }

  private static String format(String row, Scores s) {
    return String.format(
        Locale.ROOT, row, s.name(), s.precision(), s.recall(), s.f1(), s.support());
  }

  /** Writes {@link #toText()} to {@code txt}, atomically, creating parent directories. */
  public void write(Path txt) throws IOException {
    AtomicFile.writeText(txt, toText());
  }

  @Override
  public String toString() {
    return toText();
  }
}
