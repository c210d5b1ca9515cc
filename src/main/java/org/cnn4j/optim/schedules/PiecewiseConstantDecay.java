package org.cnn4j.optim.schedules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's PiecewiseConstantDecay: {@code values[0]} while {@code step <= boundaries[0]},
 * {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]}, and the last
 * value after the last boundary.
 *
 * <pre>{@code
 * new PiecewiseConstantDecay(new long[] {1000, 2000}, new double[] {1e-1, 1e-2, 1e-3})
 * }</pre>
 */
public final class PiecewiseConstantDecay extends LearningRateSchedule {
  private final long[] boundaries;
  private final double[] values;

  public PiecewiseConstantDecay(long[] boundaries, double[] values) {
    if (values.length != boundaries.length + 1) {
      throw new IllegalArgumentException("PiecewiseConstantDecay needs one value more than boundaries, got "
          + boundaries.length + " boundaries and " + values.length + " values");
    }
    for (int i = 1; i < boundaries.length; i++) {
      if (boundaries[i] <= boundaries[i - 1]) {
        throw new IllegalArgumentException("boundaries must increase, got " + boundaries[i - 1] + " then "
            + boundaries[i]);
      }
    }
    for (double v : values) positive("every value", v);
    this.boundaries = boundaries.clone();
    this.values = values.clone();
  }

  @Override
  public double at(long step) {
    int i = 0;
    while (i < boundaries.length && step > boundaries[i]) i++;
    return values[i];
  }

  @Override
  public String className() {
    return "PiecewiseConstantDecay";
  }

  @Override
  public Map<String, Object> config() {
    List<Object> b = new ArrayList<>();
    for (long x : boundaries) b.add(x);
    List<Object> v = new ArrayList<>();
    for (double x : values) v.add(x);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("boundaries", b);
    c.put("values", v);
    c.put("name", "PiecewiseConstant");
    return c;
  }
}
