package org.cnn4j.testing;

import static org.cnn4j.testing.Naive.toFloat;

/**
 * Reference batch normalization over the last axis of {@code [rows, c]} (NHWC flattened: rows = n*h*w),
 * Keras 3's semantics: training normalizes with the batch's mean and biased variance, inference with
 * given (moving) statistics; {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}. A null gamma
 * means 1, a null beta 0.
 */
public final class NaiveNorm {
  private NaiveNorm() {}

  /** Per-channel mean and biased variance over the rows: {mean[c], var[c]}. */
  public static double[][] moments(float[] x, int c) {
    int rows = x.length / c;
    double[] mean = new double[c];
    double[] var = new double[c];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < c; k++) {
        mean[k] += x[r * c + k];
      }
    }
    for (int k = 0; k < c; k++) {
      mean[k] /= rows;
    }
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < c; k++) {
        double d = x[r * c + k] - mean[k];
        var[k] += d * d;
      }
    }
    for (int k = 0; k < c; k++) {
      var[k] /= rows;
    }
    return new double[][] {mean, var};
  }

  /** Normalizes with the given statistics (inference), in double. */
  public static double[] normalize(float[] x, int c, double[] mean, double[] var, float[] gamma, float[] beta,
      double eps) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int k = i % c;
      double g = gamma == null ? 1 : gamma[k];
      double b = beta == null ? 0 : beta[k];
      y[i] = g * (x[i] - mean[k]) / Math.sqrt(var[k] + eps) + b;
    }
    return y;
  }

  /** Training forward: normalizes with the batch's own statistics. */
  public static float[] forwardTraining(float[] x, int c, float[] gamma, float[] beta, double eps) {
    double[][] m = moments(x, c);
    return toFloat(normalize(x, c, m[0], m[1], gamma, beta, eps));
  }

  /** Inference forward with moving statistics. */
  public static float[] forwardInference(float[] x, int c, float[] movingMean, float[] movingVar, float[] gamma,
      float[] beta, double eps) {
    double[] mean = new double[c];
    double[] var = new double[c];
    for (int k = 0; k < c; k++) {
      mean[k] = movingMean[k];
      var[k] = movingVar[k];
    }
    return toFloat(normalize(x, c, mean, var, gamma, beta, eps));
  }

  /**
   * Backward of {@link #forwardTraining} (batch statistics depend on x): returns {dx, dgamma, dbeta}
   * with dx = gamma / sqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy * xhat)).
   */
  public static float[][] backwardTraining(float[] x, int c, float[] gamma, float[] dy, double eps) {
    int rows = x.length / c;
    double[][] m = moments(x, c);
    double[] sumDy = new double[c];
    double[] sumDyXhat = new double[c];
    double[] xhat = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int k = i % c;
      xhat[i] = (x[i] - m[0][k]) / Math.sqrt(m[1][k] + eps);
      sumDy[k] += dy[i];
      sumDyXhat[k] += dy[i] * xhat[i];
    }
    double[] dx = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int k = i % c;
      double g = gamma == null ? 1 : gamma[k];
      dx[i] = g / Math.sqrt(m[1][k] + eps) * (dy[i] - sumDy[k] / rows - xhat[i] * sumDyXhat[k] / rows);
    }
    return new float[][] {toFloat(dx), toFloat(sumDyXhat), toFloat(sumDy)};
  }
}
