package org.cnn4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.layers.Dense;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Sequential;
import org.cnn4j.testing.NaiveTraining;
import org.junit.jupiter.api.Test;

class AdamTest {
  /**
   * One weight w = 1 with gradient 0.5 on every step, lr 0.1 (Keras formula):
   * t=1: m = 0.05, v = 0.00025, alpha = 0.1*sqrt(0.001)/0.1 = 0.0316228,
   *      w = 1 - 0.0316228 * 0.05 / (0.0158114 + 1e-7) = 0.9000006
   * t=2: m = 0.095, v = 0.00049975, alpha = 0.1*sqrt(0.001999)/0.19 = 0.0235320,
   *      w = 0.9000006 - 0.0235320 * 0.095 / (0.0223551 + 1e-7) = 0.8000015
   */
  @Test
  void twoStepsByHand() {
    float[] w = train(new Adam(0.1f), new float[] {1f}, new float[] {0.5f}, 2);
    assertEquals(0.8000015f, w[0], 2e-6f);
  }

  @Test
  void matchesNaiveAdamOverSeveralSteps() {
    float[] w0 = {0.3f, -0.7f, 1.5f, 0.01f, -0.2f, 0.9f};
    float[] g = {0.1f, -2f, 0.003f, 5f, -0.4f, 0f};
    float[] expected = w0.clone();
    float[] m = new float[6];
    float[] v = new float[6];
    for (int t = 1; t <= 5; t++) NaiveTraining.adamStep(expected, g, m, v, t, 1e-2);
    float[] actual = train(new Adam(1e-2f), w0, g, 5);
    for (int i = 0; i < 6; i++) assertEquals(expected[i], actual[i], 1e-6f, "weight " + i);
  }

  @Test
  void sgdWithMomentumMatchesNaive() {
    float[] w0 = {0.3f, -0.7f, 1.5f};
    float[] g = {0.1f, -2f, 0.5f};
    float[] expected = w0.clone();
    float[] vel = new float[3];
    for (int t = 1; t <= 3; t++) NaiveTraining.sgdStep(expected, g, vel, 0.05, 0.9, true);
    float[] actual = train(new SGD(0.05f, 0.9f, true), w0, g, 3);
    for (int i = 0; i < 3; i++) assertEquals(expected[i], actual[i], 1e-6f, "weight " + i);
  }

  /**
   * Runs {@code steps} optimizer steps on the kernel of a bias-free Dense(units)
   * over one input x = 1, so that the kernel's gradient equals the output gradient.
   */
  private static float[] train(Optimizer opt, float[] w0, float[] g, int steps) {
    try (Sequential model = new Sequential()) {
      model.add(new Dense(w0.length).useBias(false).inputShape(1));
      model.compile(opt, new SparseCategoricalCrossentropy(true));
      Plan p = model.plan(1, true);
      model.setWeights(List.of(w0));
      for (int t = 1; t <= steps; t++) {
        p.input().write(new float[] {1f});
        p.forward();
        p.outputGradient().write(g);
        model.executor().backwardAndUpdate(p);
      }
      return model.getWeights().get(0);
    }
  }
}
