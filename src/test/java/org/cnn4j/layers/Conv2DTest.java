package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.testing.Naive;
import org.cnn4j.testing.NaiveConv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Conv2DTest {
  // Float sums over at most 3*3*16 products of values in [-1, 1]: 1e-4 relative is generous.
  private static final double TOL = 1e-4;

  @ParameterizedTest(name = "n{0} {1}x{2}x{3} k{4}x{5} s{6} {7} -> {8}")
  @CsvSource({
    "1, 5, 5, 1, 3, 3, 1, same, 2",
    "3, 5, 7, 3, 3, 3, 2, same, 4",
    "3, 7, 5, 2, 3, 2, 2, valid, 5",
    "1, 9, 9, 16, 3, 3, 1, same, 16",
    "3, 8, 6, 32, 3, 3, 1, same, 32",
    "3, 6, 6, 3, 5, 5, 1, valid, 8",
    "1, 6, 5, 4, 1, 1, 2, same, 3",
  })
  void matchesNaiveForwardAndBackward(int n, int h, int w, int c, int kh, int kw, int s, String padding,
      int filters) {
    SplittableRandom r = new SplittableRandom(h * 31L + w * 7L + c + kh + s);
    int oh = Naive.outputSize(h, kh, s, padding);
    int ow = Naive.outputSize(w, kw, s, padding);
    float[] x = random(r, n * h * w * c);
    float[] kernel = random(r, kh * kw * c * filters);
    float[] bias = random(r, filters);
    float[] dy = random(r, n * oh * ow * filters);

    var result = LayerHarness.run(new Conv2D(filters, kh, kw).strides(s).padding(padding), Shape.of(h, w, c), n, x,
        List.of(kernel, bias), dy);

    assertClose(NaiveConv.conv2d(x, n, h, w, c, kernel, kh, kw, filters, bias, s, s, padding), result.y(), TOL, "y");
    Naive.Grads g = NaiveConv.conv2dBackward(x, n, h, w, c, kernel, kh, kw, filters, s, s, padding, dy);
    assertClose(g.dx(), result.dx(), TOL, "dx");
    assertClose(g.dKernel(), result.grads().get(0), TOL, "dkernel");
    assertClose(g.dBias(), result.grads().get(1), TOL, "dbias");
  }

  @Test
  void sharpenKernelGives114AtTopLeft() {
    // The worked example of DESIGN.md: 5x5 input, zero padding 1 ("same"), sharpen kernel.
    float[] x = {
      60, 113, 56, 139, 85, 73, 121, 54, 84, 128, 131, 99, 70, 129, 127, 80, 57, 115, 69, 134, 104, 126, 123, 95, 130
    };
    float[] kernel = {0, -1, 0, -1, 5, -1, 0, -1, 0};
    var result = LayerHarness.run(new Conv2D(1, 3).padding("same").useBias(false), Shape.of(5, 5, 1), 1, x,
        List.of(kernel), new float[25]);
    assertEquals(114f, result.y()[0], 1e-3f);
  }

  @Test
  void fiveBySevenWithStrideTwoGivesThreeByFour() {
    Conv2D conv = new Conv2D(1, 3).strides(2).padding("same");
    conv.build("conv2d", Shape.of(5, 7, 1));
    assertEquals(Shape.of(3, 4, 1), conv.outputShape());
  }

  @Test
  void fusedActivationsMatchNaive() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 2;
    int h = 6;
    int c = 4;
    int f = 8;
    float[] x = random(r, n * h * h * c);
    float[] kernel = random(r, 9 * c * f);
    float[] bias = random(r, f);
    float[] dy = random(r, n * h * h * f);
    for (String act : List.of("relu", "sigmoid", "tanh", "leaky_relu", "elu", "softmax")) {
      var result = LayerHarness.run(new Conv2D(f, 3).padding("same").activation(act), Shape.of(h, h, c), n, x,
          List.of(kernel, bias), dy);
      ActivationFunction fn = ActivationFunction.parse(act);
      float[] z = NaiveConv.conv2d(x, n, h, h, c, kernel, 3, 3, f, bias, 1, 1, "same");
      assertClose(org.cnn4j.testing.NaiveOps.activation(act, fn.alpha(), z, f), result.y(), TOL, act + " y");
      float[] dz = org.cnn4j.testing.NaiveOps.activationBackward(act, fn.alpha(), z, dy, f);
      Naive.Grads g = NaiveConv.conv2dBackward(x, n, h, h, c, kernel, 3, 3, f, 1, 1, "same", dz);
      assertClose(g.dx(), result.dx(), 1e-3, act + " dx");
      assertClose(g.dKernel(), result.grads().get(0), 1e-3, act + " dkernel");
    }
  }
}
