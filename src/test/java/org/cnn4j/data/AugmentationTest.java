package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.cnn4j.data.Preprocessing.FillMode;
import org.cnn4j.dnnl.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Shifts (padded crop, Keras ranges with constant or nearest fill), flips and
 * Cutout on tiny images whose every pixel is distinct, against a plain Java
 * reference fed with the same draws; and the draws' dependence on (seed,
 * epoch, position in the epoch) only.
 */
class AugmentationTest {
  private static final int N = 9;
  private static final int H = 6;
  private static final int W = 7;
  private static final int C = 2;

  /** Pixel bytes 1 + (offset in the dataset mod 250): nonzero and distinct within an image. */
  private static Dataset images() {
    byte[] px = new byte[N * H * W * C];
    int[] labels = new int[N];
    List<String> names = new ArrayList<>();
    for (int n = 0; n < N; n++) {
      labels[n] = n; // the label names the image, so a shuffled batch can be checked
      names.add("image" + n);
      for (int p = 0; p < H * W * C; p++) px[n * H * W * C + p] = (byte) (1 + (n * H * W * C + p) % 250);
    }
    return Dataset.of(px, labels, H, W, C, names);
  }

  /** What the kernel should write for image n with draws d, in pixel values (before the 1/255 scale). */
  private static float[] reference(Dataset d, int n, int[] draws, int at, Preprocessing pre) {
    byte[] image = d.image(n);
    int dy = draws[at], dx = draws[at + 1];
    boolean flip = draws[at + 2] == 1;
    float[] out = new float[H * W * C];
    for (int i = 0; i < H; i++) {
      for (int j = 0; j < W; j++) {
        int si = i + dy, sj = (flip ? W - 1 - j : j) + dx;
        if (pre.fillMode() == FillMode.NEAREST) {
          si = Math.min(Math.max(si, 0), H - 1);
          sj = Math.min(Math.max(sj, 0), W - 1);
        }
        boolean inside = si >= 0 && si < H && sj >= 0 && sj < W;
        for (int k = 0; k < C; k++) {
          out[(i * W + j) * C + k] = inside ? image[(si * W + sj) * C + k] & 0xff : 0;
        }
      }
    }
    int s = pre.cutout();
    for (int i = draws[at + 3] - s / 2; s > 0 && i < draws[at + 3] - s / 2 + s; i++) {
      for (int j = draws[at + 4] - s / 2; j < draws[at + 4] - s / 2 + s; j++) {
        if (i < 0 || i >= H || j < 0 || j >= W) continue;
        for (int k = 0; k < C; k++) out[(i * W + j) * C + k] = 0;
      }
    }
    return out;
  }

  /** Every image of an epoch, in pixel values, checked against the reference; returns the draws per position. */
  private static List<int[]> checkEpoch(Dataset d, Preprocessing pre, int batch, long seed, int epoch) {
    List<int[]> draws = new ArrayList<>();
    try (Batches batches = new Batches(Samples.of(d), batch, true, false, seed, pre, 2)) {
      batches.startEpoch(epoch);
      int position = 0;
      for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) {
        float[] x = new float[b.count() * H * W * C];
        new FloatPointer(Tensor.at(b.images())).get(x);
        int[] image = new int[b.count()];
        new IntPointer(Tensor.at(b.labels())).get(image);
        for (int i = 0; i < b.count(); i++, position++) {
          int[] dr = new int[AugmentationDraw.INTS];
          AugmentationDraw.draw(pre, H, W, seed, epoch, position, dr, 0);
          draws.add(dr);
          float[] expected = reference(d, image[i], dr, 0, pre);
          for (int p = 0; p < expected.length; p++) {
            assertEquals(expected[p], Math.round(x[i * H * W * C + p] * 255f), "epoch " + epoch + " position "
                + position + " float " + p);
          }
        }
      }
    }
    return draws;
  }

  @Test
  void paddedCropFlipAndCutoutMatchTheReference() {
    Preprocessing pre = Preprocessing.scaled().withAugmentation(2, true).withCutout(3);
    try (Dataset d = images()) {
      Set<Integer> shifts = new HashSet<>();
      Set<Integer> flips = new HashSet<>();
      for (int epoch = 0; epoch < 8; epoch++) {
        for (int[] dr : checkEpoch(d, pre, 4, 11, epoch)) {
          assertTrue(Math.abs(dr[0]) <= 2 && Math.abs(dr[1]) <= 2, "within the padding");
          assertTrue(dr[3] >= 0 && dr[3] < H && dr[4] >= 0 && dr[4] < W, "cutout centre inside the image");
          shifts.add(dr[1]);
          flips.add(dr[2]);
        }
      }
      assertEquals(Set.of(-2, -1, 0, 1, 2), shifts, "every crop offset occurs");
      assertEquals(Set.of(0, 1), flips);
    }
  }

  @Test
  void kerasShiftRangesWithNearestAndConstantFill() {
    try (Dataset d = images()) {
      for (FillMode fill : FillMode.values()) {
        // 0.3 of 6 rows: offsets in [-1.8, 1.8] rounded, -2 to 2; 2 pixels of width: -2 to 2.
        Preprocessing pre = Preprocessing.scaled().withShifts(0.3, 2, fill).withHorizontalFlip(true);
        Set<Integer> dy = new HashSet<>();
        for (int epoch = 0; epoch < 8; epoch++) {
          for (int[] dr : checkEpoch(d, pre, 3, 5, epoch)) {
            dy.add(dr[0]);
            assertTrue(Math.abs(dr[1]) <= 2, "width shift " + dr[1]);
          }
        }
        assertEquals(Set.of(-2, -1, 0, 1, 2), dy, fill + ": rounded offsets of a 1.8-pixel range");
      }
    }
  }

  @Test
  void drawsDependOnSeedEpochAndPositionOnly() {
    Preprocessing pre = Preprocessing.scaled().withAugmentation(3, true).withCutout(2);
    try (Dataset d = images()) {
      // Another batch size and prefetch: the same image at the same position gets the same draws.
      List<int[]> a = checkEpoch(d, pre, 2, 7, 3);
      List<int[]> b = checkEpoch(d, pre, 5, 7, 3);
      for (int i = 0; i < N; i++) assertArrayEquals(a.get(i), b.get(i), "position " + i);
      List<int[]> other = checkEpoch(d, pre, 2, 7, 4);
      boolean differs = false;
      for (int i = 0; i < N; i++) differs |= !java.util.Arrays.equals(a.get(i), other.get(i));
      assertTrue(differs, "another epoch draws anew");
    }
  }

  @Test
  void optionsAreCheckedAndAugmentationIsOffForEvaluation() {
    assertThrows(IllegalArgumentException.class, () -> Preprocessing.scaled().withAugmentation(4, false)
        .withShifts(0.1, 0.1, FillMode.CONSTANT));
    assertThrows(IllegalArgumentException.class, () -> Preprocessing.scaled().withCutout(-1));
    assertThrows(IllegalArgumentException.class, () -> Preprocessing.scaled().withShifts(-0.1, 0, FillMode.NEAREST));
    Preprocessing pre = Preprocessing.scaled().withShifts(0.1, 0.1, FillMode.NEAREST).withCutout(8);
    assertTrue(pre.augments());
    assertFalse(pre.withoutAugmentation().augments());
    assertEquals(FillMode.CONSTANT, new Preprocessing(1f, null, null, 4, true).fillMode());
  }
}
