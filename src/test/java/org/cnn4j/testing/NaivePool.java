package org.cnn4j.testing;

import static org.cnn4j.testing.Naive.checkLength;
import static org.cnn4j.testing.Naive.nhwc;
import static org.cnn4j.testing.Naive.outputSize;
import static org.cnn4j.testing.Naive.padBefore;
import static org.cnn4j.testing.Naive.toFloat;

/**
 * Reference average pooling (padded cells left out of each window's mean, as Keras's 'same') and
 * global average and max pooling, forward and backward, over NHWC activations. Global max pooling
 * is {@link NaiveConv#maxPool2d} with one window over the whole plane.
 */
public final class NaivePool {
  private NaivePool() {}

  /** {@code [n,h,w,c] -> [n,oh,ow,c]}: the mean of the window's cells that lie inside the input. */
  public static float[] avgPool2d(
      float[] x, int n, int h, int w, int c, int ph, int pw, int sh, int sw, String padding) {
    checkLength("x", x, (long) n * h * w * c);
    int oh = outputSize(h, ph, sh, padding);
    int ow = outputSize(w, pw, sw, padding);
    int top = padBefore(h, ph, sh, padding);
    int left = padBefore(w, pw, sw, padding);
    double[] y = new double[n * oh * ow * c];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            int count = 0;
            for (int u = 0; u < ph; u++) {
              for (int v = 0; v < pw; v++) {
                int r = i * sh + u - top;
                int s = j * sw + v - left;
                if (r < 0 || r >= h || s < 0 || s >= w) {
                  continue;
                }
                sum += x[nhwc(b, r, s, ch, h, w, c)];
                count++;
              }
            }
            y[nhwc(b, i, j, ch, oh, ow, c)] = sum / count;
          }
        }
      }
    }
    return toFloat(y);
  }

  /** Gradient of {@link #avgPool2d}: each dy is shared equally by its window's inside cells. */
  public static float[] avgPool2dBackward(
      int n, int h, int w, int c, int ph, int pw, int sh, int sw, String padding, float[] dy) {
    int oh = outputSize(h, ph, sh, padding);
    int ow = outputSize(w, pw, sw, padding);
    checkLength("dy", dy, (long) n * oh * ow * c);
    int top = padBefore(h, ph, sh, padding);
    int left = padBefore(w, pw, sw, padding);
    double[] dx = new double[n * h * w * c];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          int r0 = Math.max(0, i * sh - top);
          int r1 = Math.min(h, i * sh - top + ph);
          int s0 = Math.max(0, j * sw - left);
          int s1 = Math.min(w, j * sw - left + pw);
          int count = (r1 - r0) * (s1 - s0);
          for (int ch = 0; ch < c; ch++) {
            double g = dy[nhwc(b, i, j, ch, oh, ow, c)] / count;
            for (int r = r0; r < r1; r++) {
              for (int s = s0; s < s1; s++) {
                dx[nhwc(b, r, s, ch, h, w, c)] += g;
              }
            }
          }
        }
      }
    }
    return toFloat(dx);
  }

  /** {@code [n,h,w,c] -> [n,c]}: the mean of each channel over the plane. */
  public static float[] globalAvgPool(float[] x, int n, int h, int w, int c) {
    return avgPool2d(x, n, h, w, c, h, w, 1, 1, "valid");
  }

  /** Gradient of {@link #globalAvgPool}: dy[b,ch] / (h*w) at every cell. */
  public static float[] globalAvgPoolBackward(int n, int h, int w, int c, float[] dy) {
    return avgPool2dBackward(n, h, w, c, h, w, 1, 1, "valid", dy);
  }
}
