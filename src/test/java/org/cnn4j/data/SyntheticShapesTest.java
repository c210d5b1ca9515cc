package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticShapesTest {
  private static final int N = SyntheticShapes.IMAGE_BYTES;
  private static final int CLASSES = SyntheticShapes.CLASS_NAMES.size();

  @Test
  void sameSeedGivesSameBytesAndOtherSeedsDiffer() {
    assertArrayEquals(SyntheticShapes.images(300, 7), SyntheticShapes.images(300, 7));
    assertArrayEquals(SyntheticShapes.labels(300, 7), SyntheticShapes.labels(300, 7));
    assertFalse(Arrays.equals(SyntheticShapes.images(300, 7), SyntheticShapes.images(300, 8)));
    assertFalse(Arrays.equals(SyntheticShapes.labels(300, 7), SyntheticShapes.labels(300, 8)));
  }

  @Test
  void imageDependsOnlyOnSeedAndIndex() {
    byte[] many = SyntheticShapes.images(200, 11);
    byte[] few = SyntheticShapes.images(50, 11);
    assertArrayEquals(few, Arrays.copyOf(many, few.length), "a shorter set is a prefix of a longer one");
    byte[] one = new byte[N + 5];
    for (int i : new int[] {0, 9, 10, 123, 199}) {
      SyntheticShapes.render(11, i, one, 5);
      assertArrayEquals(Arrays.copyOfRange(many, i * N, (i + 1) * N), Arrays.copyOfRange(one, 5, 5 + N),
          "image " + i + " rendered alone");
      assertEquals(SyntheticShapes.labels(200, 11)[i], SyntheticShapes.label(11, i));
    }
    byte[] a = Arrays.copyOfRange(many, 0, N);
    byte[] b = Arrays.copyOfRange(many, N, 2 * N);
    assertFalse(Arrays.equals(a, b), "neighbouring images differ");
  }

  @Test
  void labelsAreBalancedInEveryPrefix() {
    int[] labels = SyntheticShapes.labels(1003, 3);
    int[] counts = new int[CLASSES];
    for (int i = 0; i < labels.length; i++) {
      counts[labels[i]]++;
      int min = Arrays.stream(counts).min().orElseThrow();
      int max = Arrays.stream(counts).max().orElseThrow();
      assertTrue(max - min <= 1, "prefix of " + (i + 1) + " has counts " + Arrays.toString(counts));
    }
    assertFalse(Arrays.equals(Arrays.copyOf(labels, 10), new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}),
        "labels are shuffled within each block of ten");
  }

  @Test
  void generateBuildsADatasetOfTheCoreBytes() {
    byte[] images = SyntheticShapes.images(40, 5);
    int[] labels = SyntheticShapes.labels(40, 5);
    Dataset d = SyntheticShapes.generate(40, 5);
    try {
      assertEquals(40, d.size());
      assertEquals(32, d.height());
      assertEquals(32, d.width());
      assertEquals(3, d.channels());
      assertEquals(SyntheticShapes.CLASS_NAMES, d.classNames());
      byte[] image = new byte[N];
      for (int i = 0; i < d.size(); i++) {
        d.copyImage(i, image);
        assertArrayEquals(Arrays.copyOfRange(images, i * N, (i + 1) * N), image, "image " + i);
        assertEquals(labels[i], d.label(i), "label " + i);
      }
    } finally {
      d.close();
    }
  }

  @Test
  void testSetIsIndependentOfTrainingSetAndItsSize() {
    Dataset[] small = SyntheticShapes.trainTest(20, 30, 9);
    Dataset[] large = SyntheticShapes.trainTest(50, 30, 9);
    try {
      assertEquals(20, small[0].size());
      assertEquals(30, small[1].size());
      byte[] x = new byte[N];
      byte[] y = new byte[N];
      for (int i = 0; i < 30; i++) {
        small[1].copyImage(i, x);
        large[1].copyImage(i, y);
        assertArrayEquals(x, y, "test image " + i + " does not depend on the training size");
      }
      for (int i = 0; i < 20; i++) {
        small[0].copyImage(i, x);
        for (int j = 0; j < 30; j++) {
          small[1].copyImage(j, y);
          assertFalse(Arrays.equals(x, y), "train " + i + " equals test " + j);
        }
      }
    } finally {
      for (Dataset d : small) {
        d.close();
      }
      for (Dataset d : large) {
        d.close();
      }
    }
  }

  @Test
  void rejectsNegativeCounts() {
    assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.images(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.labels(-1, 0));
    assertEquals(0, SyntheticShapes.images(0, 0).length);
  }

  /** Colour must not give the class away: nearest class mean on an image's mean RGB is near chance. */
  @Test
  void meanColourDoesNotRevealTheClass() {
    int count = 3000;
    double[][] fit = meanRgb(SyntheticShapes.images(count, 21));
    int[] fitLabels = SyntheticShapes.labels(count, 21);
    double[][] centroids = centroids(fit, fitLabels);
    double[][] held = meanRgb(SyntheticShapes.images(count, 22));
    double accuracy = nearestCentroidAccuracy(centroids, held, SyntheticShapes.labels(count, 22));
    // Chance is 0.10; the standard error of the estimate at 3000 images is about 0.0055.
    assertTrue(accuracy < 0.14, "mean colour predicts the class with accuracy " + accuracy);
  }

  /**
   * The task is learnable but not trivial: nearest class centroid on a histogram of gradient
   * orientations (blind to colour and polarity) is well above chance and well below perfect.
   */
  @Test
  void orientationHistogramsLearnSomeButNotAll() {
    int count = 3000;
    double[][] fit = orientationFeatures(SyntheticShapes.images(count, 31));
    double[][] centroids = centroids(fit, SyntheticShapes.labels(count, 31));
    double[][] held = orientationFeatures(SyntheticShapes.images(count, 32));
    double accuracy = nearestCentroidAccuracy(centroids, held, SyntheticShapes.labels(count, 32));
    assertTrue(accuracy > 0.3 && accuracy < 0.85, "nearest-centroid accuracy " + accuracy);
  }

  private static double[][] meanRgb(byte[] images) {
    double[][] out = new double[images.length / N][3];
    for (int i = 0; i < out.length; i++) {
      for (int p = 0; p < N; p++) {
        out[i][p % 3] += (images[i * N + p] & 0xFF) / (N / 3.0);
      }
    }
    return out;
  }

  /**
   * Per image: for each 2x2 quadrant, gradient magnitude summed into 8 orientation bins over
   * [0, pi), so a light shape on dark and a dark shape on light look alike; L2-normalised.
   */
  private static double[][] orientationFeatures(byte[] images) {
    int size = 32;
    int bins = 8;
    double[][] out = new double[images.length / N][4 * bins];
    double[] gray = new double[size * size];
    for (int i = 0; i < out.length; i++) {
      for (int p = 0; p < size * size; p++) {
        int o = i * N + 3 * p;
        gray[p] = 0.299 * (images[o] & 0xFF) + 0.587 * (images[o + 1] & 0xFF) + 0.114 * (images[o + 2] & 0xFF);
      }
      for (int y = 1; y < size - 1; y++) {
        for (int x = 1; x < size - 1; x++) {
          double gx = gray[y * size + x + 1] - gray[y * size + x - 1];
          double gy = gray[(y + 1) * size + x] - gray[(y - 1) * size + x];
          double angle = Math.atan2(gy, gx);
          if (angle < 0) {
            angle += Math.PI;
          }
          int bin = Math.min(bins - 1, (int) (angle / Math.PI * bins));
          int cell = (y / 16) * 2 + x / 16;
          out[i][cell * bins + bin] += Math.hypot(gx, gy);
        }
      }
      double norm = Math.sqrt(Arrays.stream(out[i]).map(v -> v * v).sum()) + 1e-9;
      for (int f = 0; f < out[i].length; f++) {
        out[i][f] /= norm;
      }
    }
    return out;
  }

  private static double[][] centroids(double[][] features, int[] labels) {
    double[][] sums = new double[CLASSES][features[0].length];
    int[] counts = new int[CLASSES];
    for (int i = 0; i < features.length; i++) {
      counts[labels[i]]++;
      for (int f = 0; f < features[i].length; f++) {
        sums[labels[i]][f] += features[i][f];
      }
    }
    for (int c = 0; c < CLASSES; c++) {
      for (int f = 0; f < sums[c].length; f++) {
        sums[c][f] /= counts[c];
      }
    }
    return sums;
  }

  private static double nearestCentroidAccuracy(double[][] centroids, double[][] features, int[] labels) {
    int correct = 0;
    for (int i = 0; i < features.length; i++) {
      int best = 0;
      double bestDistance = Double.MAX_VALUE;
      for (int c = 0; c < centroids.length; c++) {
        double d = 0;
        for (int f = 0; f < features[i].length; f++) {
          d += (features[i][f] - centroids[c][f]) * (features[i][f] - centroids[c][f]);
        }
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return correct / (double) features.length;
  }
}
