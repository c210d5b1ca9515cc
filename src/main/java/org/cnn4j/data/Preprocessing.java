package org.cnn4j.data;

/**
 * How uint8 images become a model's float input, and the random augmentation
 * applied while training.
 *
 * <pre>{@code
 * Preprocessing.scaled()                                  // x / 255 (the default)
 * Preprocessing.standardized(mean, std)                   // (x / 255 - mean[c]) / std[c]
 * Preprocessing.scaled().withAugmentation(4, true)        // random 4-pixel shifts, horizontal flips
 * }</pre>
 *
 * @param scale multiplies every byte first (1/255 maps to [0, 1])
 * @param mean per-channel mean subtracted after scaling, or null
 * @param std per-channel standard deviation divided by after that, or null
 * @param cropPadding pad each side by this many zero pixels and crop back at a random offset (0 = off)
 * @param horizontalFlip mirror half of the images, at random
 */
public record Preprocessing(float scale, float[] mean, float[] std, int cropPadding, boolean horizontalFlip) {
  /** Checks: a positive scale; mean and std both or neither, of one length; positive stds; crop padding >= 0. */
  public Preprocessing {
    if (!(scale > 0) || Float.isInfinite(scale)) throw new IllegalArgumentException("scale must be positive");
    if ((mean == null) != (std == null)) throw new IllegalArgumentException("give both mean and std, or neither");
    if (mean != null) {
      if (mean.length != std.length) {
        throw new IllegalArgumentException("mean has " + mean.length + " channels but std has " + std.length);
      }
      for (float s : std) {
        if (!(s > 0)) throw new IllegalArgumentException("every std must be positive, got " + s);
      }
      mean = mean.clone();
      std = std.clone();
    }
    if (cropPadding < 0) throw new IllegalArgumentException("crop padding must be >= 0, got " + cropPadding);
  }

  /** x / 255, no augmentation. */
  public static Preprocessing scaled() {
    return new Preprocessing(1f / 255f, null, null, 0, false);
  }

  /** (x / 255 - mean[c]) / std[c], with mean and std of the [0, 1] pixel values. */
  public static Preprocessing standardized(float[] mean, float[] std) {
    return new Preprocessing(1f / 255f, mean, std, 0, false);
  }

  /** The same conversion with random shifts and flips while training. */
  public Preprocessing withAugmentation(int cropPadding, boolean horizontalFlip) {
    return new Preprocessing(scale, mean, std, cropPadding, horizontalFlip);
  }

  /** The same conversion without augmentation, as evaluation and prediction use it. */
  public Preprocessing withoutAugmentation() {
    return new Preprocessing(scale, mean, std, 0, false);
  }

  /** Whether training batches are augmented (shifts or flips). */
  public boolean augments() {
    return cropPadding > 0 || horizontalFlip;
  }
}
