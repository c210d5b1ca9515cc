package org.cnn4j.testing;

import static org.cnn4j.testing.Naive.checkLength;
import static org.cnn4j.testing.Naive.nhwc;
import static org.cnn4j.testing.Naive.outputSize;
import static org.cnn4j.testing.Naive.padBefore;
import static org.cnn4j.testing.Naive.toFloat;

/**
 * Reference 2-D convolution and max pooling, forward and backward, over NHWC activations.
 *
 * <p>Convolution is Keras' (a cross-correlation): with kernel HWIO {@code [kh,kw,cin,cout]},
 * {@code z[b,i,j,o] = bias[o] + sum_{u,v,c} x[b, i*sh+u-padTop, j*sw+v-padLeft, c] * w[u,v,c,o]},
 * reading zero outside the input. Pooling ignores padded positions: they never win the max. See
 * {@link Naive} for the shared conventions and the padding arithmetic.
 */
public final class NaiveConv {
  private NaiveConv() {}

  /** {@code [n,h,w,cin] (x) [kh,kw,cin,cout] -> [n,oh,ow,cout]}; bias {@code [cout]} or null. */
  public static float[] conv2d(
      float[] x, int n, int h, int w, int cin,
      float[] kernel, int kh, int kw, int cout, float[] bias,
      int sh, int sw, String padding) {
    checkLength("x", x, (long) n * h * w * cin);
    checkLength("kernel", kernel, (long) kh * kw * cin * cout);
    if (bias != null) {
      checkLength("bias", bias, cout);
    }
    int oh = outputSize(h, kh, sh, padding);
    int ow = outputSize(w, kw, sw, padding);
    int top = padBefore(h, kh, sh, padding);
    int left = padBefore(w, kw, sw, padding);
    float[] z = new float[n * oh * ow * cout];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int o = 0; o < cout; o++) {
            double sum = bias == null ? 0.0 : bias[o];
            for (int u = 0; u < kh; u++) {
              int r = i * sh + u - top;
              if (r < 0 || r >= h) {
                continue;
              }
              for (int v = 0; v < kw; v++) {
                int s = j * sw + v - left;
                if (s < 0 || s >= w) {
                  continue;
                }
                for (int c = 0; c < cin; c++) {
                  sum += (double) x[nhwc(b, r, s, c, h, w, cin)]
                      * kernel[((u * kw + v) * cin + c) * cout + o];
                }
              }
            }
            z[nhwc(b, i, j, o, oh, ow, cout)] = (float) sum;
          }
        }
      }
    }
    return z;
  }

  /**
   * Gradients of {@link #conv2d} given {@code dy [n,oh,ow,cout]}: dx {@code [n,h,w,cin]}, dKernel
   * {@code [kh,kw,cin,cout]}, dBias {@code [cout]}.
   */
  public static Naive.Grads conv2dBackward(
      float[] x, int n, int h, int w, int cin,
      float[] kernel, int kh, int kw, int cout,
      int sh, int sw, String padding, float[] dy) {
    int oh = outputSize(h, kh, sh, padding);
    int ow = outputSize(w, kw, sw, padding);
    int top = padBefore(h, kh, sh, padding);
    int left = padBefore(w, kw, sw, padding);
    checkLength("x", x, (long) n * h * w * cin);
    checkLength("kernel", kernel, (long) kh * kw * cin * cout);
    checkLength("dy", dy, (long) n * oh * ow * cout);
    double[] dx = new double[x.length];
    double[] dk = new double[kernel.length];
    double[] db = new double[cout];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int o = 0; o < cout; o++) {
            double g = dy[nhwc(b, i, j, o, oh, ow, cout)];
            db[o] += g;
            for (int u = 0; u < kh; u++) {
              int r = i * sh + u - top;
              if (r < 0 || r >= h) {
                continue;
              }
              for (int v = 0; v < kw; v++) {
                int s = j * sw + v - left;
                if (s < 0 || s >= w) {
                  continue;
                }
                for (int c = 0; c < cin; c++) {
                  int xi = nhwc(b, r, s, c, h, w, cin);
                  int ki = ((u * kw + v) * cin + c) * cout + o;
                  dx[xi] += g * kernel[ki];
                  dk[ki] += g * x[xi];
                }
              }
            }
          }
        }
      }
    }
    return new Naive.Grads(toFloat(dx), toFloat(dk), toFloat(db));
  }

  /** {@code [n,h,w,c] -> [n,oh,ow,c]}, max over each in-bounds (ph x pw) window. */
  public static float[] maxPool2d(
      float[] x, int n, int h, int w, int c, int ph, int pw, int sh, int sw, String padding) {
    checkLength("x", x, (long) n * h * w * c);
    int oh = outputSize(h, ph, sh, padding);
    int ow = outputSize(w, pw, sw, padding);
    float[] y = new float[n * oh * ow * c];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int ch = 0; ch < c; ch++) {
            int at = argmaxInWindow(x, b, i, j, ch, h, w, c, ph, pw, sh, sw, padding);
            y[nhwc(b, i, j, ch, oh, ow, c)] = x[at];
          }
        }
      }
    }
    return y;
  }

  /**
   * Gradient of {@link #maxPool2d}: each dy goes to its window's argmax, the first maximum in
   * row-major window order on ties; overlapping windows add up.
   */
  public static float[] maxPool2dBackward(
      float[] x, int n, int h, int w, int c, int ph, int pw, int sh, int sw, String padding,
      float[] dy) {
    checkLength("x", x, (long) n * h * w * c);
    int oh = outputSize(h, ph, sh, padding);
    int ow = outputSize(w, pw, sw, padding);
    checkLength("dy", dy, (long) n * oh * ow * c);
    double[] dx = new double[x.length];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int ch = 0; ch < c; ch++) {
            int at = argmaxInWindow(x, b, i, j, ch, h, w, c, ph, pw, sh, sw, padding);
            dx[at] += dy[nhwc(b, i, j, ch, oh, ow, c)];
          }
        }
      }
    }
    return toFloat(dx);
  }

  /** Flat index into x of the winner of output window (i, j); strict '>' keeps the first max. */
  private static int argmaxInWindow(
      float[] x, int b, int i, int j, int ch, int h, int w, int c,
      int ph, int pw, int sh, int sw, String padding) {
    int top = padBefore(h, ph, sh, padding);
    int left = padBefore(w, pw, sw, padding);
    int best = -1;
    for (int u = 0; u < ph; u++) {
      int r = i * sh + u - top;
      if (r < 0 || r >= h) {
        continue;
      }
      for (int v = 0; v < pw; v++) {
        int s = j * sw + v - left;
        if (s < 0 || s >= w) {
          continue;
        }
        int at = nhwc(b, r, s, ch, h, w, c);
        if (best < 0 || x[at] > x[best]) {
          best = at;
        }
      }
    }
    if (best < 0) {
      throw new IllegalStateException("pooling window (" + i + ", " + j + ") is all padding");
    }
    return best;
  }
}
