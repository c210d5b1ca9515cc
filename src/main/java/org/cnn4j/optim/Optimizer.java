package org.cnn4j.optim;

import java.util.List;
import java.util.Map;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.optim.schedules.LearningRateSchedule;

/**
 * Updates a model's parameters from their gradients: one native call over the
 * whole parameter arena per step. The learning rate is a number or a
 * {@link LearningRateSchedule} evaluated before every update at the number of
 * updates already applied, as Keras does. Optional decoupled weight decay
 * (Keras 3's {@code weight_decay}): before the update, {@code w -= lr * wd * w}
 * for every parameter not excluded by {@link #excludeFromWeightDecay}.
 */
public abstract class Optimizer {
  private float learningRate;
  private final LearningRateSchedule schedule;
  private final WeightDecay decay = new WeightDecay();
  private long iterations;

  /** An optimizer starting at {@code learningRate}. */
  protected Optimizer(float learningRate) {
    this.learningRate = checkRate(learningRate);
    this.schedule = null;
  }

  protected Optimizer(LearningRateSchedule schedule) {
    this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
  }

  private static float checkRate(float lr) {
    if (!(lr > 0) || Float.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
    }
    return lr;
  }

  /**
   * The rate of the next update: the constant rate, or the schedule at the
   * iteration count of the last {@link #step} this optimizer ran (0 before any).
   */
  public float learningRate() {
    return learningRate(iterations);
  }

  /** The rate of the update that follows {@code iterations} completed updates (Keras's optimizer.learning_rate). */
  public float learningRate(long iterations) {
    return schedule == null ? learningRate : (float) schedule.at(iterations);
  }

  /** Updates applied so far, as the last {@link #step} saw them (Keras's optimizer.iterations). */
  public long iterations() {
    return iterations;
  }

  /** Sets the count of updates applied so far, e.g. after loading a saved model's weights and step count. */
  public void iterations(long count) {
    if (count < 0) throw new IllegalArgumentException("iterations must be >= 0, got " + count);
    iterations = count;
  }

  /** The rate as Keras's get_config holds it: a number, or the schedule's serialized form. */
  protected final Object learningRateConfig() {
    return schedule == null ? (Object) (double) learningRate : schedule.serialize();
  }

  /** The schedule given instead of a number, or null. */
  public LearningRateSchedule schedule() {
    return schedule;
  }

  /**
   * Changes the learning rate from the next step on (LearningRateScheduler and
   * ReduceLROnPlateau use this). As in Keras, a rate given as a schedule cannot be set.
   */
  public void setLearningRate(float lr) {
    if (schedule != null) {
      throw new IllegalStateException("this optimizer's learning rate is the schedule " + schedule.className()
          + ", so it cannot be set; use either a schedule or a callback that sets the rate, not both");
    }
    this.learningRate = checkRate(lr);
  }

  /** Decoupled weight decay (Keras 3's weight_decay): each step first does w -= lr * wd * w. 0 turns it off. */
  public Optimizer weightDecay(float wd) {
    decay.rate(wd);
    return this;
  }

  public float weightDecay() {
    return decay.rate();
  }

  /**
   * Keras's exclude_from_weight_decay(var_names=...): parameters whose name
   * (e.g. "dense/bias") contains a match of any of these regular expressions are not decayed.
   */
  public Optimizer excludeFromWeightDecay(String... names) {
    decay.excludeNames(names);
    return this;
  }

  /**
   * Excludes every one-dimensional parameter from weight decay: biases and
   * BatchNormalization's gamma and beta, so that only kernels decay.
   */
  public Optimizer excludeVectorsFromWeightDecay() {
    decay.excludeVectors();
    return this;
  }

  /** The name patterns excluded from weight decay. */
  public List<String> weightDecayExclusions() {
    return decay.excludedNames();
  }

  /** Whether one-dimensional parameters are excluded from weight decay. */
  public boolean weightDecayExcludesVectors() {
    return decay.excludesVectors();
  }

  /**
   * Applies one update to every parameter in the arena.
   *
   * @param arena the parameters, their gradients and this optimizer's slots
   * @param iteration the 1-based number of this update
   */
  public abstract void step(ParameterArena arena, long iteration);

  /** Called by {@link #step} first: records the iteration and returns this update's learning rate. */
  protected final float beginStep(long iteration) {
    float lr = learningRate(iteration - 1);
    iterations = iteration;
    return lr;
  }

  /** This step's decay factor lr * wd (0 without weight decay). */
  protected final float decayFactor(float lr) {
    return decay.rate() * lr;
  }

  /**
   * The arena's decayed parts as [begin, end) pairs of float offsets, computed
   * once per arena; empty without weight decay.
   */
  protected final long[] decayRanges(ParameterArena arena) {
    return decay.rate() == 0 ? NO_RANGES : decay.ranges(arena);
  }

  private static final long[] NO_RANGES = {};

  /**
   * Keras's optimizer config ("name", "learning_rate", ...): "learning_rate" is
   * the rate as a Double or, for a schedule, its serialized form (a map).
   */
  public abstract Map<String, Object> config();

  /** By Keras name with default settings: "adam", "adamw" or "sgd". */
  public static Optimizer parse(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "adam" -> new Adam();
      case "adamw" -> new AdamW();
      case "sgd" -> new SGD();
      default -> throw new IllegalArgumentException("unknown optimizer '" + name
          + "': expected 'adam', 'adamw' or 'sgd'");
    };
  }
}
