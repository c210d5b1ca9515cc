package org.cnn4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.kernels.Kernels;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as Keras:
 * {@code v = momentum * v - lr * g; w += v}. Defaults: lr 0.01, no momentum.
 */
public final class SGD extends Optimizer {
  private final float momentum;
  private final boolean nesterov;

  /** Keras's defaults: learning rate 0.01, no momentum. */
  public SGD() {
    this(0.01f, 0f, false);
  }

  /** With momentum and, optionally, Nesterov's variant. */
  public SGD(float learningRate, float momentum, boolean nesterov) {
    super(learningRate);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  @Override
  public void step(ParameterArena arena, long iteration) {
    Kernels.sgdStep(arena.weightsAddress(), arena.gradientsAddress(), arena.slot("momentum"), arena.floats(),
        learningRate(), momentum, nesterov);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", "sgd");
    c.put("learning_rate", (double) learningRate());
    c.put("momentum", (double) momentum);
    c.put("nesterov", nesterov);
    return c;
  }
}
