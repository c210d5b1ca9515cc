package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.cnn4j.dnnl.Tensor;
import org.junit.jupiter.api.Test;

class BatchesTest {
  /** 10 images of 2x3x2 whose pixel bytes encode (image, position) so the output can be checked exactly. */
  private static Dataset numbered() {
    int n = 10;
    byte[] px = new byte[n * 12];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (int p = 0; p < 12; p++) px[i * 12 + p] = (byte) (i * 20 + p);
    }
    return Dataset.of(px, labels, 2, 3, 2, List.of("a", "b", "c"));
  }

  private static float[] floats(Batches.Batch b, int perImage) {
    float[] out = new float[b.count() * perImage];
    new FloatPointer(Tensor.at(b.images())).get(out);
    return out;
  }

  private static int[] labels(Batches.Batch b) {
    int[] out = new int[b.count()];
    new IntPointer(Tensor.at(b.labels())).get(out);
    return out;
  }

  @Test
  void inOrderScaledWithShortLastBatch() {
    try (Dataset d = numbered(); Batches batches = new Batches(Samples.of(d), 4, false, false, 1,
        Preprocessing.scaled(), 2)) {
      batches.startEpoch(0);
      List<Integer> counts = new ArrayList<>();
      int image = 0;
      for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) {
        counts.add(b.count());
        float[] x = floats(b, 12);
        int[] y = labels(b);
        for (int i = 0; i < b.count(); i++, image++) {
          assertEquals(image % 3, y[i]);
          for (int p = 0; p < 12; p++) assertEquals((image * 20 + p) / 255f, x[i * 12 + p], 1e-7f);
        }
      }
      assertEquals(List.of(4, 4, 2), counts);
      assertNull(batches.next(), "asking again after the end still says the epoch ended");
    }
  }

  @Test
  void withoutPrefetchOneBatchIsPreparedOnTheCallersThreadEveryEpoch() {
    try (Dataset d = numbered(); Batches batches = new Batches(Samples.of(d), 16, false, false, 1,
        Preprocessing.standardized(new float[] {0.5f, 0.25f}, new float[] {0.5f, 2f}), 0)) {
      int threads = Thread.activeCount();
      for (int epoch = 0; epoch < 3; epoch++) {
        batches.startEpoch(epoch);
        Batches.Batch b = batches.next();
        assertEquals(10, b.count());
        float[] x = floats(b, 12);
        for (int i = 0; i < 10; i++)
          for (int p = 0; p < 12; p++) {
            float v = (i * 20 + p) / 255f;
            assertEquals(p % 2 == 0 ? (v - 0.5f) / 0.5f : (v - 0.25f) / 2f, x[i * 12 + p], 1e-6f);
          }
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, labels(b));
        batches.release(b);
        assertNull(batches.next());
      }
      assertEquals(threads, Thread.activeCount(), "no batch thread was started");
    }
    try (Dataset d = numbered()) {
      assertEquals(0, Batches.prefetchFor(Samples.of(d), 10, 2));
      assertEquals(2, Batches.prefetchFor(Samples.of(d), 9, 2));
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> new Batches(Samples.of(d), 4, false, false, 1, Preprocessing.scaled(), 0));
    }
  }

  @Test
  void dropRemainderSkipsTheShortBatch() {
    try (Dataset d = numbered(); Batches b = new Batches(Samples.of(d), 4, true, true, 1, Preprocessing.scaled(), 1)) {
      assertEquals(2, b.batchesPerEpoch());
    }
  }

  @Test
  void shuffleIsSeededPerEpochAndCoversEverySample() {
    try (Dataset d = numbered(); Batches a = new Batches(Samples.of(d), 3, true, false, 7, Preprocessing.scaled(), 2);
        Batches b = new Batches(Samples.of(d), 3, true, false, 7, Preprocessing.scaled(), 2)) {
      int[] first = firstPixels(a, 0);
      assertArrayEquals(first, firstPixels(b, 0), "same seed, same order");
      assertNotEquals(Arrays.toString(first), Arrays.toString(firstPixels(a, 1)), "a new order each epoch");
      int[] sorted = first.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < 10; i++) assertEquals(i * 20, sorted[i]);
    }
  }

  private static int[] firstPixels(Batches batches, int epoch) {
    batches.startEpoch(epoch);
    int[] out = new int[10];
    int k = 0;
    for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) {
      float[] x = floats(b, 12);
      for (int i = 0; i < b.count(); i++) out[k++] = Math.round(x[i * 12] * 255f);
    }
    return out;
  }

  @Test
  void standardizesPerChannel() {
    Preprocessing pre = Preprocessing.standardized(new float[] {0.1f, 0.2f}, new float[] {0.5f, 0.25f});
    try (Dataset d = numbered(); Batches batches = new Batches(Samples.of(d), 10, false, false, 0, pre, 1)) {
      batches.startEpoch(0);
      Batches.Batch b = batches.next();
      float[] x = floats(b, 12);
      for (int p = 0; p < 12; p++) {
        float v = (20 * 3 + p) / 255f;
        float expected = p % 2 == 0 ? (v - 0.1f) / 0.5f : (v - 0.2f) / 0.25f;
        assertEquals(expected, x[3 * 12 + p], 1e-5f);
      }
      batches.release(b);
    }
  }

  @Test
  void augmentationShiftsWithZerosAndFlips() {
    // One 1x4x1 image 1 2 3 4: every augmented copy is a shifted and/or mirrored version, zero-filled.
    byte[] px = {1, 2, 3, 4};
    List<String> expectedRows = List.of("1234", "4321", "0123", "2340", "0432", "3210");
    Preprocessing pre = Preprocessing.scaled().withAugmentation(1, true);
    try (Dataset d = Dataset.of(px, new int[] {0}, 1, 4, 1, List.of("x"));
        Batches batches = new Batches(Samples.of(d), 1, false, false, 3, pre, 1)) {
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (int epoch = 0; epoch < 60; epoch++) {
        batches.startEpoch(epoch);
        Batches.Batch b = batches.next();
        float[] x = floats(b, 4);
        StringBuilder row = new StringBuilder();
        for (float v : x) row.append(Math.round(v * 255f));
        batches.release(b);
        assertNull(batches.next());
        seen.add(row.toString());
      }
      // Vertical shifts of a one-row image give all zeros; the rest must be one of the expected rows.
      seen.remove("0000");
      assertEquals(true, expectedRows.containsAll(seen), seen.toString());
      assertEquals(true, seen.size() >= 4, "several distinct augmentations: " + seen);
    }
  }

  @Test
  void abandoningAnEpochMidwayIsFine() {
    try (Dataset d = numbered(); Batches batches = new Batches(Samples.of(d), 2, true, false, 1,
        Preprocessing.scaled(), 2)) {
      batches.startEpoch(0);
      batches.release(batches.next());
      batches.startEpoch(1);
      int n = 0;
      for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) n += b.count();
      assertEquals(10, n);
    }
  }

  /**
   * Asserts: 3 ranks' slices of every global batch of 4 (shuffled, shifted and
   * flipped at random), put side by side, are bitwise the batches of one process
   * (images and labels), including the short last batch of 2, which leaves rank 0
   * with none; every rank gets the same number of batches.
   */
  @Test
  void ranksTakeTheirSliceOfEachGlobalBatchWithItsAugmentation() {
    Preprocessing augmented = Preprocessing.scaled().withAugmentation(1, true);
    try (Dataset d = numbered()) {
      List<float[]> wholeImages = new ArrayList<>();
      List<int[]> wholeLabels = new ArrayList<>();
      try (Batches one = new Batches(Samples.of(d), 4, true, false, 9, augmented, 2)) {
        one.startEpoch(3);
        for (Batches.Batch b; (b = one.next()) != null; one.release(b)) {
          wholeImages.add(floats(b, 12));
          wholeLabels.add(labels(b));
        }
      }
      int ranks = 3;
      float[][] images = new float[wholeImages.size()][0];
      int[][] labels = new int[wholeImages.size()][0];
      for (int r = 0; r < ranks; r++) {
        try (Batches slice = new Batches(Samples.of(d), 4, true, false, 9, augmented, 2, r, ranks)) {
          slice.startEpoch(3);
          int index = 0;
          for (Batches.Batch b; (b = slice.next()) != null; slice.release(b), index++) {
            assertEquals(index, b.index());
            assertEquals(images[index].length / 12, b.first(), "rank " + r + " starts where rank " + (r - 1)
                + " ended");
            images[index] = concat(images[index], floats(b, 12));
            labels[index] = concat(labels[index], labels(b));
            if (index == 2 && r == 0) assertEquals(0, b.count(), "2 images over 3 ranks: rank 0 has none");
          }
          assertEquals(wholeImages.size(), index, "rank " + r + " batches");
        }
      }
      for (int i = 0; i < images.length; i++) {
        assertArrayEquals(wholeImages.get(i), images[i], "images of batch " + i);
        assertArrayEquals(wholeLabels.get(i), labels[i], "labels of batch " + i);
      }
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
