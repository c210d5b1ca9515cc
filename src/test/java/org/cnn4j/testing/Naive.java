package org.cnn4j.testing;

/**
 * Plain-Java reference of every op, for tests: nested loops, double accumulation, no cleverness.
 *
 * <p>Conventions shared by {@code Naive}, {@link NaiveConv}, {@link NaiveOps} and {@link
 * NaiveTraining}:
 *
 * <ul>
 *   <li>Tensors are row-major {@code float[]} with explicit int dims; activations are NHWC, so
 *       element {@code [b,i,j,k]} of an {@code [n,h,w,c]} tensor is at {@code ((b*h+i)*w+j)*c+k}
 *       (see {@link #nhwc}).
 *   <li>Weights use the Keras layouts: conv kernels HWIO {@code [kh,kw,cin,cout]}, dense kernels
 *       {@code [in,units]}, biases {@code [cout]} / {@code [units]}. A {@code null} bias means no
 *       bias.
 *   <li>Padding is {@code "valid"} or {@code "same"} with TensorFlow semantics (see {@link
 *       #outputSize} and {@link #padBefore}); the odd extra padded row or column goes after.
 *   <li>Every op returns fresh arrays and leaves its inputs alone, except the optimizer steps,
 *       which update weights and state in place as Keras does.
 *   <li>Sums are accumulated in double and rounded to float once, when stored.
 * </ul>
 */
public final class Naive {
  private Naive() {}

  /** Gradients of an op with a kernel and a bias: {@code dBias} is the sum of dy, bias or not. */
  public record Grads(float[] dx, float[] dKernel, float[] dBias) {}

  /**
   * Output length along one axis: {@code ceil(in/stride)} for "same", {@code
   * floor((in-k)/stride)+1} for "valid".
   */
  public static int outputSize(int in, int k, int stride, String padding) {
    checkAxis(in, k, stride);
    if (isSame(padding)) {
      return (in + stride - 1) / stride;
    }
    if (in < k) {
      throw new IllegalArgumentException(
          "'valid' padding needs input >= window, got input " + in + " and window " + k
              + "; use 'same' or a smaller window");
    }
    return (in - k) / stride + 1;
  }

  /**
   * Zero rows (or columns) added before the input: 0 for "valid"; for "same" {@code padTotal/2}
   * with {@code padTotal = max((out-1)*stride + k - in, 0)}.
   */
  public static int padBefore(int in, int k, int stride, String padding) {
    return isSame(padding) ? padTotal(in, k, stride) / 2 : 0;
  }

  /** Zero rows (or columns) added after the input: {@code padTotal - padBefore} for "same". */
  public static int padAfter(int in, int k, int stride, String padding) {
    return isSame(padding) ? padTotal(in, k, stride) - padTotal(in, k, stride) / 2 : 0;
  }

  /** Keras' Glorot-uniform bound {@code sqrt(6/(fanIn+fanOut))}. */
  public static double glorotUniformLimit(long fanIn, long fanOut) {
    return Math.sqrt(6.0 / (fanIn + fanOut));
  }

  /** Glorot bound of an HWIO conv kernel: fanIn = kh*kw*cin, fanOut = kh*kw*cout. */
  public static double glorotUniformLimitConv(int kh, int kw, int cin, int cout) {
    return glorotUniformLimit((long) kh * kw * cin, (long) kh * kw * cout);
  }

  /** Flat index of {@code [b,i,j,ch]} in an NHWC tensor of spatial size h x w with c channels. */
  public static int nhwc(int b, int i, int j, int ch, int h, int w, int c) {
    return ((b * h + i) * w + j) * c + ch;
  }

  static float[] toFloat(double[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }

  static void checkLength(String name, float[] a, long expected) {
    if (a.length != expected) {
      throw new IllegalArgumentException(
          name + " has " + a.length + " elements but its dims say " + expected);
    }
  }

  private static int padTotal(int in, int k, int stride) {
    int out = outputSize(in, k, stride, "same");
    return Math.max((out - 1) * stride + k - in, 0);
  }

  private static boolean isSame(String padding) {
    if ("same".equals(padding)) {
      return true;
    }
    if ("valid".equals(padding)) {
      return false;
    }
    throw new IllegalArgumentException(
        "padding must be \"valid\" or \"same\", got \"" + padding + "\"");
  }

  private static void checkAxis(int in, int k, int stride) {
    if (in < 1 || k < 1 || stride < 1) {
      throw new IllegalArgumentException(
          "input, window and stride must be positive, got " + in + ", " + k + ", " + stride);
    }
  }
}
