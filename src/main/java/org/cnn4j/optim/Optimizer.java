package org.cnn4j.optim;

import java.util.Map;
import org.cnn4j.dnnl.ParameterArena;

/**
 * Updates a model's parameters from their gradients: one native call over the
 * whole parameter arena per step.
 */
public abstract class Optimizer {
  private float learningRate;

  /** An optimizer starting at {@code learningRate}. */
  protected Optimizer(float learningRate) {
    if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** The current learning rate. */
  public float learningRate() {
    return learningRate;
  }

  /** Changes the learning rate from the next step on (schedules and ReduceLROnPlateau use this). */
  public void setLearningRate(float lr) {
    if (!(lr > 0) || Float.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
    }
    this.learningRate = lr;
  }

  /**
   * Applies one update to every parameter in the arena.
   *
   * @param arena the parameters, their gradients and this optimizer's slots
   * @param iteration the 1-based number of this update
   */
  public abstract void step(ParameterArena arena, long iteration);

  /** Keras's optimizer config ("name", "learning_rate", ...). */
  public abstract Map<String, Object> config();

  /** By Keras name with default settings: "adam" or "sgd". */
  public static Optimizer parse(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "adam" -> new Adam();
      case "sgd" -> new SGD();
      default -> throw new IllegalArgumentException("unknown optimizer '" + name + "': expected 'adam' or 'sgd'");
    };
  }
}
