package org.cnn4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Counts of (actual class, predicted class) pairs, rows by actual class and columns by prediction,
 * as scikit-learn's {@code confusion_matrix}. Immutable.
 *
 * <pre>{@code
 * ConfusionMatrix m = new ConfusionMatrix(test.labels(), predicted, test.classNames());
 * m.writeCsv(out.resolve("confusion-matrix.csv"));
 * ConfusionMatrixChart.write(m, out.resolve("confusion-matrix.png"));
 * m.report().write(out.resolve("report.txt"));
 * }</pre>
 */
public final class ConfusionMatrix {
  /** One off-diagonal cell: {@code count} samples of one class taken for another. */
  public record Confusion(
      int actual, int predicted, String actualName, String predictedName, long count) {}

  private final long[][] counts;
  private final long[] supports;
  private final List<String> classNames;

  /**
   * Counts each {@code (labels[i], predicted[i])} pair.
   *
   * @param labels the true class of each sample, in {@code 0..classNames.size()-1}
   * @param predicted the predicted class of each sample, same length and range
   * @param classNames one name per class, in class-index order
   * @throws IllegalArgumentException if the lengths differ or a class index is out of range
   */
  public ConfusionMatrix(int[] labels, int[] predicted, List<String> classNames) {
    this(tally(labels, predicted, classNames.size()), classNames);
  }

  private ConfusionMatrix(long[][] counts, List<String> classNames) {
    this.classNames = List.copyOf(classNames);
    this.counts = counts;
    // Row sums once: fraction() runs per cell when drawing, n^2 times.
    this.supports = new long[counts.length];
    for (int a = 0; a < counts.length; a++) {
      for (long c : counts[a]) supports[a] += c;
    }
  }

  private static long[][] tally(int[] labels, int[] predicted, int n) {
    if (n == 0) throw new IllegalArgumentException("classNames is empty; give one name per class");
    if (labels.length != predicted.length) {
      throw new IllegalArgumentException(
          String.format(
              "labels has %d entries but predicted has %d; pass one prediction per label",
              labels.length, predicted.length));
    }
    long[][] counts = new long[n][n];
    for (int i = 0; i < labels.length; i++) {
      counts[checkClass("labels", i, labels[i], n)][checkClass("predicted", i, predicted[i], n)]++;
    }
    return counts;
  }

  private static int checkClass(String array, int i, int c, int n) {
    if (c < 0 || c >= n) {
      throw new IllegalArgumentException(
          String.format(
              "%s[%d] = %d is not a class index: there are %d class names, so indices run 0..%d",
              array, i, c, n, n - 1));
    }
    return c;
  }

  /**
   * A matrix from counts already tallied, e.g. summed over batches.
   *
   * @param counts {@code counts[actual][predicted]}, square with one row per class name; copied
   * @throws IllegalArgumentException if the shape does not match the names or a count is negative
   */
  public static ConfusionMatrix fromCounts(long[][] counts, List<String> classNames) {
    int n = classNames.size();
    if (n == 0) throw new IllegalArgumentException("classNames is empty; give one name per class");
    if (counts.length != n) {
      throw new IllegalArgumentException(
          "counts has " + counts.length + " rows but there are " + n + " class names");
    }
    long[][] copy = new long[n][];
    for (int a = 0; a < n; a++) {
      copy[a] = counts[a].clone();
      if (copy[a].length != n || Arrays.stream(copy[a]).anyMatch(c -> c < 0)) {
        throw new IllegalArgumentException(
            String.format(
                "counts[%d] = %s; each row needs %d counts, none negative",
                a, Arrays.toString(copy[a]), n));
      }
    }
    return new ConfusionMatrix(copy, classNames);
  }

  /** The number of classes. */
  public int classes() {
    return classNames.size();
  }

  /** The class names, in label order. */
  public List<String> classNames() {
    return classNames;
  }

  /** How many samples of class {@code actual} were predicted as {@code predicted}. */
  public long count(int actual, int predicted) {
    return counts[actual][predicted];
  }

  /**
   * {@link #count} divided by the number of samples of class {@code actual}; 0 for a class with no
   * samples.
   */
  public double fraction(int actual, int predicted) {
    long row = support(actual);
    return row == 0 ? 0 : (double) counts[actual][predicted] / row;
  }

  /** The number of samples whose true class is {@code actual} (the row sum). */
  public long support(int actual) {
    return supports[actual];
  }

  /** The number of samples predicted as {@code predicted} (the column sum). */
  public long predictedCount(int predicted) {
    long sum = 0;
    for (long[] row : counts) sum += row[predicted];
    return sum;
  }

  /** The number of samples counted. */
  public long total() {
    long sum = 0;
    for (long s : supports) sum += s;
    return sum;
  }

  /** The fraction of samples on the diagonal; 0 for an empty matrix. */
  public double accuracy() {
    long correct = 0;
    for (int a = 0; a < classes(); a++) correct += counts[a][a];
    long total = total();
    return total == 0 ? 0 : (double) correct / total;
  }

  /**
   * The {@code k} largest non-zero off-diagonal cells, largest first (ties by actual, then
   * predicted class index); fewer if fewer cells are non-zero.
   */
  public List<Confusion> mostConfused(int k) {
    if (k < 0) throw new IllegalArgumentException("k must be at least 0, got " + k);
    List<Confusion> all = new ArrayList<>();
    for (int a = 0; a < classes(); a++) {
      for (int p = 0; p < classes(); p++) {
        if (a != p && counts[a][p] > 0) {
          all.add(new Confusion(a, p, classNames.get(a), classNames.get(p), counts[a][p]));
        }
      }
    }
    // The list is already in (actual, predicted) order and the sort is stable.
    all.sort(Comparator.comparingLong(Confusion::count).reversed());
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }

  /** Per-class precision, recall and F1 with their averages. */
  public ClassificationReport report() {
    return new ClassificationReport(this);
  }

  /**
   * The counts as CSV: a header {@code actual\predicted,<class names>}, then one row per actual
   * class starting with its name. Names holding commas or quotes are quoted as RFC 4180 says.
   */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("actual\\predicted");
    for (String name : classNames) sb.append(',').append(csvField(name));
    sb.append('\n');
    for (int a = 0; a < classes(); a++) {
      sb.append(csvField(classNames.get(a)));
      for (long c : counts[a]) sb.append(',').append(c);
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Writes {@link #toCsv()} to {@code csv}, atomically, creating parent directories. */
  public void writeCsv(Path csv) throws IOException {
    AtomicFile.writeText(csv, toCsv());
  }

  private static String csvField(String s) {
    if (s.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
