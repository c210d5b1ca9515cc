package org.cnn4j.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one-cycle policy (Smith and Topin), in its usual two-phase form with
 * cosine annealing: from {@code max / divFactor} the rate rises to {@code max}
 * over the first {@code pctStart} of {@code totalSteps} updates, then falls to
 * {@code max / divFactor / finalDivFactor} at the last update, and stays there.
 * Keras has no such schedule; it is saved as class "OneCycle" of module
 * "cnn4j.optimizers.schedules".
 *
 * <pre>{@code
 * new OneCycle(0.1, 30 * steps)                 // pctStart 0.3, divFactor 25, finalDivFactor 1e4
 * }</pre>
 */
public final class OneCycle extends LearningRateSchedule {
  private final double max;
  private final long totalSteps;
  private final double pctStart;
  private final double divFactor;
  private final double finalDivFactor;

  public OneCycle(double maxLearningRate, long totalSteps) {
    this(maxLearningRate, totalSteps, 0.3, 25, 1e4);
  }

  public OneCycle(double maxLearningRate, long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
    this.max = positive("max_learning_rate", maxLearningRate);
    if (totalSteps < 2) throw new IllegalArgumentException("total_steps must be at least 2, got " + totalSteps);
    if (!(pctStart > 0 && pctStart < 1)) throw new IllegalArgumentException("pct_start must be in (0, 1), got " + pctStart);
    this.totalSteps = totalSteps;
    this.pctStart = pctStart;
    this.divFactor = positive("div_factor", divFactor);
    this.finalDivFactor = positive("final_div_factor", finalDivFactor);
  }

  @Override
  public double at(long step) {
    double start = max / divFactor;
    double end = start / finalDivFactor;
    double peak = pctStart * totalSteps - 1; // the update at which the rate is max
    double last = totalSteps - 1;
    double s = Math.min(step, last);
    if (s <= peak) return anneal(start, max, peak <= 0 ? 1 : s / peak);
    return anneal(max, end, (s - peak) / (last - peak));
  }

  /** Cosine from a (fraction 0) to b (fraction 1). */
  private static double anneal(double a, double b, double fraction) {
    return b + (a - b) / 2 * (1 + StrictMath.cos(Math.PI * fraction));
  }

  @Override
  public String module() {
    return "cnn4j.optimizers.schedules";
  }

  @Override
  public String className() {
    return "OneCycle";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("max_learning_rate", max);
    c.put("total_steps", totalSteps);
    c.put("pct_start", pctStart);
    c.put("div_factor", divFactor);
    c.put("final_div_factor", finalDivFactor);
    c.put("name", "OneCycle");
    return c;
  }
}
