package org.cnn4j.losses;

import org.cnn4j.kernels.Kernels;

/**
 * Cross-entropy against one-hot or soft target rows: mean of -sum y log p.
 * With integer labels (no target rows) it equals the sparse variant. Label
 * smoothing ls, as Keras's: targets y * (1 - ls) + ls / classes.
 */
public final class CategoricalCrossentropy extends Loss {
  /** On probabilities (a softmax output), as Keras's default. */
  public CategoricalCrossentropy() {
    this(false);
  }

  /** On logits when {@code fromLogits}, else on probabilities. */
  public CategoricalCrossentropy(boolean fromLogits) {
    super(fromLogits);
  }

  public CategoricalCrossentropy(boolean fromLogits, float labelSmoothing) {
    super(fromLogits, labelSmoothing);
  }

  @Override
  public String name() {
    return "categorical_crossentropy";
  }

  @Override
  public double sum(long out, long labels, long targets, int n, int k, long grad, int kind) {
    return targets == 0
        ? Kernels.sparseCrossEntropy(out, labels, n, k, grad, kind, labelSmoothing())
        : Kernels.categoricalCrossEntropy(out, targets, n, k, grad, kind, labelSmoothing());
  }
}
