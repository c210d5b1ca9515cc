package org.cnn4j.testing;

import static org.cnn4j.testing.Naive.checkLength;

/**
 * Reference losses, accuracy and optimizer steps, as Keras 3 computes them.
 *
 * <p>Predictions are probabilities {@code [n,classes]} (the output of a softmax); labels are class
 * indices {@code [n]}. Losses are means over the batch. The optimizer steps update weights and
 * state in place, one element at a time, keeping the state in float as Keras does. See {@link
 * Naive} for the shared conventions.
 */
public final class NaiveTraining {
  private NaiveTraining() {}

  /** Keras' {@code backend.epsilon()}: probabilities are clipped to [EPSILON, 1 - EPSILON]. */
  public static final double EPSILON = 1e-7;

  /** Mean over the batch of {@code -log(clip(p[b, labels[b]]))}. */
  public static double sparseCategoricalCrossentropy(
      float[] probs, int n, int classes, int[] labels) {
    checkBatch(probs, n, classes, labels);
    double sum = 0.0;
    for (int b = 0; b < n; b++) {
      sum -= Math.log(clip(probs[b * classes + labels[b]]));
    }
    return sum / n;
  }

  /** Gradient of that loss w.r.t. the logits before the softmax: {@code (p - onehot) / n}. */
  public static float[] sparseCategoricalCrossentropyLogitGradient(
      float[] probs, int n, int classes, int[] labels) {
    checkBatch(probs, n, classes, labels);
    float[] dz = new float[n * classes];
    for (int b = 0; b < n; b++) {
      for (int k = 0; k < classes; k++) {
        double target = k == labels[b] ? 1.0 : 0.0;
        dz[b * classes + k] = (float) ((probs[b * classes + k] - target) / n);
      }
    }
    return dz;
  }

  /** Mean over the batch of {@code -sum_k t[b,k] * log(clip(p[b,k]))}; t one-hot or soft. */
  public static double categoricalCrossentropy(
      float[] probs, float[] targets, int n, int classes) {
    checkLength("probs", probs, (long) n * classes);
    checkLength("targets", targets, (long) n * classes);
    double sum = 0.0;
    for (int i = 0; i < n * classes; i++) {
      sum -= targets[i] * Math.log(clip(probs[i]));
    }
    return sum / n;
  }

  /**
   * Gradient of that loss w.r.t. the logits before the softmax: {@code (p * sum(t) - t) / n} per
   * row, which is {@code (p - t) / n} when each target row sums to 1.
   */
  public static float[] categoricalCrossentropyLogitGradient(
      float[] probs, float[] targets, int n, int classes) {
    checkLength("probs", probs, (long) n * classes);
    checkLength("targets", targets, (long) n * classes);
    float[] dz = new float[n * classes];
    for (int b = 0; b < n; b++) {
      double targetSum = 0.0;
      for (int k = 0; k < classes; k++) {
        targetSum += targets[b * classes + k];
      }
      for (int k = 0; k < classes; k++) {
        int i = b * classes + k;
        dz[i] = (float) ((probs[i] * targetSum - targets[i]) / n);
      }
    }
    return dz;
  }

  /** Fraction of rows whose {@link #argmax} equals the label. */
  public static double sparseCategoricalAccuracy(
      float[] probs, int n, int classes, int[] labels) {
    checkBatch(probs, n, classes, labels);
    int hits = 0;
    for (int b = 0; b < n; b++) {
      if (argmax(probs, b * classes, classes) == labels[b]) {
        hits++;
      }
    }
    return (double) hits / n;
  }

  /** Index (0 .. length-1) of the largest of {@code a[from .. from+length-1]}; first on ties. */
  public static int argmax(float[] a, int from, int length) {
    int best = 0;
    for (int k = 1; k < length; k++) {
      if (a[from + k] > a[from + best]) {
        best = k;
      }
    }
    return best;
  }

  /** Adam with Keras' defaults beta1 0.9, beta2 0.999, epsilon 1e-7. */
  public static void adamStep(float[] w, float[] g, float[] m, float[] v, long step, double lr) {
    adamStep(w, g, m, v, step, lr, 0.9, 0.999, 1e-7);
  }

  /**
   * One Keras 3 Adam update in place. {@code step} is the 1-based step count t (Keras'
   * iterations + 1); m and v start at zero.
   *
   * <pre>
   * alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
   * m += (g - m) * (1 - beta1)
   * v += (g*g - v) * (1 - beta2)
   * w -= alpha * m / (sqrt(v) + epsilon)
   * </pre>
   */
  public static void adamStep(
      float[] w, float[] g, float[] m, float[] v, long step, double lr,
      double beta1, double beta2, double epsilon) {
    checkState(w, g, m, v);
    if (step < 1) {
      throw new IllegalArgumentException("Adam's step count starts at 1, got " + step);
    }
    double alpha = lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
    for (int i = 0; i < w.length; i++) {
      double gi = g[i];
      m[i] = (float) (m[i] + (gi - m[i]) * (1 - beta1));
      v[i] = (float) (v[i] + (gi * gi - v[i]) * (1 - beta2));
      w[i] = (float) (w[i] - alpha * m[i] / (Math.sqrt(v[i]) + epsilon));
    }
  }

  /**
   * One Keras SGD update in place: {@code velocity = momentum*velocity - lr*g}, then {@code w +=
   * velocity}, or with Nesterov {@code w += momentum*velocity - lr*g}. With momentum 0 this is
   * {@code w -= lr*g} and velocity may be null.
   */
  public static void sgdStep(
      float[] w, float[] g, float[] velocity, double lr, double momentum, boolean nesterov) {
    checkLength("g", g, w.length);
    if (momentum == 0) {
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (w[i] - lr * g[i]);
      }
      return;
    }
    checkLength("velocity", velocity, w.length);
    for (int i = 0; i < w.length; i++) {
      velocity[i] = (float) (momentum * velocity[i] - lr * g[i]);
      double delta = nesterov ? momentum * velocity[i] - lr * g[i] : velocity[i];
      w[i] = (float) (w[i] + delta);
    }
  }

  private static double clip(double p) {
    return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
  }

  private static void checkBatch(float[] probs, int n, int classes, int[] labels) {
    checkLength("probs", probs, (long) n * classes);
    if (labels.length != n) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " entries for a batch of " + n);
    }
    for (int b = 0; b < n; b++) {
      if (labels[b] < 0 || labels[b] >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[b] + " at row " + b + " is outside 0.." + (classes - 1));
      }
    }
  }

  private static void checkState(float[] w, float[] g, float[] m, float[] v) {
    checkLength("g", g, w.length);
    checkLength("m", m, w.length);
    checkLength("v", v, w.length);
  }
}
