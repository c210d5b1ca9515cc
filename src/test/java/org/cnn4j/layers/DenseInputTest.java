package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.Step;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.History;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.SGD;
import org.cnn4j.testing.Naive;
import org.cnn4j.testing.NaiveConv;
import org.cnn4j.testing.NaiveOps;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dense after Flatten reads the activation as a 2-D view or as the 4-D blocked
 * tensor ({@link DenseInput}): both compute what the naive reference does,
 * forward and backward, and weights cross the API in Keras's order either way.
 */
class DenseInputTest {
  private static final int N = 10;
  private static final int H = 6;
  private static final int W = 5;
  private static final int UNITS = 6;

  private static Sequential convFlattenDense(int c, Dense dense) {
    Sequential m = new Sequential();
    m.add(new Conv2D(c, 3).padding("same").inputShape(H, W, c)).add(new Flatten()).add(dense);
    m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
    return m;
  }

  /**
   * Conv2D (c channels: blocked by 16 or 8, or plain for 3), Flatten, Dense: the output,
   * both kernels' gradients and the gradient w.r.t. the model's input (which passes
   * through Dense's backward-data and Flatten) match the naive loops, in each form.
   */
  @ParameterizedTest(name = "{0} channels, {1}, {2}")
  @CsvSource({"32, view, linear", "32, 4d, linear", "3, view, linear", "3, 4d, linear", "16, 4d, relu",
      "16, view, relu", "8, 4d, linear"})
  void bothFormsMatchNaive(int c, String form, String activation) {
    SplittableRandom r = new SplittableRandom(c * 31L + form.length());
    int flat = H * W * c;
    float[] x = random(r, N * H * W * c);
    float[] convKernel = random(r, 9 * c * c);
    float[] convBias = random(r, c);
    float[] kernel = random(r, flat * UNITS);
    float[] bias = random(r, UNITS);
    float[] dy = random(r, N * UNITS);
    Dense dense = new Dense(UNITS).activation(activation).inputLayout(DenseInput.parse(form));
    try (Sequential m = convFlattenDense(c, dense)) {
      Plan p = m.plan(N, true, true); // the training plan first: it fixes the layouts
      assertEquals(DenseInput.parse(form), dense.inputLayout());
      assertEquals("forced", dense.inputChoice().reason());
      m.setWeights(List.of(convKernel, convBias, kernel, bias));
      List<float[]> back = m.getWeights();
      for (int i = 0; i < 4; i++) assertArrayEquals(List.of(convKernel, convBias, kernel, bias).get(i), back.get(i));
      p.input().write(x);
      p.forward();
      float[] z = NaiveConv.conv2d(x, N, H, W, c, convKernel, 3, 3, c, convBias, 1, 1, "same");
      float[] y = NaiveOps.dense(z, N, flat, kernel, UNITS, bias);
      float[] dLogits = dy;
      if (activation.equals("relu")) {
        dLogits = NaiveOps.reluBackward(y, dy); // relu's derivative from its output: y > 0 where the input was
        y = NaiveOps.relu(y);
      }
      assertClose(y, p.output().toArray(), 1e-4, "y");
      p.outputGradient().write(dy);
      p.backward();
      Naive.Grads dd = NaiveOps.denseBackward(z, N, flat, kernel, UNITS, dLogits);
      assertClose(dd.dKernel(), m.getGradients().get(2), 1e-4, "dense kernel gradient");
      assertClose(dd.dBias(), m.getGradients().get(3), 1e-4, "dense bias gradient");
      Naive.Grads dc = NaiveConv.conv2dBackward(x, N, H, W, c, convKernel, 3, 3, c, 1, 1, "same", dd.dx());
      assertClose(dc.dKernel(), m.getGradients().get(0), 1e-3, "conv kernel gradient");
      assertClose(dc.dx(), p.inputGradient().toArray(), 1e-4, "input gradient");
      boolean fourD = dense.inputLayout() == DenseInput.FOUR_D;
      for (Step s : p.steps()) {
        if (s.layer().equals(dense.name()) && List.of("forward", "backward-weights", "backward-data").contains(s.role())) {
          assertEquals(fourD, s.problem().contains("ih" + H + "iw" + W), s.role() + " " + s.problem());
        }
      }
    }
  }

  /** Auto times both forms once, takes one of them and says so; a second model of the same problem reuses it. */
  @Test
  void autoTimesBothFormsAndRecordsTheChoice() {
    Dense first = new Dense(UNITS);
    Dense second = new Dense(UNITS);
    try (Sequential a = convFlattenDense(32, first); Sequential b = convFlattenDense(32, second)) {
      assertEquals(DenseInput.AUTO, first.inputLayout());
      assertNull(first.inputChoice());
      a.plan(N, true, false);
      DenseInputChoice c = first.inputChoice();
      assertTrue(c.reason().startsWith("timed"), c.reason());
      assertNotEquals(DenseInput.AUTO, c.taken());
      assertEquals(c.taken(), first.inputLayout());
      assertTrue(c.viewSeconds() > 0 && c.fourDSeconds() > 0, c.toString());
      assertNotNull(c.viewImplementations());
      assertNotNull(c.fourDImplementations());
      assertTrue(c.taken() == DenseInput.FOUR_D ? c.fourDSeconds() < c.viewSeconds()
          : c.viewSeconds() <= c.fourDSeconds(), "the faster one: " + c);
      b.plan(N, true, false);
      assertEquals(c.taken(), second.inputLayout(), "one process plans one problem alike");
      assertEquals("timed earlier in this process", second.inputChoice().reason());
      assertThrows(IllegalStateException.class, () -> first.inputLayout(
          c.taken() == DenseInput.VIEW ? DenseInput.FOUR_D : DenseInput.VIEW));
      first.inputLayout(c.taken()); // the same form is no change
    }
  }

  /** Without timing (deterministic and data-parallel fits) the choice is the per-ISA rule, the same on every run. */
  @Test
  void deterministicFitTakesTheRuleWithoutTiming() {
    Dense dense = new Dense(3).activation("softmax");
    float[] x = new float[8 * H * W * 4];
    int[] y = new int[8];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    for (int i = 0; i < y.length; i++) y[i] = i % 3;
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(16, 3).padding("same").inputShape(H, W, 4)).add(new Flatten()).add(dense);
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      m.fit(x, y, new FitOptions().batchSize(4).epochs(1).deterministic(true));
      assertEquals("deterministic", dense.inputChoice().reason());
      assertEquals(DenseInputChoice.deterministicRule(), dense.inputLayout());
    }
  }

  @Test
  void systemPropertyForcesEveryDenseAndBadValuesAreNamed() {
    String before = System.getProperty(DenseInput.PROPERTY);
    try {
      for (DenseInput d : new DenseInput[] {DenseInput.FOUR_D, DenseInput.VIEW}) {
        System.setProperty(DenseInput.PROPERTY, d.keyword());
        Dense dense = new Dense(UNITS);
        try (Sequential m = convFlattenDense(16, dense)) {
          m.plan(4, true, false);
          assertEquals(d, dense.inputLayout());
          assertEquals("forced", dense.inputChoice().reason());
        }
      }
      System.setProperty(DenseInput.PROPERTY, "2d");
      try (Sequential m = convFlattenDense(16, new Dense(UNITS))) {
        var e = assertThrows(IllegalArgumentException.class, () -> m.plan(4, true, false));
        assertTrue(e.getMessage().contains("-Dcnn4j.denseInput=2d") && e.getMessage().contains("view, 4d or auto"),
            e.getMessage());
      }
    } finally {
      if (before == null) System.clearProperty(DenseInput.PROPERTY);
      else System.setProperty(DenseInput.PROPERTY, before);
    }
  }

  /** Dense after Dense has one form only: a 4d request is ignored there, and said so. */
  @Test
  void withoutFlattenOnlyTheViewExists() {
    Dense second = new Dense(2).inputLayout(DenseInput.FOUR_D);
    try (Sequential m = new Sequential()) {
      m.add(new Dense(4).inputShape(5)).add(second);
      m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
      m.plan(3, true, false);
      assertEquals(DenseInput.VIEW, second.inputLayout());
      assertEquals("only form", second.inputChoice().reason());
    }
  }

  /**
   * The same seeded training run with each form forced: the same losses and weights
   * up to float rounding (the two forms sum in another order).
   */
  @Test
  void eitherFormTrainsToTheSameResult() {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[40 * 8 * 8 * 3];
    int[] y = new int[40];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    for (int i = 0; i < y.length; i++) y[i] = r.nextInt(4);
    List<float[]> reference = null;
    History first = null;
    for (DenseInput form : new DenseInput[] {DenseInput.VIEW, DenseInput.FOUR_D}) {
      Dense dense = new Dense(16).activation("relu").inputLayout(form);
      try (Sequential m = new Sequential()) {
        m.seed(11);
        m.add(new Conv2D(16, 3).padding("same").activation("relu").inputShape(8, 8, 3));
        m.add(new MaxPool2D(2));
        m.add(new Flatten());
        m.add(dense);
        m.add(new Dense(4).activation("softmax"));
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        History h = m.fit(x, y, new FitOptions().batchSize(8).epochs(2));
        assertEquals(form, dense.inputLayout());
        List<float[]> w = m.getWeights();
        if (reference == null) {
          reference = w;
          first = h;
          continue;
        }
        for (int i = 0; i < w.size(); i++) assertClose(reference.get(i), w.get(i), 2e-4, m.weightNames().get(i));
        for (int e = 0; e < 2; e++) {
          assertEquals(first.get("loss")[e], h.get("loss")[e], 1e-4, "loss of epoch " + (e + 1));
        }
      }
    }
  }
}
