package org.cnn4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.SGD;

/**
 * Runs one layer alone on oneDNN: forward on a given input, then backward from
 * a given output gradient, returning the output, the input gradient and the
 * parameter gradients, all in Keras's layouts, for comparison with the naive
 * reference in {@code org.cnn4j.testing}.
 */
final class LayerHarness {
  private LayerHarness() {}

  record Result(float[] y, float[] dx, List<float[]> grads) {}

  static Result run(Layer layer, Shape in, int batch, float[] x, List<float[]> weights, float[] dy) {
    try (Sequential m = new Sequential()) {
      m.add(layer).build(in);
      // from_logits: the loss never fuses with a softmax here, so every backward primitive runs.
      m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
      if (weights != null) m.setWeights(weights);
      Plan p = m.plan(batch, true, true);
      p.input().write(x);
      p.forward();
      float[] y = p.output().toArray();
      assertEquals(batch * layer.outputShape().size(), y.length, "output size");
      p.outputGradient().write(dy);
      p.backward();
      return new Result(y, p.inputGradient().toArray(), m.getGradients());
    }
  }

  static float[] random(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
    return v;
  }

  /** Elementwise |a - b| <= tol * (1 + |b|). */
  static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]);
      if (err > tol * (1 + Math.abs(expected[i]))) {
        throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
