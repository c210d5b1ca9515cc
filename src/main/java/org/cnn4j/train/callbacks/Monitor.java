package org.cnn4j.train.callbacks;

import java.util.Locale;

/**
 * A monitored metric and which way is better. Mode "auto" follows Keras: a
 * name ending in "loss" is minimised, one containing "acc" maximised; any
 * other name needs "min" or "max".
 */
final class Monitor {
  final String metric;
  final boolean maximize;
  final double minDelta;

  private Monitor(String metric, boolean maximize, double minDelta) {
    this.metric = metric;
    this.maximize = maximize;
    this.minDelta = minDelta;
  }

  /** Checks a mode given by the user: "auto", "min" or "max". */
  static String mode(String mode) {
    String m = mode.toLowerCase(Locale.ROOT);
    if (!m.equals("auto") && !m.equals("min") && !m.equals("max")) {
      throw new IllegalArgumentException("mode must be \"auto\", \"min\" or \"max\", got \"" + mode + "\"");
    }
    return m;
  }

  static Monitor of(String metric, String mode, double minDelta) {
    if (mode.equals("min") || mode.equals("max")) return new Monitor(metric, mode.equals("max"), minDelta);
    String name = metric.startsWith("val_") ? metric.substring(4) : metric;
    if (name.endsWith("loss")) return new Monitor(metric, false, minDelta);
    if (name.contains("acc")) return new Monitor(metric, true, minDelta);
    throw new IllegalArgumentException("cannot tell whether \"" + metric + "\" should be minimised or maximised; "
        + "pass mode(\"min\") or mode(\"max\")");
  }

  /** True if {@code current} beats {@code best} by more than minDelta; anything beats no best yet, NaN nothing. */
  boolean improves(double current, Double best) {
    if (Double.isNaN(current)) return false;
    if (best == null) return true;
    return maximize ? current > best + minDelta : current < best - minDelta;
  }

  static double nonNegative(double minDelta) {
    if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
      throw new IllegalArgumentException("minDelta must be a finite number >= 0, got " + minDelta);
    }
    return minDelta;
  }

  /** A saved number back as a Double (JSON numbers come back as Long or Double); null stays null. */
  static Double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : null;
  }

  static int count(Object v) {
    return v instanceof Number n ? n.intValue() : 0;
  }
}
