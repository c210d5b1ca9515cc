package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.model.Sequential;
import org.cnn4j.testing.GradCheck;
import org.cnn4j.testing.Naive;
import org.cnn4j.testing.NaiveGroupedConv;
import org.cnn4j.testing.NaiveGroupedConv.Geometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conv2D's dilation_rate and groups, and DepthwiseConv2D, against the plain-Java grouped convolution. */
class ConvolutionOptionsTest {
  private static final double TOL = 1e-4;

  @ParameterizedTest(name = "n{0} {1}x{2}x{3} k{4}x{5} -> {6} g{7} s{8} d{9} {10}")
  @CsvSource({
    "2, 9, 7, 3, 3, 3, 5, 1, 1, 2, same",
    "1, 11, 9, 4, 3, 2, 6, 1, 2, 3, valid",
    "3, 7, 7, 6, 3, 3, 9, 3, 1, 1, same",
    "2, 8, 5, 8, 1, 3, 4, 2, 2, 1, valid",
    "1, 9, 9, 16, 3, 3, 32, 4, 1, 2, same",
  })
  void conv2dWithDilationAndGroupsMatchesNaive(int n, int h, int w, int c, int kh, int kw, int f, int groups, int s,
      int d, String padding) {
    SplittableRandom r = new SplittableRandom(h * 31L + w * 7 + c + f + groups + d);
    Geometry g = new Geometry(n, h, w, c, kh, kw, f, groups, s, s, d, d, padding);
    Conv2D conv = new Conv2D(f, kh, kw).strides(s).dilationRate(d).groups(groups).padding(padding);
    check(conv, g, r);
    assertEquals(kh * kw * (c / groups) * f + f, conv.countParams());
  }

  @ParameterizedTest(name = "n{0} {1}x{2}x{3} k{4} x{5} s{6} d{7} {8}")
  @CsvSource({
    "2, 7, 9, 3, 3, 1, 1, 1, same",
    "3, 8, 7, 5, 3, 2, 2, 1, valid",
    "1, 9, 9, 16, 3, 1, 1, 2, same",
    "2, 6, 5, 1, 2, 3, 1, 1, valid",
    "2, 10, 9, 8, 5, 2, 2, 1, same",
  })
  void depthwiseMatchesNaive(int n, int h, int w, int c, int k, int mult, int s, int d, String padding) {
    SplittableRandom r = new SplittableRandom(h * 13L + w + c + k + mult);
    Geometry g = new Geometry(n, h, w, c, k, k, c * mult, c, s, s, d, d, padding);
    DepthwiseConv2D conv = new DepthwiseConv2D(k).depthMultiplier(mult).strides(s).dilationRate(d).padding(padding);
    check(conv, g, r);
    assertEquals(k * k * c * mult + c * mult, conv.countParams(), "Keras's count");
    assertEquals(List.of(k, k, c, mult), List.of(conv.parameters().get(0).kerasShape()[0],
        conv.parameters().get(0).kerasShape()[1], conv.parameters().get(0).kerasShape()[2],
        conv.parameters().get(0).kerasShape()[3]));
    assertTrue(conv.parameters().get(0).name().endsWith("/depthwise_kernel"));
  }

  private static void check(Convolution2D<?> conv, Geometry g, SplittableRandom r) {
    int ci = g.cin() / g.groups();
    float[] x = random(r, g.n() * g.h() * g.w() * g.cin());
    float[] kernel = random(r, g.kh() * g.kw() * ci * g.cout());
    float[] bias = random(r, g.cout());
    int oh = Naive.outputSize(g.h(), (g.kh() - 1) * g.dh() + 1, g.sh(), g.padding());
    int ow = Naive.outputSize(g.w(), (g.kw() - 1) * g.dw() + 1, g.sw(), g.padding());
    float[] dy = random(r, g.n() * oh * ow * g.cout());
    var result = LayerHarness.run(conv, Shape.of(g.h(), g.w(), g.cin()), g.n(), x, List.of(kernel, bias), dy);
    assertEquals(Shape.of(oh, ow, g.cout()), conv.outputShape());
    assertClose(NaiveGroupedConv.conv2d(x, kernel, bias, g), result.y(), TOL, "y");
    Naive.Grads grads = NaiveGroupedConv.conv2dBackward(x, kernel, dy, g);
    assertClose(grads.dx(), result.dx(), TOL, "dx");
    assertClose(grads.dKernel(), result.grads().get(0), TOL, "dkernel");
    assertClose(grads.dBias(), result.grads().get(1), TOL, "dbias");
  }

  @Test
  void depthwiseKernelGradientMatchesFiniteDifferences() {
    SplittableRandom r = new SplittableRandom(8);
    Geometry g = new Geometry(2, 6, 5, 3, 3, 3, 6, 3, 1, 1, 2, 2, "same");
    float[] x = random(r, 2 * 6 * 5 * 3);
    float[] kernel = random(r, 3 * 3 * 3 * 2);
    float[] dy = random(r, 2 * 6 * 5 * 6);
    var result = LayerHarness.run(new DepthwiseConv2D(3).depthMultiplier(2).dilationRate(2).padding("same")
        .useBias(false), Shape.of(6, 5, 3), 2, x, List.of(kernel), dy);
    double[] numeric = GradCheck.numericGradient(k -> {
      float[] y = NaiveGroupedConv.conv2d(x, k, null, g);
      double sum = 0;
      for (int i = 0; i < y.length; i++) sum += (double) y[i] * dy[i];
      return sum;
    }, kernel, 1e-2);
    assertTrue(GradCheck.maxRelativeError(result.grads().get(0), numeric, 1e-2) < 1e-3);
  }

  @Test
  void badGroupsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(6, 3).groups(4));
    try (Sequential m = new Sequential()) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> m.add(new Conv2D(6, 3).groups(2).inputShape(8, 8, 3)));
      assertEquals("layer 'conv2d' (Conv2D) cannot take input of shape (None, 8, 8, 3): the input channels (3) must "
          + "divide by groups (2)", e.getMessage());
    }
  }
}
