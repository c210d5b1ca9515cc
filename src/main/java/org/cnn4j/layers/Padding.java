package org.cnn4j.layers;

/** Keras's padding modes for convolution and pooling windows. */
public enum Padding {
  /** No padding: the window stays inside the input; out = floor((in - k) / s) + 1. */
  VALID,
  /** out = ceil(in / s), padded evenly, the extra row or column at the bottom and right (as Keras). */
  SAME;

  /** "valid" or "same", as Keras spells them. */
  public static Padding parse(String s) {
    for (Padding p : values()) {
      if (p.name().equalsIgnoreCase(s)) return p;
    }
    throw new IllegalArgumentException("unknown padding '" + s + "': expected 'valid' or 'same'");
  }

  public String kerasName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Output size of a window of size k and stride s over an input of size in. */
  public int outputSize(int in, int k, int s) {
    return this == SAME ? (in + s - 1) / s : (in - k) / s + 1;
  }

  /** Padding before (top or left) and after (bottom or right). */
  public int[] pads(int in, int k, int s) {
    if (this == VALID) return new int[] {0, 0};
    int total = Math.max((outputSize(in, k, s) - 1) * s + k - in, 0);
    return new int[] {total / 2, total - total / 2};
  }
}
