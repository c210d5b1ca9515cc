package org.cnn4j.testing;

import static org.cnn4j.testing.Naive.checkLength;
import static org.cnn4j.testing.Naive.nhwc;
import static org.cnn4j.testing.Naive.outputSize;
import static org.cnn4j.testing.Naive.padBefore;
import static org.cnn4j.testing.Naive.toFloat;

/**
 * Reference 2-D convolution with dilation and channel groups, forward and backward, over NHWC
 * activations. Kernel {@code [kh,kw,cin/groups,cout]}: output channel o belongs to group
 * {@code o / (cout/groups)} and reads that group's input channels. Taps lie {@code dh}, {@code dw}
 * apart, so the window spans {@code (k-1)*d+1}; 'same' padding is computed on that span. A
 * depthwise convolution with multiplier m is the case groups = cin, cout = cin*m, its
 * {@code [kh,kw,cin,m]} kernel being the same array.
 */
public final class NaiveGroupedConv {
  private NaiveGroupedConv() {}

  /** Geometry of one call: sizes, groups, window and strides. */
  public record Geometry(int n, int h, int w, int cin, int kh, int kw, int cout, int groups, int sh, int sw,
      int dh, int dw, String padding) {
    int oh() {
      return outputSize(h, (kh - 1) * dh + 1, sh, padding);
    }

    int ow() {
      return outputSize(w, (kw - 1) * dw + 1, sw, padding);
    }

    int top() {
      return padBefore(h, (kh - 1) * dh + 1, sh, padding);
    }

    int left() {
      return padBefore(w, (kw - 1) * dw + 1, sw, padding);
    }
  }

  /** {@code [n,h,w,cin] -> [n,oh,ow,cout]}; bias {@code [cout]} or null. */
  public static float[] conv2d(float[] x, float[] kernel, float[] bias, Geometry g) {
    int ci = g.cin() / g.groups();
    int co = g.cout() / g.groups();
    checkLength("x", x, (long) g.n() * g.h() * g.w() * g.cin());
    checkLength("kernel", kernel, (long) g.kh() * g.kw() * ci * g.cout());
    float[] y = new float[g.n() * g.oh() * g.ow() * g.cout()];
    for (int b = 0; b < g.n(); b++) {
      for (int i = 0; i < g.oh(); i++) {
        for (int j = 0; j < g.ow(); j++) {
          for (int o = 0; o < g.cout(); o++) {
            int group = o / co;
            double sum = bias == null ? 0 : bias[o];
            for (int u = 0; u < g.kh(); u++) {
              for (int v = 0; v < g.kw(); v++) {
                int r = i * g.sh() + u * g.dh() - g.top();
                int s = j * g.sw() + v * g.dw() - g.left();
                if (r < 0 || r >= g.h() || s < 0 || s >= g.w()) {
                  continue;
                }
                for (int c = 0; c < ci; c++) {
                  sum += (double) x[nhwc(b, r, s, group * ci + c, g.h(), g.w(), g.cin())]
                      * kernel[((u * g.kw() + v) * ci + c) * g.cout() + o];
                }
              }
            }
            y[nhwc(b, i, j, o, g.oh(), g.ow(), g.cout())] = (float) sum;
          }
        }
      }
    }
    return y;
  }

  /** Given dy {@code [n,oh,ow,cout]}: dx, dKernel and dBias (the sum of dy). */
  public static Naive.Grads conv2dBackward(float[] x, float[] kernel, float[] dy, Geometry g) {
    int ci = g.cin() / g.groups();
    int co = g.cout() / g.groups();
    checkLength("dy", dy, (long) g.n() * g.oh() * g.ow() * g.cout());
    double[] dx = new double[x.length];
    double[] dk = new double[kernel.length];
    double[] db = new double[g.cout()];
    for (int b = 0; b < g.n(); b++) {
      for (int i = 0; i < g.oh(); i++) {
        for (int j = 0; j < g.ow(); j++) {
          for (int o = 0; o < g.cout(); o++) {
            int group = o / co;
            double d = dy[nhwc(b, i, j, o, g.oh(), g.ow(), g.cout())];
            db[o] += d;
            for (int u = 0; u < g.kh(); u++) {
              for (int v = 0; v < g.kw(); v++) {
                int r = i * g.sh() + u * g.dh() - g.top();
                int s = j * g.sw() + v * g.dw() - g.left();
                if (r < 0 || r >= g.h() || s < 0 || s >= g.w()) {
                  continue;
                }
                for (int c = 0; c < ci; c++) {
                  int xi = nhwc(b, r, s, group * ci + c, g.h(), g.w(), g.cin());
                  int ki = ((u * g.kw() + v) * ci + c) * g.cout() + o;
                  dx[xi] += d * kernel[ki];
                  dk[ki] += d * x[xi];
                }
              }
            }
          }
        }
      }
    }
    return new Naive.Grads(toFloat(dx), toFloat(dk), toFloat(db));
  }
}
