package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.SGD;
import org.cnn4j.testing.Naive;
import org.cnn4j.testing.NaiveOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DenseTest {
  @ParameterizedTest(name = "n{0} {1} -> {2}")
  @CsvSource({"1, 7, 3", "3, 20, 10", "3, 128, 10", "2, 5, 1"})
  void matchesNaive(int n, int in, int units) {
    SplittableRandom r = new SplittableRandom(in * 17L + units);
    float[] x = random(r, n * in);
    float[] kernel = random(r, in * units);
    float[] bias = random(r, units);
    float[] dy = random(r, n * units);
    var result = LayerHarness.run(new Dense(units), Shape.of(in), n, x, List.of(kernel, bias), dy);
    assertClose(NaiveOps.dense(x, n, in, kernel, units, bias), result.y(), 1e-4, "y");
    Naive.Grads g = NaiveOps.denseBackward(x, n, in, kernel, units, dy);
    assertClose(g.dx(), result.dx(), 1e-4, "dx");
    assertClose(g.dKernel(), result.grads().get(0), 1e-4, "dkernel");
    assertClose(g.dBias(), result.grads().get(1), 1e-4, "dbias");
  }

  /**
   * Flatten then Dense on an activation oneDNN keeps blocked (32 channels): the
   * weights a user sets and reads are in Keras's (h, w, c) order whatever the
   * internal layout, and the results match the naive reference.
   */
  @ParameterizedTest(name = "{0} channels")
  @CsvSource({"32", "3", "16"})
  void flattenThenDenseUsesKerasOrder(int c) {
    SplittableRandom r = new SplittableRandom(c);
    int n = 10;
    int h = 6;
    int w = 5;
    int f = c;
    int units = 6;
    int flat = h * w * f;
    float[] x = random(r, n * h * w * c);
    float[] convKernel = random(r, 9 * c * f);
    float[] convBias = random(r, f);
    float[] kernel = random(r, flat * units);
    float[] bias = random(r, units);
    float[] dy = random(r, n * units);
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(f, 3).padding("same").inputShape(h, w, c)).add(new Flatten()).add(new Dense(units));
      m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
      // The training plan comes first so that it, not an inference plan, fixes the layouts.
      Plan p = m.plan(n, true, true);
      m.setWeights(List.of(convKernel, convBias, kernel, bias));
      assertClose(kernel, m.getWeights().get(2), 0, "weights round trip");
      p.input().write(x);
      p.forward();
      float[] z = org.cnn4j.testing.NaiveConv.conv2d(x, n, h, w, c, convKernel, 3, 3, f, convBias, 1, 1, "same");
      assertClose(NaiveOps.dense(z, n, flat, kernel, units, bias), p.output().toArray(), 1e-4, "y");
      p.outputGradient().write(dy);
      p.backward();
      assertClose(NaiveOps.denseBackward(z, n, flat, kernel, units, dy).dKernel(), m.getGradients().get(2), 1e-4,
          "dkernel");
    }
  }

  @Test
  void denseOnImagesWithoutFlattenIsRejected() {
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(4, 3).inputShape(8, 8, 3));
      var e = assertThrows(IllegalArgumentException.class, () -> m.add(new Dense(10)));
      assertTrue(e.getMessage().contains("dense") && e.getMessage().contains("(None, 6, 6, 4)")
          && e.getMessage().contains("Flatten"), e.getMessage());
    }
  }

  @Test
  void flattenReportsKerasShape() {
    Flatten f = new Flatten();
    f.build("flatten", Shape.of(16, 16, 32));
    assertEquals(Shape.of(8192), f.outputShape());
  }
}
