package org.cnn4j.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's ExponentialDecay: {@code initial * rate^(step / decaySteps)}, with the
 * exponent rounded down when {@code staircase} (the rate then changes every
 * decaySteps updates).
 */
public final class ExponentialDecay extends LearningRateSchedule {
  private final double initial;
  private final long decaySteps;
  private final double decayRate;
  private final boolean staircase;

  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase) {
    this.initial = positive("initial_learning_rate", initialLearningRate);
    if (decaySteps < 1) throw new IllegalArgumentException("decay_steps must be at least 1, got " + decaySteps);
    this.decaySteps = decaySteps;
    this.decayRate = positive("decay_rate", decayRate);
    this.staircase = staircase;
  }

  @Override
  public double at(long step) {
    double p = (double) step / decaySteps;
    if (staircase) p = Math.floor(p);
    return initial * StrictMath.pow(decayRate, p);
  }

  @Override
  public String className() {
    return "ExponentialDecay";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("initial_learning_rate", initial);
    c.put("decay_steps", decaySteps);
    c.put("decay_rate", decayRate);
    c.put("staircase", staircase);
    c.put("name", "ExponentialDecay");
    return c;
  }
}
