package org.cnn4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.History;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.SGD;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;

/** Kernel and bias initializers by Keras name, and the L2 kernel regularizer. */
class InitializersAndRegularizersTest {
  @Test
  void initializersDrawKerasDistributionsFromTheSeedOnly() {
    // Dense kernel 400 x 300: fan_in 400, fan_out 300.
    double fanIn = 400;
    double fanAvg = 350;
    check("he_normal", Math.sqrt(2 / fanIn), true);
    check("glorot_normal", Math.sqrt(1 / fanAvg), true);
    check("he_uniform", Math.sqrt(6 / fanIn) / Math.sqrt(3), false);
    check("glorot_uniform", Math.sqrt(3 / fanAvg) / Math.sqrt(3), false);
    try (Sequential m = model("zeros", "ones", 7)) {
      assertTrue(allEqual(m.getWeights().get(0), 0f));
      assertTrue(allEqual(m.getWeights().get(1), 1f));
    }
    assertThrows(IllegalArgumentException.class, () -> new Dense(3).kernelInitializer("lecun_normal"));
  }

  /** Standard deviation within 3 %, bounds (2 stddevs for the truncated normals), and seed-only values. */
  private static void check(String init, double stddev, boolean truncated) {
    try (Sequential a = model(init, "zeros", 7); Sequential b = model(init, "zeros", 7);
        Sequential c = model(init, "zeros", 8)) {
      float[] w = a.getWeights().get(0);
      double sum = 0;
      double sq = 0;
      double max = 0;
      for (float v : w) {
        sum += v;
        sq += (double) v * v;
        max = Math.max(max, Math.abs(v));
      }
      double mean = sum / w.length;
      double sd = Math.sqrt(sq / w.length - mean * mean);
      assertEquals(stddev, sd, 0.03 * stddev, init + " stddev");
      assertTrue(Math.abs(mean) < 0.02 * stddev * 10, init + " mean " + mean);
      double bound = truncated ? 2 * stddev / 0.87962566103423978 : stddev * Math.sqrt(3);
      assertTrue(max <= bound * (1 + 1e-6), init + " max " + max + " > " + bound);
      assertTrue(max > 0.95 * bound, init + " reaches near its bound");
      assertArrayEquals(w, b.getWeights().get(0), init + ": same seed, same values");
      assertFalse(Arrays.equals(w, c.getWeights().get(0)), init + ": another seed, other values");
    }
  }

  private static Sequential model(String kernel, String bias, long seed) {
    Sequential m = new Sequential().seed(seed);
    m.add(new Dense(300).kernelInitializer(kernel).biasInitializer(bias).inputShape(400));
    return m;
  }

  private static boolean allEqual(float[] v, float x) {
    for (float f : v) if (f != x) return false;
    return true;
  }

  @Test
  void l2AddsItsPenaltyAndGradient() {
    int n = 4;
    SplittableRandom r = new SplittableRandom(5);
    float[] x = LayerHarness.random(r, n * 6 * 6 * 3);
    int[] y = {0, 1, 2, 1};
    double l2 = 0.01;
    try (Sequential plain = build(0); Sequential reg = build(l2)) {
      List<float[]> w = plain.getWeights();
      List<float[]> g0 = step(plain, x, y, n, null);
      double[] penalty = new double[1];
      List<float[]> g1 = step(reg, x, y, n, penalty);
      double expected = 0;
      for (int t : new int[] {0, 2}) { // the two kernels; biases are not regularized
        for (float v : w.get(t)) expected += l2 * v * v;
      }
      assertEquals(expected, penalty[0], 1e-6 * expected);
      for (int t = 0; t < w.size(); t++) {
        boolean kernel = t % 2 == 0;
        for (int i = 0; i < w.get(t).length; i++) {
          double want = g0.get(t)[i] + (kernel ? 2 * l2 * w.get(t)[i] : 0);
          assertEquals(want, g1.get(t)[i], 1e-6 + 1e-5 * Math.abs(want), "tensor " + t + " element " + i);
        }
      }
      // fit and evaluate report the data loss plus the penalty, as Keras does.
      double dataLoss = plain.evaluate(x, y, n).loss();
      assertEquals(dataLoss + expected, reg.evaluate(x, y, n).loss(), 1e-5);
      History h = reg.fit(x, y, new FitOptions().batchSize(n).epochs(1).shuffle(false));
      assertEquals(dataLoss + expected, h.get("loss")[0], 1e-5);
    }
  }

  private static Sequential build(double l2) {
    Sequential m = new Sequential();
    m.add(new Conv2D(4, 3).activation("tanh").kernelRegularizer(l2).inputShape(6, 6, 3));
    m.add(new Flatten());
    m.add(new Dense(3).kernelRegularizer(l2));
    m.compile(new SGD(1e-3f, 0f, false), new SparseCategoricalCrossentropy(true), "accuracy");
    return m;
  }

  /** One forward and backward pass; with {@code penalty}, the regularizers too. Returns the gradients. */
  private static List<float[]> step(Sequential m, float[] x, int[] y, int n, double[] penalty) {
    Plan p = m.plan(n, true);
    p.input().write(x);
    p.labels().put(y);
    p.forward();
    m.loss().sum(p.output().address(), p.labels().address(), 0, n, 3, p.outputGradient().address(), Kernels.LOGITS);
    p.backward();
    if (penalty != null) penalty[0] = m.arena().applyRegularizers();
    return m.getGradients();
  }
}
