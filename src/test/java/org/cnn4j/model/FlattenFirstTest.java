package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Shape;
import org.cnn4j.train.Evaluation;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;

/**
 * A Flatten that reads the model's input directly (Keras's MLP on MNIST:
 * Flatten first), or through a layer that passes the input on unchanged at
 * inference (Dropout): the model's input buffer changes with every batch, and
 * the flat view must follow it.
 */
class FlattenFirstTest {
  private static final int H = 4;
  private static final int W = 3;
  private static final int C = 2;
  private static final int UNITS = 3;

  @Test
  void flattenFirstPredictsFromEachBatch() {
    try (Sequential m = new Sequential()) {
      m.add(new Flatten()).add(new Dense(UNITS).activation("softmax")).build(Shape.of(H, W, C));
      checkPredictions(m);
    }
  }

  @Test
  void dropoutThenFlattenPredictsFromEachBatch() {
    try (Sequential m = new Sequential()) {
      m.add(new Dropout(0.5)).add(new Flatten()).add(new Dense(UNITS).activation("softmax")).build(Shape.of(H, W, C));
      checkPredictions(m);
    }
  }

  @Test
  void flattenFirstTrainsWithAFiniteLoss() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 40;
    float[] x = random(r, n * H * W * C);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % UNITS;
    try (Sequential m = new Sequential()) {
      m.add(new Flatten()).add(new Dense(UNITS).activation("softmax")).build(Shape.of(H, W, C));
      m.seed(1).compile("adam", "sparse_categorical_crossentropy", "accuracy");
      History h = m.fit(x, y, new FitOptions().batchSize(8).epochs(2).verbose(0));
      assertTrue(Double.isFinite(h.get("loss")[1]), "loss " + h);
      Evaluation ev = m.evaluate(x, y, 16);
      assertTrue(Double.isFinite(ev.loss()), "evaluate loss " + ev.loss());
    }
  }

  /** Predictions, batch by batch, equal softmax(x W + b) computed here from the model's weights. */
  private static void checkPredictions(Sequential m) {
    SplittableRandom r = new SplittableRandom(7);
    int n = 7;
    int in = H * W * C;
    float[] x = random(r, n * in);
    List<float[]> weights = m.getWeights();
    float[] kernel = weights.get(0);
    float[] bias = weights.get(1);
    float[][] p = m.predict(x, 3); // batches of 3, 3 and 1: the input buffer changes between them
    for (int i = 0; i < n; i++) {
      double[] z = new double[UNITS];
      double max = Double.NEGATIVE_INFINITY;
      for (int u = 0; u < UNITS; u++) {
        z[u] = bias[u];
        for (int k = 0; k < in; k++) z[u] += x[i * in + k] * kernel[k * UNITS + u];
        max = Math.max(max, z[u]);
      }
      double sum = 0;
      for (int u = 0; u < UNITS; u++) sum += z[u] = Math.exp(z[u] - max);
      for (int u = 0; u < UNITS; u++) assertEquals(z[u] / sum, p[i][u], 1e-5, "sample " + i + " unit " + u);
    }
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
    return a;
  }
}
