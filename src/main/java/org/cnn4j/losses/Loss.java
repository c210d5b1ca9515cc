package org.cnn4j.losses;

/**
 * A cross-entropy loss over a model's (batch, classes) output. Value and
 * gradient come from one pass of cnn4j's native kernel; when the model ends in
 * softmax the gradient is taken w.r.t. the logits directly ((p - y) / n), so
 * the softmax backward pass is skipped.
 */
public abstract class Loss {
  private final boolean fromLogits;
  private final float labelSmoothing;

  /** A loss on logits when {@code fromLogits}, else on probabilities. */
  protected Loss(boolean fromLogits) {
    this(fromLogits, 0f);
  }

  /**
   * @param labelSmoothing in [0, 1]: targets become y * (1 - ls) + ls / classes (Keras's label_smoothing)
   */
  protected Loss(boolean fromLogits, float labelSmoothing) {
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
    }
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
  }

  /** Keras's label_smoothing: 0 (off) unless given. */
  public float labelSmoothing() {
    return labelSmoothing;
  }

  /** True when the model outputs logits rather than probabilities. */
  public boolean fromLogits() {
    return fromLogits;
  }

  /** Keras's name, e.g. "sparse_categorical_crossentropy". */
  public abstract String name();

  /**
   * Sum over the batch of the per-sample loss; writes d(mean loss)/d(output)
   * to {@code grad} unless it is 0.
   *
   * @param out address of the {n, k} output
   * @param labels address of n int32 labels
   * @param targets address of {n, k} float targets, or 0 to use one-hot labels
   * @param kind one of {@link org.cnn4j.kernels.Kernels#FUSED_SOFTMAX}, PROBABILITIES, LOGITS
   */
  public abstract double sum(long out, long labels, long targets, int n, int k, long grad, int kind);

  /** By Keras name: "sparse_categorical_crossentropy" or "categorical_crossentropy". */
  public static Loss parse(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy();
      case "categorical_crossentropy" -> new CategoricalCrossentropy();
      default -> throw new IllegalArgumentException("unknown loss '" + name
          + "': expected 'sparse_categorical_crossentropy' or 'categorical_crossentropy'");
    };
  }
}
