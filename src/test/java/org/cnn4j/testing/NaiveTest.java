package org.cnn4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the reference itself: hand-computed values, then finite differences of every backward. */
class NaiveTest {
  private static final float[] SHARPEN = {0, -1, 0, -1, 5, -1, 0, -1, 0};

  // The 5x5 image of the DESIGN.md worked example.
  private static final float[] IMAGE = {
    60, 113, 56, 139, 85,
    73, 121, 54, 84, 128,
    131, 99, 70, 129, 127,
    80, 57, 115, 69, 134,
    104, 126, 123, 95, 130,
  };

  // ---- geometry and convolution by hand

  @Test
  void designExampleSharpenGives114AtTopLeft() {
    // 'same', stride 1, 3x3: padding 1 on every side, output 5x5.
    float[] z = NaiveConv.conv2d(IMAGE, 1, 5, 5, 1, SHARPEN, 3, 3, 1, null, 1, 1, "same");
    assertEquals(25, z.length);
    // 5*60 - 113 - 73 - 0 (pad above) - 0 (pad left)
    assertEquals(114f, z[0]);
    // centre: 5*70 - 54 - 99 - 129 - 115
    assertEquals(-47f, z[Naive.nhwc(0, 2, 2, 0, 5, 5, 1)]);
    // bottom-right: 5*130 - 134 - 95
    assertEquals(421f, z[24]);
  }

  @Test
  void designExample5x7Stride2SameGives3x4() {
    assertEquals(3, Naive.outputSize(5, 3, 2, "same"));
    assertEquals(4, Naive.outputSize(7, 3, 2, "same"));
    assertEquals(1, Naive.padBefore(5, 3, 2, "same"));
    assertEquals(1, Naive.padAfter(7, 3, 2, "same"));
    float[] x = new float[35];
    for (int i = 0; i < 35; i++) {
      x[i] = i + 1; // row r, column s holds 7r + s + 1
    }
    float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    float[] z = NaiveConv.conv2d(x, 1, 5, 7, 1, ones, 3, 3, 1, null, 2, 2, "same");
    assertEquals(12, z.length);
    assertEquals(1 + 2 + 8 + 9, z[0]); // window rows -1..1, cols -1..1
    assertEquals(9 * 17, z[Naive.nhwc(0, 1, 1, 0, 3, 4, 1)]); // rows 1..3, cols 1..3
    assertEquals(27 + 28 + 34 + 35, z[11]); // rows 3..5, cols 5..7: two of each padded
    float[] y = NaiveConv.maxPool2d(x, 1, 5, 7, 1, 3, 3, 2, 2, "same");
    // each window's max is its bottom-right in-bounds pixel
    assertArrayEquals(new float[] {9, 11, 13, 14, 23, 25, 27, 28, 30, 32, 34, 35}, y);
  }

  @Test
  void samePaddingPutsTheOddExtraRowAfter() {
    assertEquals(0, Naive.padBefore(4, 2, 1, "same"));
    assertEquals(1, Naive.padAfter(4, 2, 1, "same"));
    assertEquals(1, Naive.padBefore(5, 4, 1, "same"));
    assertEquals(2, Naive.padAfter(5, 4, 1, "same"));
    assertEquals(0, Naive.padAfter(4, 2, 2, "same")); // windows tile exactly
    assertEquals(0, Naive.padBefore(4, 3, 1, "valid"));
    assertEquals(2, Naive.outputSize(4, 3, 1, "valid"));
    assertEquals(2, Naive.outputSize(6, 3, 2, "valid"));
    // 1x4 input, 1x2 kernel [1, 10]: z[j] = x[j] + 10 x[j+1], the last reads the zero after.
    float[] z = NaiveConv.conv2d(
        new float[] {1, 2, 3, 4}, 1, 1, 4, 1, new float[] {1, 10}, 1, 2, 1, null, 1, 1, "same");
    assertArrayEquals(new float[] {21, 32, 43, 4}, z);
  }

  @Test
  void convHandComputedWithChannelsAndBias() {
    // x [1,1,2,2]: pixels (1,2) and (3,4); kernel 1x1, cin 2, cout 2 = [[1,0],[1,-1]] (I x O).
    float[] x = {1, 2, 3, 4};
    float[] k = {1, 0, 1, -1};
    float[] z = NaiveConv.conv2d(x, 1, 1, 2, 2, k, 1, 1, 2, new float[] {0.5f, -1}, 1, 1, "valid");
    // pixel (1,2): [1+2+0.5, -2-1]; pixel (3,4): [3+4+0.5, -4-1]
    assertArrayEquals(new float[] {3.5f, -3, 7.5f, -5}, z);
  }

  @Test
  void badGeometryIsRejectedWithTheReceivedValues() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> Naive.outputSize(2, 3, 1, "valid"));
    assertTrue(e.getMessage().contains("input 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Naive.outputSize(5, 3, 1, "SAME"));
    assertThrows(IllegalArgumentException.class,
        () -> NaiveConv.conv2d(new float[3], 1, 2, 2, 1, SHARPEN, 3, 3, 1, null, 1, 1, "same"));
  }

  // ---- pooling by hand

  @Test
  void poolingTiesGoToTheFirstMaxInRowMajorOrder() {
    // 2x2 window over [[1, 3], [3, 3]]: three equal maxima, (0,1) comes first.
    float[] x = {1, 3, 3, 3};
    assertArrayEquals(new float[] {3}, NaiveConv.maxPool2d(x, 1, 2, 2, 1, 2, 2, 2, 2, "valid"));
    float[] dx = NaiveConv.maxPool2dBackward(
        x, 1, 2, 2, 1, 2, 2, 2, 2, "valid", new float[] {5});
    assertArrayEquals(new float[] {0, 5, 0, 0}, dx);
  }

  @Test
  void poolingPaddedPositionsNeverWinAndOverlapsAdd() {
    // 3x3 of -1..-9, 2x2 stride 2 'same': one padded row and column after; a zero must not win.
    float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
    float[] y = NaiveConv.maxPool2d(x, 1, 3, 3, 1, 2, 2, 2, 2, "same");
    assertArrayEquals(new float[] {-1, -3, -7, -9}, y);
    // 2x2 stride 1 'valid' over [[9,1,2],[1,1,1],[1,8,1]]: 9 wins one window, 2 one, 8 two.
    float[] x2 = {9, 1, 2, 1, 1, 1, 1, 8, 1};
    float[] dx = NaiveConv.maxPool2dBackward(
        x2, 1, 3, 3, 1, 2, 2, 1, 1, "valid", new float[] {1, 2, 3, 4});
    assertArrayEquals(new float[] {1, 0, 2, 0, 0, 0, 0, 7, 0}, dx);
  }

  @Test
  void poolingKeepsChannelsApart() {
    // 1x2x1 pixels with 2 channels: (5, -1) and (2, 7); pool 1x2 -> (5, 7).
    float[] y = NaiveConv.maxPool2d(new float[] {5, -1, 2, 7}, 1, 1, 2, 2, 1, 2, 1, 1, "valid");
    assertArrayEquals(new float[] {5, 7}, y);
  }

  // ---- dense, flatten, maxout, dropout by hand

  @Test
  void denseHandComputed() {
    float[] x = {1, 2, 3, -1, 0, 2}; // [2,3]
    float[] k = {1, -1, 0, 2, 0.5f, 1}; // [3,2] = [[1,-1],[0,2],[0.5,1]]
    float[] b = {0.5f, -1};
    // row 0: [0.5 + 1 + 0 + 1.5, -1 - 1 + 4 + 3]; row 1: [0.5 - 1 + 0 + 1, -1 + 1 + 0 + 2]
    assertArrayEquals(new float[] {3, 5, 0.5f, 2}, NaiveOps.dense(x, 2, 3, k, 2, b));
    float[] dy = {1, 2, -1, 1};
    Naive.Grads g = NaiveOps.denseBackward(x, 2, 3, k, 2, dy);
    // dx = dy W^T: row 0 [1-2, 0+4, 0.5+2]; row 1 [-1-1, 0+2, -0.5+1]
    assertArrayEquals(new float[] {-1, 4, 2.5f, -2, 2, 0.5f}, g.dx());
    // dW[k][o] = sum_b x[b][k] dy[b][o]: [[1+1, 2-1], [2, 4], [3-2, 6+2]]
    assertArrayEquals(new float[] {2, 1, 2, 4, 1, 8}, g.dKernel());
    assertArrayEquals(new float[] {0, 3}, g.dBias());
  }

  @Test
  void flattenIsTheIdentityInHwcOrder() {
    float[] x = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(x, NaiveOps.flatten(x));
    assertArrayEquals(x, NaiveOps.flattenBackward(x));
  }

  @Test
  void maxoutTakesContiguousGroupsAndRoutesToTheFirstMax() {
    float[] x = {1, 5, 3, 3, -2, -1};
    assertArrayEquals(new float[] {5, 3, -1}, NaiveOps.maxout(x, 1, 6, 2));
    assertArrayEquals(new float[] {5, 3}, NaiveOps.maxout(x, 1, 6, 3));
    assertArrayEquals(new float[] {0, 1, 2, 0, 0, 3},
        NaiveOps.maxoutBackward(x, 1, 6, 2, new float[] {1, 2, 3}));
    assertThrows(IllegalArgumentException.class, () -> NaiveOps.maxout(x, 1, 6, 4));
  }

  @Test
  void dropoutScalesTheKeptUnits() {
    float[] mask = {1, 0, 1};
    assertArrayEquals(new float[] {4, 0, -2},
        NaiveOps.dropout(new float[] {2, 4, -1}, mask, 0.5));
    assertArrayEquals(new float[] {1.25f, 0, 2.5f},
        NaiveOps.dropoutBackward(new float[] {1, 1, 2}, mask, 0.2));
  }

  // ---- activations by hand

  @Test
  void activationsHandComputed() {
    float[] x = {-2, 0, 1};
    assertArrayEquals(new float[] {0, 0, 1}, NaiveOps.activation("relu", 0, x, 3));
    assertArrayEquals(new float[] {-0.4f, 0, 1}, NaiveOps.activation("leaky_relu", 0.2, x, 3));
    assertArrayEquals(x, NaiveOps.activation("linear", 0, x, 3));
    assertEquals(0.5f, NaiveOps.sigmoid(x)[1]);
    assertEquals(0.7310586f, NaiveOps.sigmoid(x)[2], 1e-7f); // 1/(1+1/e)
    assertEquals(0.7615942f, NaiveOps.tanh(x)[2], 1e-7f); // (e^2-1)/(e^2+1)
    assertEquals(-0.8646647f, NaiveOps.elu(x, 1.0)[0], 1e-7f); // e^-2 - 1
    assertEquals(-1.7293294f, NaiveOps.elu(x, 2.0)[0], 2e-7f);
    // relu passes no gradient at exactly 0; leaky_relu passes alpha there.
    float[] dy = {1, 1, 1};
    assertArrayEquals(new float[] {0, 0, 1}, NaiveOps.reluBackward(x, dy));
    assertArrayEquals(new float[] {0.2f, 0.2f, 1}, NaiveOps.leakyReluBackward(x, dy, 0.2));
    assertThrows(IllegalArgumentException.class, () -> NaiveOps.activation("gelu", 0, x, 3));
  }

  @Test
  void softmaxHandComputedAndRowsSumToOne() {
    // [0, ln 3] -> [1/4, 3/4]
    float[] y = NaiveOps.softmax(new float[] {0, (float) Math.log(3)}, 2);
    assertArrayEquals(new float[] {0.25f, 0.75f}, y, 1e-7f);
    Random rnd = new Random(7);
    float[] x = uniform(rnd, 4 * 10, -5, 5);
    x[0] = 1000; // large logits must not overflow
    x[1] = 1001;
    float[] p = NaiveOps.softmax(x, 10);
    for (int r = 0; r < 4; r++) {
      double sum = 0;
      for (int k = 0; k < 10; k++) {
        assertTrue(p[r * 10 + k] >= 0);
        sum += p[r * 10 + k];
      }
      assertEquals(1.0, sum, 1e-6, "row " + r);
    }
    assertEquals(1 / (1 + Math.E), p[0], 1e-7);
  }

  // ---- losses, accuracy, initializers by hand

  @Test
  void crossEntropyHandComputed() {
    float[] p = {0.25f, 0.75f, 0.5f, 0.5f};
    // (-ln 0.75 - ln 0.5) / 2 = (0.2876821 + 0.6931472) / 2
    assertEquals(0.4904146, NaiveTraining.sparseCategoricalCrossentropy(p, 2, 2, new int[] {1, 0}),
        1e-7);
    // (p - onehot) / n
    assertArrayEquals(new float[] {0.125f, -0.125f, -0.25f, 0.25f},
        NaiveTraining.sparseCategoricalCrossentropyLogitGradient(p, 2, 2, new int[] {1, 0}));
    // A zero probability is clipped to 1e-7: -ln 1e-7 = 16.1180957.
    float[] sure = {0, 1};
    assertEquals(16.1180957, NaiveTraining.sparseCategoricalCrossentropy(sure, 1, 2, new int[] {0}),
        1e-6);
    assertEquals(1e-7, NaiveTraining.sparseCategoricalCrossentropy(sure, 1, 2, new int[] {1}),
        1e-12);
    // soft target [0.2, 0.8] on [0.25, 0.75]: 0.2 ln 4 + 0.8 (-ln 0.75) = 0.2772589 + 0.2301457
    assertEquals(0.5074045, NaiveTraining.categoricalCrossentropy(
        new float[] {0.25f, 0.75f}, new float[] {0.2f, 0.8f}, 1, 2), 1e-7);
    // one-hot targets give the sparse loss
    assertEquals(0.4904146, NaiveTraining.categoricalCrossentropy(
        p, new float[] {0, 1, 1, 0}, 2, 2), 1e-7);
  }

  @Test
  void accuracyTakesTheFirstMaxOnTies() {
    float[] p = {0.4f, 0.4f, 0.2f, 0.1f, 0.2f, 0.7f};
    assertEquals(0, NaiveTraining.argmax(p, 0, 3));
    assertEquals(2, NaiveTraining.argmax(p, 3, 3));
    assertEquals(1.0, NaiveTraining.sparseCategoricalAccuracy(p, 2, 3, new int[] {0, 2}));
    assertEquals(0.5, NaiveTraining.sparseCategoricalAccuracy(p, 2, 3, new int[] {1, 2}));
    assertThrows(IllegalArgumentException.class,
        () -> NaiveTraining.sparseCategoricalAccuracy(p, 2, 3, new int[] {0, 3}));
  }

  @Test
  void glorotLimitsOfTheReferenceModel() {
    // conv2d: 3x3x3 -> 32: sqrt(6 / (27 + 288)); dense: 8192 -> 128: sqrt(6 / 8320)
    assertEquals(0.13801311, Naive.glorotUniformLimitConv(3, 3, 3, 32), 1e-8);
    assertEquals(0.02685431, Naive.glorotUniformLimit(8192, 128), 1e-8);
  }

  // ---- optimizers by hand

  @Test
  void twoAdamStepsByHand() {
    // lr 0.1, beta1 0.9, beta2 0.999, eps 1e-7; w = [1, -2], g1 = [0.5, -1], g2 = [-0.25, 2].
    // t=1: alpha = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = sqrt(0.001) = 0.0316227766
    //   w0: m = 0.05, v = 0.25 * 0.001 = 0.00025, sqrt v = 0.0158113883
    //       w0 -= 0.0316227766 * 0.05 / (0.0158113883 + 1e-7) = 0.0999993675 -> 0.9000006325
    //   w1: m = -0.1, v = 0.001, sqrt v = 0.0316227766
    //       w1 -= 0.0316227766 * -0.1 / 0.0316228766 = -0.0999996838 -> -1.9000003162
    // t=2: alpha = 0.1 * sqrt(1 - 0.998001) / (1 - 0.81) = 0.1 * 0.0447101778 / 0.19
    //            = 0.0235316725
    //   w0: m = 0.05 + (-0.25 - 0.05) * 0.1 = 0.02
    //       v = 0.00025 + (0.0625 - 0.00025) * 0.001 = 0.00031225, sqrt v = 0.0176705970
    //       w0 -= 0.0235316725 * 0.02 / 0.0176706970 = 0.0266335532 -> 0.8733670792
    //   w1: m = -0.1 + (2 + 0.1) * 0.1 = 0.11
    //       v = 0.001 + (4 - 0.001) * 0.001 = 0.004999, sqrt v = 0.0707036067
    //       w1 -= 0.0235316725 * 0.11 / 0.0707037067 = 0.0366103009 -> -1.9366106172
    float[] w = {1, -2};
    float[] m = new float[2];
    float[] v = new float[2];
    NaiveTraining.adamStep(w, new float[] {0.5f, -1}, m, v, 1, 0.1);
    assertArrayEquals(new float[] {0.05f, -0.1f}, m, 1e-9f);
    assertArrayEquals(new float[] {0.00025f, 0.001f}, v, 1e-11f);
    assertArrayEquals(new float[] {0.9000006325f, -1.9000003162f}, w, 1e-6f);
    NaiveTraining.adamStep(w, new float[] {-0.25f, 2}, m, v, 2, 0.1);
    assertArrayEquals(new float[] {0.02f, 0.11f}, m, 1e-8f);
    assertArrayEquals(new float[] {0.00031225f, 0.004999f}, v, 1e-10f);
    assertArrayEquals(new float[] {0.8733670792f, -1.9366106172f}, w, 1e-6f);
  }

  @Test
  void sgdWithMomentumAndNesterovByHand() {
    // lr 0.1, momentum 0.9, g = 0.5 twice.
    // plain:    v = -0.05, w = 0.95;  v = 0.9 * -0.05 - 0.05 = -0.095, w = 0.855
    // nesterov: v = -0.05, w = 1 + (0.9 * -0.05 - 0.05) = 0.905;
    //           v = -0.095, w = 0.905 + (0.9 * -0.095 - 0.05) = 0.7695
    float[] w = {1};
    float[] vel = {0};
    float[] wn = {1};
    float[] veln = {0};
    float[] g = {0.5f};
    NaiveTraining.sgdStep(w, g, vel, 0.1, 0.9, false);
    NaiveTraining.sgdStep(wn, g, veln, 0.1, 0.9, true);
    assertEquals(0.95f, w[0], 1e-7f);
    assertEquals(0.905f, wn[0], 1e-7f);
    NaiveTraining.sgdStep(w, g, vel, 0.1, 0.9, false);
    NaiveTraining.sgdStep(wn, g, veln, 0.1, 0.9, true);
    assertEquals(-0.095f, vel[0], 1e-7f);
    assertEquals(0.855f, w[0], 1e-7f);
    assertEquals(0.7695f, wn[0], 1e-7f);
    float[] plain = {1};
    NaiveTraining.sgdStep(plain, g, null, 0.1, 0, false);
    assertEquals(0.95f, plain[0], 1e-7f);
  }

  // ---- the gradient checker itself

  @Test
  void gradCheckOnACubicAndItsErrorMeasure() {
    float[] x = {1, 2};
    // d/dx sum x^3 = 3 x^2; central differences add h^2 = 1e-6.
    double[] g = GradCheck.numericGradient(a -> cube(a[0]) + cube(a[1]), x, 1e-3);
    assertEquals(3.0, g[0], 1e-5);
    assertEquals(12.0, g[1], 1e-5);
    assertArrayEquals(new float[] {1, 2}, x); // restored
    // max(0.1 / 1.1, 0.001 / floor 0.01)
    assertEquals(0.1, GradCheck.maxRelativeError(
        new float[] {1, 0.001f}, new double[] {1.1, 0.002}, 0.01), 1e-6);
  }

  // ---- finite-difference checks of every backward

  @ParameterizedTest
  @ValueSource(strings = {"same", "valid"})
  void convBackwardMatchesFiniteDifferences(String padding) {
    Random rnd = new Random(1);
    int n = 2, h = 5, w = 6, cin = 3, kh = 3, kw = 2, cout = 4, sh = 2, sw = 1;
    float[] x = uniform(rnd, n * h * w * cin, -1, 1);
    float[] k = uniform(rnd, kh * kw * cin * cout, -1, 1);
    float[] b = uniform(rnd, cout, -1, 1);
    int outLen = n * Naive.outputSize(h, kh, sh, padding) * Naive.outputSize(w, kw, sw, padding)
        * cout;
    float[] r = uniform(rnd, outLen, -1, 1);
    Naive.Grads g = NaiveConv.conv2dBackward(x, n, h, w, cin, k, kh, kw, cout, sh, sw, padding, r);
    // Convolution is linear in each argument, so a large step is exact up to rounding.
    assertGradient(g.dx(), x, xs -> NaiveConv.conv2d(xs, n, h, w, cin, k, kh, kw, cout, b, sh, sw,
        padding), r, 0.5, 1e-4);
    assertGradient(g.dKernel(), k, ks -> NaiveConv.conv2d(x, n, h, w, cin, ks, kh, kw, cout, b, sh,
        sw, padding), r, 0.5, 1e-4);
    assertGradient(g.dBias(), b, bs -> NaiveConv.conv2d(x, n, h, w, cin, k, kh, kw, cout, bs, sh,
        sw, padding), r, 0.5, 1e-4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"same", "valid"})
  void poolBackwardMatchesFiniteDifferences(String padding) {
    Random rnd = new Random(2);
    int n = 2, h = 5, w = 6, c = 3, ph = 2, pw = 3, sh = 1, sw = 2; // overlapping rows
    float[] x = distinct(rnd, n * h * w * c, 0.1f);
    float[] r = uniform(rnd, n * Naive.outputSize(h, ph, sh, padding)
        * Naive.outputSize(w, pw, sw, padding) * c, -1, 1);
    float[] dx = NaiveConv.maxPool2dBackward(x, n, h, w, c, ph, pw, sh, sw, padding, r);
    // Values are 0.1 apart, so a step of 0.02 never changes a window's winner.
    assertGradient(dx, x, xs -> NaiveConv.maxPool2d(xs, n, h, w, c, ph, pw, sh, sw, padding), r,
        0.02, 1e-4);
  }

  @Test
  void denseBackwardMatchesFiniteDifferences() {
    Random rnd = new Random(3);
    int n = 3, in = 5, units = 4;
    float[] x = uniform(rnd, n * in, -1, 1);
    float[] k = uniform(rnd, in * units, -1, 1);
    float[] b = uniform(rnd, units, -1, 1);
    float[] r = uniform(rnd, n * units, -1, 1);
    Naive.Grads g = NaiveOps.denseBackward(x, n, in, k, units, r);
    assertGradient(g.dx(), x, xs -> NaiveOps.dense(xs, n, in, k, units, b), r, 0.5, 1e-4);
    assertGradient(g.dKernel(), k, ks -> NaiveOps.dense(x, n, in, ks, units, b), r, 0.5, 1e-4);
    assertGradient(g.dBias(), b, bs -> NaiveOps.dense(x, n, in, k, units, bs), r, 0.5, 1e-4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "softmax"})
  void activationBackwardMatchesFiniteDifferences(String name) {
    Random rnd = new Random(4);
    int rows = 4, lastDim = 6;
    double alpha = 0.3;
    float[] x = awayFromZero(uniform(rnd, rows * lastDim, -3, 3), 0.1f);
    float[] r = uniform(rnd, x.length, -1, 1);
    float[] dx = NaiveOps.activationBackward(name, alpha, x, r, lastDim);
    assertGradient(dx, x, xs -> NaiveOps.activation(name, alpha, xs, lastDim), r, 1e-2, 1e-3);
  }

  @Test
  void backwardFromOutputAgreesWithBackwardFromInput() {
    Random rnd = new Random(5);
    float[] x = uniform(rnd, 12, -2, 2);
    float[] dy = uniform(rnd, 12, -1, 1);
    assertArrayEquals(NaiveOps.sigmoidBackward(NaiveOps.sigmoid(x), dy),
        NaiveOps.activationBackward("sigmoid", 0, x, dy, 12));
    assertArrayEquals(NaiveOps.softmaxBackward(NaiveOps.softmax(x, 4), dy, 4),
        NaiveOps.activationBackward("softmax", 0, x, dy, 4));
  }

  @Test
  void maxoutAndDropoutBackwardMatchFiniteDifferences() {
    Random rnd = new Random(6);
    int rows = 3, channels = 6, pieces = 3;
    float[] x = distinct(rnd, rows * channels, 0.1f);
    float[] r = uniform(rnd, rows * channels / pieces, -1, 1);
    assertGradient(NaiveOps.maxoutBackward(x, rows, channels, pieces, r), x,
        xs -> NaiveOps.maxout(xs, rows, channels, pieces), r, 0.02, 1e-4);
    float[] mask = new float[x.length];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rnd.nextBoolean() ? 1 : 0;
    }
    float[] r2 = uniform(rnd, x.length, -1, 1);
    assertGradient(NaiveOps.dropoutBackward(r2, mask, 0.25), x,
        xs -> NaiveOps.dropout(xs, mask, 0.25), r2, 0.5, 1e-4);
  }

  @Test
  void crossEntropyLogitGradientsMatchFiniteDifferences() {
    Random rnd = new Random(8);
    int n = 3, classes = 5;
    int[] labels = {4, 0, 2};
    float[] z = uniform(rnd, n * classes, -2, 2);
    float[] p = NaiveOps.softmax(z, classes);
    float[] sparse =
        NaiveTraining.sparseCategoricalCrossentropyLogitGradient(p, n, classes, labels);
    double[] num = GradCheck.numericGradient(zs -> NaiveTraining.sparseCategoricalCrossentropy(
        NaiveOps.softmax(zs, classes), n, classes, labels), z, 1e-2);
    assertTrue(GradCheck.maxRelativeError(sparse, num, 1e-2) < 1e-3);
    // soft targets that do not sum to 1 exercise the p * sum(t) term
    float[] t = uniform(rnd, n * classes, 0, 0.5f);
    float[] soft = NaiveTraining.categoricalCrossentropyLogitGradient(p, t, n, classes);
    double[] numSoft = GradCheck.numericGradient(zs -> NaiveTraining.categoricalCrossentropy(
        NaiveOps.softmax(zs, classes), t, n, classes), z, 1e-2);
    assertTrue(GradCheck.maxRelativeError(soft, numSoft, 1e-2) < 1e-3);
  }

  // ---- helpers

  /** Checks analytic = d/dx sum(r * forward(x)) by central differences with step h. */
  private static void assertGradient(float[] analytic, float[] x,
      Function<float[], float[]> forward, float[] r, double h, double tolerance) {
    double[] numeric = GradCheck.numericGradient(xs -> dot(r, forward.apply(xs)), x, h);
    double err = GradCheck.maxRelativeError(analytic, numeric, 1e-2);
    assertTrue(err < tolerance, "max relative error " + err + " >= " + tolerance);
  }

  private static double cube(double v) {
    return v * v * v;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static float[] uniform(Random rnd, int size, float lo, float hi) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = lo + (hi - lo) * rnd.nextFloat();
    }
    return a;
  }

  /** A shuffled 0, gap, 2*gap, ... minus its middle: no ties, no two values closer than gap. */
  private static float[] distinct(Random rnd, int size, float gap) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (i - size / 2) * gap;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      float t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Moves values within margin of zero out to +-margin, away from the kinks of relu and elu. */
  private static float[] awayFromZero(float[] a, float margin) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i]) < margin) {
        a[i] = a[i] < 0 ? -margin : margin;
      }
    }
    return a;
  }
}
