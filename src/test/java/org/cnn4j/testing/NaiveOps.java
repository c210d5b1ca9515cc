package org.cnn4j.testing;

import static org.cnn4j.testing.Naive.checkLength;
import static org.cnn4j.testing.Naive.toFloat;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Reference dense layer, flatten, activations, maxout and dropout, forward and backward.
 *
 * <p>Dense kernels are Keras' {@code [in,units]}. Activations act elementwise except softmax,
 * which normalizes each run of {@code lastDim} consecutive elements (the last axis). Each backward
 * takes what its derivative is cheapest in: x for relu, leaky_relu and elu; y for sigmoid, tanh
 * and softmax. See {@link Naive} for the shared conventions.
 */
public final class NaiveOps {
  private NaiveOps() {}

  /** {@code [n,in] x [in,units] + [units] -> [n,units]}; a null bias means none. */
  public static float[] dense(float[] x, int n, int in, float[] kernel, int units, float[] bias) {
    checkLength("x", x, (long) n * in);
    checkLength("kernel", kernel, (long) in * units);
    if (bias != null) {
      checkLength("bias", bias, units);
    }
    float[] y = new float[n * units];
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < units; o++) {
        double sum = bias == null ? 0.0 : bias[o];
        for (int k = 0; k < in; k++) {
          sum += (double) x[b * in + k] * kernel[k * units + o];
        }
        y[b * units + o] = (float) sum;
      }
    }
    return y;
  }

  /** Given dy {@code [n,units]}: dx = dy W^T {@code [n,in]}, dKernel = x^T dy, dBias = sum dy. */
  public static Naive.Grads denseBackward(
      float[] x, int n, int in, float[] kernel, int units, float[] dy) {
    checkLength("x", x, (long) n * in);
    checkLength("kernel", kernel, (long) in * units);
    checkLength("dy", dy, (long) n * units);
    double[] dx = new double[n * in];
    double[] dk = new double[in * units];
    double[] db = new double[units];
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < units; o++) {
        double g = dy[b * units + o];
        db[o] += g;
        for (int k = 0; k < in; k++) {
          dx[b * in + k] += g * kernel[k * units + o];
          dk[k * units + o] += g * x[b * in + k];
        }
      }
    }
    return new Naive.Grads(toFloat(dx), toFloat(dk), toFloat(db));
  }

  /** NHWC {@code [n,h,w,c] -> [n,h*w*c]} in (h,w,c) order: the array itself, copied. */
  public static float[] flatten(float[] x) {
    return x.clone();
  }

  /** The gradient of flatten is dy reshaped back: again the same array, copied. */
  public static float[] flattenBackward(float[] dy) {
    return dy.clone();
  }

  /**
   * Activation by Keras name: linear, relu, sigmoid, tanh, leaky_relu, elu or softmax. {@code
   * alpha} is the slope of leaky_relu and the scale of elu (ignored otherwise); {@code lastDim} is
   * the softmax axis length (ignored otherwise).
   */
  public static float[] activation(String name, double alpha, float[] x, int lastDim) {
    return switch (name) {
      case "linear" -> x.clone();
      case "relu" -> relu(x);
      case "sigmoid" -> sigmoid(x);
      case "tanh" -> tanh(x);
      case "leaky_relu" -> leakyRelu(x, alpha);
      case "elu" -> elu(x, alpha);
      case "softmax" -> softmax(x, lastDim);
      default -> throw unknownActivation(name);
    };
  }

  /** dx of {@link #activation} given its input x and dy (y is recomputed where needed). */
  public static float[] activationBackward(
      String name, double alpha, float[] x, float[] dy, int lastDim) {
    checkLength("dy", dy, x.length);
    return switch (name) {
      case "linear" -> dy.clone();
      case "relu" -> reluBackward(x, dy);
      case "sigmoid" -> sigmoidBackward(sigmoid(x), dy);
      case "tanh" -> tanhBackward(tanh(x), dy);
      case "leaky_relu" -> leakyReluBackward(x, dy, alpha);
      case "elu" -> eluBackward(x, dy, alpha);
      case "softmax" -> softmaxBackward(softmax(x, lastDim), dy, lastDim);
      default -> throw unknownActivation(name);
    };
  }

  /** max(x, 0). */
  public static float[] relu(float[] x) {
    return map(x, v -> v > 0 ? v : 0.0);
  }

  /** dy where x > 0, else 0 (0 at x == 0, as TensorFlow). */
  public static float[] reluBackward(float[] x, float[] dy) {
    return zip(x, dy, (v, g) -> v > 0 ? g : 0.0);
  }

  /** 1 / (1 + exp(-x)). */
  public static float[] sigmoid(float[] x) {
    return map(x, v -> 1.0 / (1.0 + Math.exp(-v)));
  }

  /** dy * y * (1 - y), from the output y. */
  public static float[] sigmoidBackward(float[] y, float[] dy) {
    return zip(y, dy, (v, g) -> g * v * (1.0 - v));
  }

  /** tanh(x). */
  public static float[] tanh(float[] x) {
    return map(x, Math::tanh);
  }

  /** dy * (1 - y^2), from the output y. */
  public static float[] tanhBackward(float[] y, float[] dy) {
    return zip(y, dy, (v, g) -> g * (1.0 - v * v));
  }

  /** x > 0 ? x : alpha * x. */
  public static float[] leakyRelu(float[] x, double alpha) {
    return map(x, v -> v > 0 ? v : alpha * v);
  }

  /** x > 0 ? dy : alpha * dy. */
  public static float[] leakyReluBackward(float[] x, float[] dy, double alpha) {
    return zip(x, dy, (v, g) -> v > 0 ? g : alpha * g);
  }

  /** x > 0 ? x : alpha * (exp(x) - 1). */
  public static float[] elu(float[] x, double alpha) {
    return map(x, v -> v > 0 ? v : alpha * (Math.exp(v) - 1.0));
  }

  /** x > 0 ? dy : dy * alpha * exp(x). */
  public static float[] eluBackward(float[] x, float[] dy, double alpha) {
    return zip(x, dy, (v, g) -> v > 0 ? g : g * alpha * Math.exp(v));
  }

  /** Softmax over each row of {@code lastDim} elements, shifted by the row max for range. */
  public static float[] softmax(float[] x, int lastDim) {
    int rows = rows(x, lastDim);
    float[] y = new float[x.length];
    for (int r = 0; r < rows; r++) {
      int base = r * lastDim;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < lastDim; k++) {
        max = Math.max(max, x[base + k]);
      }
      double sum = 0.0;
      double[] e = new double[lastDim];
      for (int k = 0; k < lastDim; k++) {
        e[k] = Math.exp(x[base + k] - max);
        sum += e[k];
      }
      for (int k = 0; k < lastDim; k++) {
        y[base + k] = (float) (e[k] / sum);
      }
    }
    return y;
  }

  /** Per row, dx = y * (dy - sum(dy * y)), from the output y. */
  public static float[] softmaxBackward(float[] y, float[] dy, int lastDim) {
    int rows = rows(y, lastDim);
    checkLength("dy", dy, y.length);
    float[] dx = new float[y.length];
    for (int r = 0; r < rows; r++) {
      int base = r * lastDim;
      double dot = 0.0;
      for (int k = 0; k < lastDim; k++) {
        dot += (double) dy[base + k] * y[base + k];
      }
      for (int k = 0; k < lastDim; k++) {
        dx[base + k] = (float) (y[base + k] * (dy[base + k] - dot));
      }
    }
    return dx;
  }

  /**
   * {@code [rows, channels] -> [rows, channels/pieces]}: output j is the max of input channels
   * {@code j*pieces .. j*pieces+pieces-1}.
   */
  public static float[] maxout(float[] x, int rows, int channels, int pieces) {
    int units = maxoutUnits(x, rows, channels, pieces);
    float[] y = new float[rows * units];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < units; j++) {
        y[r * units + j] = x[maxoutArgmax(x, r, channels, pieces, j)];
      }
    }
    return y;
  }

  /** Gradient of {@link #maxout}: each dy goes to the first argmax of its group. */
  public static float[] maxoutBackward(
      float[] x, int rows, int channels, int pieces, float[] dy) {
    int units = maxoutUnits(x, rows, channels, pieces);
    checkLength("dy", dy, (long) rows * units);
    float[] dx = new float[x.length];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < units; j++) {
        dx[maxoutArgmax(x, r, channels, pieces, j)] = dy[r * units + j];
      }
    }
    return dx;
  }

  /** Inverted dropout with a given 0/1 keep-mask: y = x * mask / (1 - rate). */
  public static float[] dropout(float[] x, float[] mask, double rate) {
    checkLength("mask", mask, x.length);
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    return zip(x, mask, (v, m) -> v * m / (1.0 - rate));
  }

  /** dx = dy * mask / (1 - rate): the same scaling as the forward pass. */
  public static float[] dropoutBackward(float[] dy, float[] mask, double rate) {
    return dropout(dy, mask, rate);
  }

  private static int maxoutUnits(float[] x, int rows, int channels, int pieces) {
    checkLength("x", x, (long) rows * channels);
    if (pieces < 1 || channels % pieces != 0) {
      throw new IllegalArgumentException(
          "maxout needs channels divisible by pieces, got " + channels + " and " + pieces);
    }
    return channels / pieces;
  }

  private static int maxoutArgmax(float[] x, int row, int channels, int pieces, int j) {
    int first = row * channels + j * pieces;
    int best = first;
    for (int p = 1; p < pieces; p++) {
      if (x[first + p] > x[best]) {
        best = first + p;
      }
    }
    return best;
  }

  private static int rows(float[] x, int lastDim) {
    if (lastDim < 1 || x.length % lastDim != 0) {
      throw new IllegalArgumentException(
          "length " + x.length + " is not a whole number of rows of " + lastDim);
    }
    return x.length / lastDim;
  }

  private static IllegalArgumentException unknownActivation(String name) {
    return new IllegalArgumentException(
        "unknown activation \"" + name
            + "\"; expected linear, relu, sigmoid, tanh, leaky_relu, elu or softmax");
  }

  private static float[] map(float[] x, DoubleUnaryOperator f) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) f.applyAsDouble(x[i]);
    }
    return y;
  }

  private static float[] zip(float[] a, float[] b, DoubleBinaryOperator f) {
    checkLength("second operand", b, a.length);
    float[] y = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      y[i] = (float) f.applyAsDouble(a[i], b[i]);
    }
    return y;
  }
}
