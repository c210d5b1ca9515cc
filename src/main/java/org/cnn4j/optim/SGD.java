package org.cnn4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.optim.schedules.LearningRateSchedule;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as Keras:
 * {@code v = momentum * v - lr * g; w += v}. Defaults: lr 0.01, no momentum.
 * With {@link #weightDecay} each step first does Keras 3's decoupled
 * {@code w -= lr * wd * w}.
 *
 * <pre>{@code
 * new SGD(0.1f, 0.9f, true).weightDecay(5e-3f).excludeVectorsFromWeightDecay()
 * }</pre>
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
    this.momentum = checkMomentum(momentum);
    this.nesterov = nesterov;
  }

  public SGD(LearningRateSchedule schedule, float momentum, boolean nesterov) {
    super(schedule);
    this.momentum = checkMomentum(momentum);
    this.nesterov = nesterov;
  }

  private static float checkMomentum(float momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
    }
    return momentum;
  }

  @Override
  public void step(ParameterArena arena, long iteration) {
    float lr = beginStep(iteration);
    Kernels.sgdStep(arena.weightsAddress(), arena.gradientsAddress(), arena.slot("momentum"), arena.floats(),
        lr, momentum, nesterov, decayFactor(lr), decayRanges(arena));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", "sgd");
    c.put("learning_rate", learningRateConfig());
    c.put("momentum", (double) momentum);
    c.put("nesterov", nesterov);
    return c;
  }
}
