package org.cnn4j.losses;

import org.cnn4j.kernels.Kernels;

/** Cross-entropy against integer class labels: mean of -log p[label]. */
public final class SparseCategoricalCrossentropy extends Loss {
  /** On probabilities (a softmax output), as Keras's default. */
  public SparseCategoricalCrossentropy() {
    this(false);
  }

  /** On logits when {@code fromLogits}, else on probabilities. */
  public SparseCategoricalCrossentropy(boolean fromLogits) {
    super(fromLogits);
  }

  @Override
  public String name() {
    return "sparse_categorical_crossentropy";
  }

  @Override
  public double sum(long out, long labels, long targets, int n, int k, long grad, int kind) {
    return Kernels.sparseCrossEntropy(out, labels, n, k, grad, kind);
  }
}
