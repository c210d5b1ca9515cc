package org.cnn4j.optim;

import org.cnn4j.optim.schedules.LearningRateSchedule;

/**
 * Keras 3's AdamW: Adam with decoupled weight decay, default 0.004. Each step
 * first shrinks every decayed weight, {@code w -= lr * wd * w}, then applies
 * Adam's update; nothing of the decay passes through the moments.
 *
 * <pre>{@code
 * new AdamW(1e-3f, 0.05f).excludeVectorsFromWeightDecay()   // decay kernels only
 * }</pre>
 */
public final class AdamW extends Adam {
  public AdamW() {
    this(1e-3f, 0.004f);
  }

  public AdamW(float learningRate, float weightDecay) {
    this(learningRate, weightDecay, 0.9f, 0.999f, 1e-7f);
  }

  public AdamW(float learningRate, float weightDecay, float beta1, float beta2, float epsilon) {
    super(learningRate, beta1, beta2, epsilon);
    weightDecay(weightDecay);
  }

  public AdamW(LearningRateSchedule schedule, float weightDecay) {
    this(schedule, weightDecay, 0.9f, 0.999f, 1e-7f);
  }

  public AdamW(LearningRateSchedule schedule, float weightDecay, float beta1, float beta2, float epsilon) {
    super(schedule, beta1, beta2, epsilon);
    weightDecay(weightDecay);
  }

  @Override
  protected String name() {
    return "adamw";
  }
}
