package org.cnn4j.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras 3's CosineDecay with optional linear warm-up. Without warm-up:
 * {@code initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)}.
 * With {@link #warmup}: the rate rises linearly from initial to warmupTarget
 * over warmupSteps updates, then decays from warmupTarget as above over
 * decaySteps more (step counted from the end of the warm-up), and stays at
 * {@code alpha * warmupTarget} after that.
 *
 * <pre>{@code
 * new CosineDecay(0.0, 38 * steps).warmup(0.1, 2 * steps)   // 2 epochs 0 -> 0.1, then cosine to 0 over 38
 * }</pre>
 */
public final class CosineDecay extends LearningRateSchedule {
  private final double initial;
  private final long decaySteps;
  private final double alpha;
  private final Double warmupTarget;
  private final long warmupSteps;

  public CosineDecay(double initialLearningRate, long decaySteps) {
    this(initialLearningRate, decaySteps, 0);
  }

  /** @param alpha the floor, a fraction of the initial (or warm-up target) rate */
  public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
    this(initialLearningRate, decaySteps, alpha, null, 0);
  }

  private CosineDecay(double initial, long decaySteps, double alpha, Double warmupTarget, long warmupSteps) {
    this.initial = nonNegative("initial_learning_rate", initial);
    if (decaySteps < 1) throw new IllegalArgumentException("decay_steps must be at least 1, got " + decaySteps);
    this.decaySteps = decaySteps;
    this.alpha = nonNegative("alpha", alpha);
    if (warmupTarget != null) positive("warmup_target", warmupTarget);
    if (warmupSteps < 0) throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
    this.warmupTarget = warmupTarget;
    this.warmupSteps = warmupSteps;
  }

  /** The same decay after a linear warm-up from the initial rate to {@code target} over {@code steps} updates. */
  public CosineDecay warmup(double target, long steps) {
    return new CosineDecay(initial, decaySteps, alpha, target, steps);
  }

  @Override
  public double at(long step) {
    if (warmupTarget == null) return decay(Math.min(step, decaySteps), initial);
    double s = Math.min(step, decaySteps + warmupSteps);
    if (s < warmupSteps) return (warmupTarget - initial) * (s / warmupSteps) + initial;
    return decay(s - warmupSteps, warmupTarget);
  }

  private double decay(double step, double from) {
    double cosine = 0.5 * (1 + StrictMath.cos(Math.PI * (step / decaySteps)));
    return from * ((1 - alpha) * cosine + alpha);
  }

  @Override
  public String className() {
    return "CosineDecay";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("initial_learning_rate", initial);
    c.put("decay_steps", decaySteps);
    c.put("alpha", alpha);
    c.put("name", "CosineDecay");
    c.put("warmup_target", warmupTarget);
    c.put("warmup_steps", warmupSteps);
    return c;
  }
}
