package org.cnn4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.optim.schedules.LearningRateSchedule;

/**
 * Adam with Keras's defaults (learning rate 1e-3, beta1 0.9, beta2 0.999,
 * epsilon 1e-7) and Keras's placement of epsilon:
 * {@code w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)}.
 * With {@link #weightDecay} it first does Keras 3's {@code w -= lr * wd * w}
 * ({@link AdamW} is Adam with weight decay on by default).
 *
 * <pre>{@code
 * model.compile(new Adam(3e-4f), new SparseCategoricalCrossentropy(), "accuracy");
 * }</pre>
 */
public class Adam extends Optimizer {
  private final float beta1;
  private final float beta2;
  private final float epsilon;

  /** Keras's defaults: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  public Adam() {
    this(1e-3f);
  }

  /** Keras's defaults but for the learning rate. */
  public Adam(float learningRate) {
    this(learningRate, 0.9f, 0.999f, 1e-7f);
  }

  /** All four hyperparameters, as Keras's Adam takes them. */
  public Adam(float learningRate, float beta1, float beta2, float epsilon) {
    super(learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    check();
  }

  /** Adam whose rate follows a schedule, with Keras's other defaults. */
  public Adam(LearningRateSchedule schedule) {
    this(schedule, 0.9f, 0.999f, 1e-7f);
  }

  public Adam(LearningRateSchedule schedule, float beta1, float beta2, float epsilon) {
    super(schedule);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    check();
  }

  private void check() {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(epsilon > 0)) throw new IllegalArgumentException("Adam epsilon must be positive, got " + epsilon);
  }

  @Override
  public void step(ParameterArena arena, long t) {
    float lr = beginStep(t);
    double alpha = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    Kernels.adamStep(arena.weightsAddress(), arena.gradientsAddress(), arena.slot("m"), arena.slot("v"),
        arena.floats(), (float) alpha, beta1, beta2, epsilon, decayFactor(lr), decayRanges(arena));
  }

  /** Keras's name: "adam" ("adamw" for {@link AdamW}). */
  protected String name() {
    return "adam";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name());
    c.put("learning_rate", learningRateConfig());
    c.put("beta_1", (double) beta1);
    c.put("beta_2", (double) beta2);
    c.put("epsilon", (double) epsilon);
    return c;
  }
}
