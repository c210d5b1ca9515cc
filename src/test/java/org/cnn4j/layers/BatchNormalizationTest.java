package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.Step;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.SGD;
import org.cnn4j.testing.GradCheck;
import org.cnn4j.testing.NaiveNorm;
import org.cnn4j.testing.NaiveOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchNormalizationTest {
  private static final double EPS = 1e-3;

  @ParameterizedTest(name = "n{0} {1}x{2}x{3} center {4} scale {5}")
  @CsvSource({
    "3, 5, 7, 3, true, true",
    "2, 4, 4, 16, true, true",
    "1, 3, 5, 32, false, true",
    "3, 7, 3, 5, true, false",
    "2, 2, 3, 7, false, false",
  })
  void trainingMatchesNaive(int n, int h, int w, int c, boolean center, boolean scale) {
    SplittableRandom r = new SplittableRandom(n * 31L + h * 7 + w + c);
    float[] x = random(r, n * h * w * c);
    for (int i = 0; i < x.length; i++) x[i] = x[i] * 3 + (i % c); // per-channel offsets the layer must remove
    float[] gamma = scale ? random(r, c) : null;
    float[] beta = center ? random(r, c) : null;
    float[] dy = random(r, x.length);
    List<float[]> weights = new ArrayList<>();
    if (scale) weights.add(gamma);
    if (center) weights.add(beta);
    weights.add(new float[c]);
    weights.add(ones(c));
    var result = LayerHarness.run(new BatchNormalization().center(center).scale(scale), Shape.of(h, w, c), n, x,
        weights, dy);
    assertClose(NaiveNorm.forwardTraining(x, c, gamma, beta, EPS), result.y(), 1e-4, "y");
    float[][] g = NaiveNorm.backwardTraining(x, c, gamma, dy, EPS);
    assertClose(g[0], result.dx(), 1e-3, "dx");
    int k = 0;
    if (scale) assertClose(g[1], result.grads().get(k++), 1e-3, "dgamma");
    if (center) assertClose(g[2], result.grads().get(k++), 1e-3, "dbeta");
    assertEquals(k, result.grads().size(), "gradients of trainable weights only");
  }

  @Test
  void featuresInputAndFiniteDifferences() {
    // (batch, features): finite differences of sum(r * y) through the plain forward pass check
    // the oneDNN backward's dx, dgamma and dbeta.
    int n = 5;
    int c = 6;
    SplittableRandom r = new SplittableRandom(3);
    float[] x = random(r, n * c);
    float[] gamma = random(r, c);
    float[] beta = random(r, c);
    float[] dy = random(r, n * c);
    var result = LayerHarness.run(new BatchNormalization(), Shape.of(c), n, x,
        List.of(gamma, beta, new float[c], ones(c)), dy);
    double[] dx = GradCheck.numericGradient(v -> dot(dy, NaiveNorm.forwardTraining(v, c, gamma, beta, EPS)), x, 1e-3);
    double[] dg = GradCheck.numericGradient(v -> dot(dy, NaiveNorm.forwardTraining(x, c, v, beta, EPS)), gamma,
        1e-3);
    double[] db = GradCheck.numericGradient(v -> dot(dy, NaiveNorm.forwardTraining(x, c, gamma, v, EPS)), beta,
        1e-3);
    // Float forward passes over a step of 2e-3 leave about 1e-4 noise; a wrong term is off by O(1).
    assertTrue(GradCheck.maxRelativeError(result.dx(), dx, 1e-2) < 2e-2, "dx");
    assertTrue(GradCheck.maxRelativeError(result.grads().get(0), dg, 1e-2) < 2e-2, "dgamma");
    assertTrue(GradCheck.maxRelativeError(result.grads().get(1), db, 1e-2) < 2e-2, "dbeta");
  }

  @Test
  void trainingMovesTheMovingStatisticsAndInferenceUsesThem() {
    int n = 4;
    int c = 3;
    SplittableRandom r = new SplittableRandom(9);
    float[] x = random(r, n * 5 * 5 * c);
    for (int i = 0; i < x.length; i++) x[i] = x[i] * 2 + 1;
    try (Sequential m = new Sequential()) {
      m.add(new BatchNormalization().momentum(0.9)).build(Shape.of(5, 5, c));
      m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
      float[] mean0 = {0.5f, -1f, 2f};
      float[] var0 = {1.5f, 0.25f, 3f};
      m.setWeights(List.of(ones(c), new float[c], mean0, var0));
      Plan train = m.plan(n, true);
      train.input().write(x);
      train.forward();
      double[][] batch = NaiveNorm.moments(x, c);
      List<float[]> w = m.getWeights();
      for (int k = 0; k < c; k++) {
        assertEquals(mean0[k] * 0.9 + batch[0][k] * 0.1, w.get(2)[k], 1e-5, "moving_mean " + k);
        assertEquals(var0[k] * 0.9 + batch[1][k] * 0.1, w.get(3)[k], 1e-5, "moving_variance " + k);
      }
      assertEquals(List.of("batch_normalization/gamma", "batch_normalization/beta",
          "batch_normalization/moving_mean", "batch_normalization/moving_variance"), m.weightNames());
      float[] gamma = {2f, 0.5f, -1f};
      float[] beta = {0.1f, 0.2f, 0.3f};
      m.setWeights(List.of(gamma, beta, mean0, var0));
      float[] y = flat(m.predict(x, n));
      assertClose(NaiveNorm.forwardInference(x, c, mean0, var0, gamma, beta, EPS), y, 1e-5, "inference y");
      assertClose(mean0, m.getWeights().get(2), 0, "inference leaves moving_mean alone");
    }
  }

  @Test
  void reluAfterItIsFusedAndMatchesNaive() {
    int n = 3;
    int c = 8;
    SplittableRandom r = new SplittableRandom(4);
    float[] x = random(r, n * 4 * 6 * c);
    float[] gamma = random(r, c);
    float[] beta = random(r, c);
    float[] dy = random(r, x.length);
    for (Layer relu : List.of(new ReLU(), new Activation("relu"))) {
      try (Sequential m = new Sequential()) {
        m.add(new BatchNormalization()).add(relu).build(Shape.of(4, 6, c));
        m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
        m.setWeights(List.of(gamma, beta, new float[c], ones(c)));
        Plan p = m.plan(n, true, true);
        for (Step s : p.steps()) assertTrue(!s.layer().equals(relu.name()), "no step of its own: " + s.role());
        p.input().write(x);
        p.forward();
        p.outputGradient().write(dy);
        p.backward();
        float[] z = NaiveNorm.forwardTraining(x, c, gamma, beta, EPS);
        assertClose(NaiveOps.relu(z), p.output().toArray(), 1e-4, "y");
        float[][] g = NaiveNorm.backwardTraining(x, c, gamma, NaiveOps.reluBackward(z, dy), EPS);
        assertClose(g[0], p.inputGradient().toArray(), 1e-3, "dx");
        assertClose(g[1], m.getGradients().get(0), 1e-3, "dgamma");
        assertClose(g[2], m.getGradients().get(1), 1e-3, "dbeta");
        m.setWeights(List.of(gamma, beta, new float[c], ones(c))); // undo the training pass's moving update
        float[] inference = flat(m.predict(x, n));
        assertClose(NaiveOps.relu(NaiveNorm.forwardInference(x, c, new float[c], ones(c), gamma, beta, EPS)),
            inference, 1e-5, "inference y");
      }
    }
  }

  @Test
  void aSmallResidualStyleStackLearns() {
    // conv -> batch norm -> relu (fused) -> depthwise -> batch norm -> global average -> dense: the loss falls.
    int n = 96;
    SplittableRandom r = new SplittableRandom(12);
    float[] x = new float[n * 8 * 8 * 3];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      for (int j = 0; j < 192; j++) x[i * 192 + j] = (float) (r.nextDouble() + (j % 3 == y[i] ? 0.5 : 0));
    }
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(16, 3).padding("same").useBias(false).kernelInitializer("he_normal").inputShape(8, 8, 3));
      m.add(new BatchNormalization());
      m.add(new ReLU());
      m.add(new DepthwiseConv2D(3).padding("same").useBias(false));
      m.add(new BatchNormalization());
      m.add(new Activation("relu"));
      m.add(new GlobalAveragePooling2D());
      m.add(new Dense(3).activation("softmax"));
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      double[] loss = m.fit(x, y, new org.cnn4j.train.FitOptions().batchSize(16).epochs(4)).get("loss");
      assertTrue(loss[3] < loss[0] * 0.9, "loss " + java.util.Arrays.toString(loss));
    }
  }

  @Test
  void afterFlattenEachFeatureKeepsItsOwnStatistics() {
    // 32 channels in and out: the training plan keeps the activation blocked (two blocks of 16) and
    // Flatten hands it on in that order; the statistics must still be in Keras's (h, w, c) order.
    int n = 2;
    int f = 6 * 5 * 32;
    SplittableRandom r = new SplittableRandom(6);
    float[] x = random(r, n * 6 * 5 * 32);
    float[] kernel = random(r, 3 * 3 * 32 * 32);
    float[] bias = new float[32];
    float[][] bn = {random(r, f), random(r, f), random(r, f), new float[f]};
    for (int i = 0; i < f; i++) bn[3][i] = 0.5f + i % 7;
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(32, 3).padding("same").inputShape(6, 5, 32));
      m.add(new Flatten());
      m.add(new BatchNormalization());
      m.add(new Dense(3));
      m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
      m.plan(n, true); // the training plan fixes the layouts
      float[] dense = random(r, f * 3);
      float[] denseBias = random(r, 3);
      m.setWeights(List.of(kernel, bias, bn[0], bn[1], bn[2], bn[3], dense, denseBias));
      assertClose(bn[2], m.getWeights().get(4), 0, "moving_mean in Keras's (h, w, c) order");
      float[] z = org.cnn4j.testing.NaiveConv.conv2d(x, n, 6, 5, 32, kernel, 3, 3, 32, bias, 1, 1, "same");
      float[] normalized = NaiveNorm.forwardInference(z, f, bn[2], bn[3], bn[0], bn[1], EPS);
      assertClose(NaiveOps.dense(normalized, n, f, dense, 3, denseBias), flat(m.predict(x, n)), 1e-3, "y");
    }
  }

  @Test
  void parametersCountAsKerasCountsThem() {
    try (Sequential m = new Sequential()) {
      m.add(new BatchNormalization()).build(Shape.of(4, 4, 5));
      assertEquals(20, m.countParams());
      assertEquals(10, m.countTrainableParams());
      String summary = m.summary();
      assertTrue(summary.lines().anyMatch(l -> l.startsWith("batch_normalization (BatchNormalization)")
          && l.contains("(None, 4, 4, 5)") && l.endsWith(" 20")), summary);
      assertTrue(summary.contains("Total params: 20\nTrainable params: 10\nNon-trainable params: 10\n"), summary);
    }
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  private static float[] flat(float[][] rows) {
    int w = rows[0].length;
    float[] out = new float[rows.length * w];
    for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * w, w);
    return out;
  }
}
