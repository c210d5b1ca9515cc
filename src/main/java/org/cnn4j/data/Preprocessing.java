package org.cnn4j.data;

/**
 * How uint8 images become a model's float input, and the random augmentation
 * applied while training.
 *
 * <pre>{@code
 * Preprocessing.scaled()                                  // x / 255 (the default)
 * Preprocessing.standardized(mean, std)                   // (x / 255 - mean[c]) / std[c]
 * Preprocessing.scaled().withAugmentation(4, true)        // pad 4 and crop back (random 4-pixel shifts), flips
 * Preprocessing.scaled().withShifts(0.1, 0.1, FillMode.NEAREST).withHorizontalFlip(true)   // Keras's generator
 * Preprocessing.scaled().withAugmentation(4, true).withCutout(16)                          // plus Cutout
 * }</pre>
 *
 * <p>Every random choice is a function of (seed, epoch, position of the sample
 * in the epoch's order), so runs and resumed runs see the same images.
 *
 * @param scale multiplies every byte first (1/255 maps to [0, 1])
 * @param mean per-channel mean subtracted after scaling, or null
 * @param std per-channel standard deviation divided by after that, or null
 * @param cropPadding pad each side by this many zero pixels and crop back at a
 *     random offset (0 = off): the standard CIFAR crop, a shift uniform over the
 *     whole pixels from -cropPadding to cropPadding on each axis, zero-filled
 * @param horizontalFlip mirror half of the images, at random
 * @param heightShiftRange Keras's height_shift_range: below 1 a fraction of the
 *     height, from 1 on pixels (0 = off); see {@link #withShifts}
 * @param widthShiftRange Keras's width_shift_range, likewise
 * @param fillMode what shifted-in pixels hold
 * @param cutout side of a square zeroed in each image (0 = off); see {@link #withCutout}
 */
public record Preprocessing(float scale, float[] mean, float[] std, int cropPadding, boolean horizontalFlip,
    double heightShiftRange, double widthShiftRange, FillMode fillMode, int cutout) {

  /** What a shift brings in at the border, as Keras's fill_mode. */
  public enum FillMode {
    /** Zero pixels (Keras's "constant" with cval 0; the padding of a padded crop). */
    CONSTANT,
    /** The nearest border pixel repeated (Keras's "nearest", ImageDataGenerator's default). */
    NEAREST
  }

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
    for (double r : new double[] {heightShiftRange, widthShiftRange}) {
      if (!(r >= 0) || Double.isInfinite(r)) throw new IllegalArgumentException("shift ranges must be >= 0, got " + r);
    }
    if (cropPadding > 0 && (heightShiftRange > 0 || widthShiftRange > 0)) {
      throw new IllegalArgumentException("give a crop padding (" + cropPadding + ") or shift ranges ("
          + heightShiftRange + ", " + widthShiftRange + "), not both: both are random shifts");
    }
    if (fillMode == null) throw new IllegalArgumentException("fill mode must not be null");
    if (cutout < 0) throw new IllegalArgumentException("cutout size must be >= 0, got " + cutout);
  }

  /** The conversion with padded-crop shifts and flips, zero-filled, no other augmentation. */
  public Preprocessing(float scale, float[] mean, float[] std, int cropPadding, boolean horizontalFlip) {
    this(scale, mean, std, cropPadding, horizontalFlip, 0, 0, FillMode.CONSTANT, 0);
  }

  /** x / 255, no augmentation. */
  public static Preprocessing scaled() {
    return new Preprocessing(1f / 255f, null, null, 0, false);
  }

  /** (x / 255 - mean[c]) / std[c], with mean and std of the [0, 1] pixel values. */
  public static Preprocessing standardized(float[] mean, float[] std) {
    return new Preprocessing(1f / 255f, mean, std, 0, false);
  }

  /** The same conversion with padded-crop shifts (the standard CIFAR "pad 4, crop 32") and flips while training. */
  public Preprocessing withAugmentation(int cropPadding, boolean horizontalFlip) {
    return new Preprocessing(scale, mean, std, cropPadding, horizontalFlip, heightShiftRange, widthShiftRange,
        fillMode, cutout);
  }

  /**
   * Random shifts as Keras's ImageDataGenerator(height_shift_range, width_shift_range,
   * fill_mode): a range below 1 is a fraction of the image's side, from 1 on a
   * number of pixels. Keras draws a real offset uniform in [-range, range] and
   * interpolates; cnn4j draws the same offset and rounds it to whole pixels, so
   * that a shifted image is a copy, not a blur (0.1 of 32 pixels: -3 to 3, the
   * outermost two half as likely as the others).
   */
  public Preprocessing withShifts(double heightRange, double widthRange, FillMode fill) {
    return new Preprocessing(scale, mean, std, cropPadding, horizontalFlip, heightRange, widthRange, fill, cutout);
  }

  public Preprocessing withHorizontalFlip(boolean flip) {
    return new Preprocessing(scale, mean, std, cropPadding, flip, heightShiftRange, widthShiftRange, fillMode,
        cutout);
  }

  /**
   * Cutout (DeVries and Taylor): one square of {@code size} pixels per image set
   * to 0 in the model's input (after scaling and standardisation, as the
   * original zeroes the normalised tensor), centred on a pixel drawn uniformly
   * over the image and clipped at its borders; rows and columns
   * [centre - size/2, centre - size/2 + size). Applied after shifts and flips.
   */
  public Preprocessing withCutout(int size) {
    return new Preprocessing(scale, mean, std, cropPadding, horizontalFlip, heightShiftRange, widthShiftRange,
        fillMode, size);
  }

  /** The same conversion without augmentation, as evaluation and prediction use it. */
  public Preprocessing withoutAugmentation() {
    return new Preprocessing(scale, mean, std, 0, false);
  }

  /** Whether training batches are augmented (shifts or flips). */
  public boolean augments() {
    return cropPadding > 0 || horizontalFlip || heightShiftRange > 0 || widthShiftRange > 0 || cutout > 0;
  }

  /** The largest shift, in real pixels, for a side of {@code size} pixels and a Keras shift range. */
  static double maxShift(double range, int size) {
    return range < 1 ? range * size : range;
  }
}
