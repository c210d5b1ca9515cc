package org.cnn4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.layers.Dense;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.schedules.ExponentialDecay;
import org.junit.jupiter.api.Test;

/**
 * AdamW and SGD with weight decay against plain Java (Keras 3: w -= lr * wd * w,
 * then the optimizer's update with this step's rate) on an arena of odd-sized
 * parameters (129 x 131 kernel, 131 bias, 131 x 3 kernel, 3 bias: 17,426 floats
 * before padding, above the size where the update goes parallel), with and
 * without exclusions.
 */
class WeightDecayTest {
  private static final int IN = 129;
  private static final int HIDDEN = 131;
  private static final int OUT = 3;

  @Test
  void adamWDecaysKernelsOnlyWhenVectorsAreExcluded() {
    Optimizer opt = new AdamW(0.01f, 0.05f).excludeVectorsFromWeightDecay();
    check(opt, new boolean[] {true, false, true, false}, WeightDecayTest::adam);
  }

  @Test
  void adamWDecaysEveryParameterByDefaultWithKerasDefaultDecay() {
    AdamW opt = new AdamW();
    assertEquals(0.004f, opt.weightDecay());
    check(opt, new boolean[] {true, true, true, true}, WeightDecayTest::adam);
  }

  @Test
  void sgdWeightDecayFollowsAScheduleAndSkipsNamedParameters() {
    // The rate changes every step; the decay uses each step's rate, as Keras's does.
    Optimizer opt = new SGD(new ExponentialDecay(0.1, 1, 0.5, false), 0.9f, true).weightDecay(0.3f)
        .excludeFromWeightDecay("dense_1/");
    check(opt, new boolean[] {true, true, false, false}, (w, g, s, t, lr, wd) -> sgd(w, g, s, lr, wd));
  }

  @Test
  void weightDecayOptionsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new SGD().weightDecay(-1f));
    assertThrows(IllegalArgumentException.class, () -> new AdamW(1e-3f, Float.NaN));
    assertThrows(java.util.regex.PatternSyntaxException.class, () -> new SGD().excludeFromWeightDecay("("));
  }

  /** One reference update of one tensor: its state (moments) lives in s. */
  private interface Reference {
    void step(float[] w, float[] g, float[][] s, long t, float lr, float wd);
  }

  private static void adam(float[] w, float[] g, float[][] s, long t, float lr, float wd) {
    float alpha = (float) (lr * Math.sqrt(1 - Math.pow(0.999f, t)) / (1 - Math.pow(0.9f, t)));
    float decay = wd * lr;
    for (int i = 0; i < w.length; i++) {
      s[0][i] = s[0][i] + (g[i] - s[0][i]) * (1 - 0.9f);
      s[1][i] = s[1][i] + (g[i] * g[i] - s[1][i]) * (1 - 0.999f);
      if (decay != 0) w[i] -= w[i] * decay;
      w[i] -= alpha * s[0][i] / ((float) Math.sqrt(s[1][i]) + 1e-7f);
    }
  }

  private static void sgd(float[] w, float[] g, float[][] s, float lr, float wd) {
    float decay = wd * lr;
    for (int i = 0; i < w.length; i++) {
      s[0][i] = 0.9f * s[0][i] - lr * g[i];
      if (decay != 0) w[i] -= w[i] * decay;
      w[i] += 0.9f * s[0][i] - lr * g[i];
    }
  }

  /**
   * Three steps of {@code opt} on a two-layer Dense model against the reference,
   * decaying tensor i only where {@code decays[i]}.
   */
  private static void check(Optimizer opt, boolean[] decays, Reference ref) {
    SplittableRandom r = new SplittableRandom(5);
    try (Sequential model = new Sequential()) {
      model.add(new Dense(HIDDEN).inputShape(IN));
      model.add(new Dense(OUT));
      model.compile(opt, new SparseCategoricalCrossentropy(true));
      Plan p = model.plan(2, true);
      List<float[]> expected = new ArrayList<>();
      for (float[] w : model.getWeights()) {
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextDouble() * 2 - 1);
        expected.add(w);
      }
      model.setWeights(expected);
      List<float[][]> state = new ArrayList<>();
      for (float[] w : expected) state.add(new float[][] {new float[w.length], new float[w.length]});
      for (int t = 1; t <= 3; t++) {
        p.input().write(random(r, 2 * IN));
        p.forward();
        p.outputGradient().write(random(r, 2 * OUT));
        p.backward();
        List<float[]> grads = model.getGradients();
        float lr = opt.learningRate(t - 1);
        for (int k = 0; k < expected.size(); k++) {
          ref.step(expected.get(k), grads.get(k), state.get(k), t, lr, decays[k] ? opt.weightDecay() : 0f);
        }
        model.counter().increment();
        opt.step(model.arena(), model.counter().get());
      }
      List<float[]> actual = model.getWeights();
      List<String> names = model.weightNames();
      for (int k = 0; k < expected.size(); k++) {
        for (int i = 0; i < expected.get(k).length; i++) {
          float e = expected.get(k)[i];
          float tol = 2e-6f * Math.max(1f, Math.abs(e));
          if (Math.abs(e - actual.get(k)[i]) > tol) assertEquals(e, actual.get(k)[i], tol, names.get(k) + "[" + i + "]");
        }
      }
      assertTrue(opt.learningRate() > 0);
    }
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
    return a;
  }
}
