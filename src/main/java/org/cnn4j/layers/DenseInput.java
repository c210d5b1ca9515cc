package org.cnn4j.layers;

/**
 * How a {@link Dense} layer right after {@link Flatten} reads the flattened
 * activation. Both are the same computation on the same buffer (no copy);
 * oneDNN picks other kernels for each, and which is faster depends on the CPU:
 * on an AVX2 AMD EPYC the 4-D form ran the inner product about twice as fast
 * at batch 10, on AVX-512 Xeons the 2-D view was the faster one.
 *
 * <p>{@link #AUTO} (the default) times both once, when the model's first plan
 * is built, and keeps the faster; the system property
 * {@code -Dcnn4j.denseInput=view|4d|auto} sets the default for every Dense
 * layer, and {@link Dense#inputLayout(DenseInput)} sets it for one. Whatever is
 * chosen, weights cross the API in Keras's (features, units) order, features in
 * (h, w, c) order.
 *
 * <p>Determinism: the two forms add in different orders (results agree to float
 * rounding, not bitwise), and a timed choice may come out differently in another
 * process. Deterministic and data-parallel fits therefore take a fixed rule
 * instead of timing (the 4-D form below AVX-512, the view from AVX-512 on), model
 * files and checkpoints record the form taken, and a loaded model takes it again
 * unless a form is forced; see {@link Dense#inputChoice()} for what was taken and why.
 */
public enum DenseInput {
  /** Time both forms when the first plan is built and take the faster (see {@link Dense#inputLayout()}). */
  AUTO("auto"),
  /**
   * A 2-D {N, C*H*W} view of the blocked activation, with the kernel's rows
   * permuted to the blocked order (once, when weights cross the API).
   */
  VIEW("view"),
  /** The 4-D activation as it is, {N, C, H, W} in its blocked layout, with a {units, C, H, W} kernel. */
  FOUR_D("4d");

  /** The system property that sets the default for every Dense layer: view, 4d or auto. */
  public static final String PROPERTY = "cnn4j.denseInput";

  private final String keyword;

  DenseInput(String keyword) {
    this.keyword = keyword;
  }

  /** "auto", "view" or "4d": the property's and the model file's spelling. */
  public String keyword() {
    return keyword;
  }

  /** By keyword (case-insensitive); IllegalArgumentException naming the accepted ones otherwise. */
  public static DenseInput parse(String keyword) {
    for (DenseInput d : values()) {
      if (d.keyword.equalsIgnoreCase(keyword.trim())) return d;
    }
    throw new IllegalArgumentException("unknown Dense input layout '" + keyword + "': expected view, 4d or auto");
  }

  /** The value of {@code -Dcnn4j.denseInput}, {@link #AUTO} when unset. */
  public static DenseInput fromSystemProperty() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) return AUTO;
    try {
      return parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return keyword;
  }
}
