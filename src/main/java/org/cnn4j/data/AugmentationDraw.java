package org.cnn4j.data;

import java.util.SplittableRandom;

/**
 * The random choices of augmentation for one image, in one place: a function of
 * (seed, epoch, position of the image in the epoch's order) alone, so that
 * prefetching, resuming, or handing slices of a batch to several processes
 * draw the same values for the same image.
 */
final class AugmentationDraw {
  /** Ints per image in the buffer the gather kernel reads: dy, dx, flip, cutout row, cutout column. */
  static final int INTS = 5;

  private AugmentationDraw() {}

  /** Writes image {@code position}'s draws to out[at .. at + INTS). */
  static void draw(Preprocessing pre, int height, int width, long seed, int epoch, long position, int[] out, int at) {
    SplittableRandom r = new SplittableRandom(
        (seed ^ 0x5DEECE66DL) * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + position * 0x165667B19E3779F9L);
    int p = pre.cropPadding();
    out[at] = p > 0 ? r.nextInt(2 * p + 1) - p : shift(r, Preprocessing.maxShift(pre.heightShiftRange(), height));
    out[at + 1] = p > 0 ? r.nextInt(2 * p + 1) - p : shift(r, Preprocessing.maxShift(pre.widthShiftRange(), width));
    out[at + 2] = pre.horizontalFlip() && r.nextBoolean() ? 1 : 0;
    out[at + 3] = pre.cutout() > 0 ? r.nextInt(height) : 0;
    out[at + 4] = pre.cutout() > 0 ? r.nextInt(width) : 0;
  }

  /** A real offset uniform in [-max, max], rounded to whole pixels; 0 when max is 0. */
  private static int shift(SplittableRandom r, double max) {
    return max == 0 ? 0 : (int) Math.round((r.nextDouble() * 2 - 1) * max);
  }
}
