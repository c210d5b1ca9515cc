package org.cnn4j.losses;

import org.cnn4j.kernels.Kernels;

/**
 * Cross-entropy against integer class labels: mean of -log p[label]. With label
 * smoothing ls the one-hot target becomes y * (1 - ls) + ls / classes, as
 * Keras's CategoricalCrossentropy smooths. Keras 3's sparse loss has no such
 * option and refuses a config that has one, so a .keras file keeps it in
 * cnn4j's part of metadata.json; cnn4j's own files keep it in the loss config.
 *
 * <pre>{@code
 * new SparseCategoricalCrossentropy(false, 0.1f)   // probabilities in, 10 % smoothing
 * }</pre>
 */
public final class SparseCategoricalCrossentropy extends Loss {
  /** On probabilities (a softmax output), as Keras's default. */
  public SparseCategoricalCrossentropy() {
    this(false);
  }

  /** On logits when {@code fromLogits}, else on probabilities. */
  public SparseCategoricalCrossentropy(boolean fromLogits) {
    super(fromLogits);
  }

  public SparseCategoricalCrossentropy(boolean fromLogits, float labelSmoothing) {
    super(fromLogits, labelSmoothing);
  }

  @Override
  public String name() {
    return "sparse_categorical_crossentropy";
  }

  @Override
  public double sum(long out, long labels, long targets, int n, int k, long grad, int kind) {
    return Kernels.sparseCrossEntropy(out, labels, n, k, grad, kind, labelSmoothing());
  }
}
