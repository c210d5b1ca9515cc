package org.cnn4j.testing;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences, for checking a backward pass against its forward pass.
 *
 * <p>Typical use: pick a fixed random tensor r the shape of the output, let {@code f(x) =
 * sum(r * forward(x))} in double, pass r as dy to the backward, and compare its dx with {@link
 * #numericGradient}. For piecewise-linear ops keep the inputs further than h from every kink
 * (zero, ties of a max).
 */
public final class GradCheck {
  private GradCheck() {}

  /**
   * {@code d f / d x[i]} for every i by {@code (f(x + h e_i) - f(x - h e_i)) / (2h)}. x is changed
   * during the call and restored afterwards. The step is divided by the difference of the two
   * float values actually stored, so rounding {@code x[i] ± h} to float costs no accuracy.
   */
  public static double[] numericGradient(ToDoubleFunction<float[]> f, float[] x, double h) {
    if (!(h > 0)) {
      throw new IllegalArgumentException("step h must be positive, got " + h);
    }
    double[] grad = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      float saved = x[i];
      float plus = (float) (saved + h);
      float minus = (float) (saved - h);
      try {
        x[i] = plus;
        double fPlus = f.applyAsDouble(x);
        x[i] = minus;
        double fMinus = f.applyAsDouble(x);
        grad[i] = (fPlus - fMinus) / ((double) plus - (double) minus);
      } finally {
        x[i] = saved;
      }
    }
    return grad;
  }

  /**
   * Largest {@code |a - n| / max(|a|, |n|, floor)} over all elements. The floor keeps gradients
   * near zero from turning rounding noise into huge relative errors: below it, the error is
   * absolute (divided by floor).
   */
  public static double maxRelativeError(float[] analytic, double[] numeric, double floor) {
    if (analytic.length != numeric.length) {
      throw new IllegalArgumentException(
          "analytic has " + analytic.length + " elements, numeric " + numeric.length);
    }
    double worst = 0.0;
    for (int i = 0; i < analytic.length; i++) {
      double a = analytic[i];
      double n = numeric[i];
      double scale = Math.max(Math.max(Math.abs(a), Math.abs(n)), floor);
      double err = Math.abs(a - n) / scale;
      if (Double.isNaN(err)) {
        return Double.POSITIVE_INFINITY;
      }
      worst = Math.max(worst, err);
    }
    return worst;
  }
}
