package org.cnn4j.optim.schedules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A learning rate as a function of the optimizer's iteration count, Keras's
 * {@code LearningRateSchedule}: passed to an optimizer instead of a number, it is
 * evaluated before every update at the number of updates already applied (0 for
 * the first), so it changes per step. Schedules are pure functions of the step:
 * a model file saves them in Keras 3's serialized form and a resumed run
 * continues them exactly.
 *
 * <pre>{@code
 * int steps = Batches.batchesPerEpoch(50_000, 128, false);
 * new SGD(new CosineDecay(0.01, 38 * steps).warmup(0.1, 2 * steps), 0.9f, true)
 * }</pre>
 *
 * <p>Rates are computed in double (with {@link StrictMath}, so every JVM gives
 * the same bits) and handed to the kernels as float.
 */
public abstract class LearningRateSchedule {
  /** The rate of the update that follows {@code step} completed updates. */
  public abstract double at(long step);

  /** Keras's class name, e.g. "CosineDecay". */
  public abstract String className();

  /** Keras's get_config(): plain values (numbers, booleans, strings, lists, null). */
  public abstract Map<String, Object> config();

  /** The module of the serialized form: Keras's own schedules live in "keras.optimizers.schedules". */
  public String module() {
    return "keras.optimizers.schedules";
  }

  /**
   * Keras 3's serialized form: {"module", "class_name", "config", "registered_name"}
   * (a schedule Keras lacks names itself as "cnn4j>Name").
   */
  public final Map<String, Object> serialize() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", module());
    m.put("class_name", className());
    m.put("config", config());
    m.put("registered_name", module().startsWith("keras.") ? null : "cnn4j>" + className());
    return m;
  }

  /**
   * A schedule from its class name and config, as {@link #serialize} writes them.
   *
   * @throws IllegalArgumentException naming the class or the key that is missing or wrong
   */
  public static LearningRateSchedule fromConfig(String className, Map<String, Object> c) {
    return switch (className) {
      case "ExponentialDecay" -> new ExponentialDecay(number(c, "initial_learning_rate"), count(c, "decay_steps"),
          number(c, "decay_rate"), bool(c, "staircase"));
      case "PiecewiseConstantDecay" -> new PiecewiseConstantDecay(longs(c, "boundaries"), doubles(c, "values"));
      case "CosineDecay" -> {
        CosineDecay d = new CosineDecay(number(c, "initial_learning_rate"), count(c, "decay_steps"),
            c.get("alpha") == null ? 0 : number(c, "alpha"));
        yield c.get("warmup_target") == null ? d
            : d.warmup(number(c, "warmup_target"), c.get("warmup_steps") == null ? 0 : count(c, "warmup_steps"));
      }
      case "OneCycle" -> new OneCycle(number(c, "max_learning_rate"), count(c, "total_steps"),
          number(c, "pct_start"), number(c, "div_factor"), number(c, "final_div_factor"));
      default -> throw new IllegalArgumentException("learning-rate schedule " + className + " is not supported; "
          + "cnn4j supports ExponentialDecay, PiecewiseConstantDecay, CosineDecay and OneCycle");
    };
  }

  static double positive(String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " must be positive, got " + v);
    return v;
  }

  static double nonNegative(String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " must be >= 0, got " + v);
    return v;
  }

  private static Object get(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (v == null) throw new IllegalArgumentException("the schedule's config lacks \"" + key + "\"");
    return v;
  }

  private static double number(Map<String, Object> c, String key) {
    if (!(get(c, key) instanceof Number n)) {
      throw new IllegalArgumentException("\"" + key + "\" must be a number, got " + c.get(key));
    }
    return n.doubleValue();
  }

  private static long count(Map<String, Object> c, String key) {
    double v = number(c, key);
    if (v != Math.rint(v) || v < 0 || v > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("\"" + key + "\" must be a whole number >= 0, got " + c.get(key));
    }
    return (long) v;
  }

  private static boolean bool(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (v == null) return false;
    if (!(v instanceof Boolean b)) throw new IllegalArgumentException("\"" + key + "\" must be true or false, got " + v);
    return b;
  }

  private static List<?> list(Map<String, Object> c, String key) {
    if (!(get(c, key) instanceof List<?> l) || l.size() > 100_000) {
      throw new IllegalArgumentException("\"" + key + "\" must be a list (of at most 100000 numbers), got " + c.get(key));
    }
    return l;
  }

  private static long[] longs(Map<String, Object> c, String key) {
    List<?> l = list(c, key);
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new IllegalArgumentException("\"" + key + "\"[" + i + "] must be a whole number, got " + l.get(i));
      }
      out[i] = n.longValue();
    }
    return out;
  }

  private static double[] doubles(Map<String, Object> c, String key) {
    List<?> l = list(c, key);
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number n)) {
        throw new IllegalArgumentException("\"" + key + "\"[" + i + "] must be a number, got " + l.get(i));
      }
      out[i] = n.doubleValue();
    }
    return out;
  }

  @Override
  public String toString() {
    return className() + config();
  }
}
