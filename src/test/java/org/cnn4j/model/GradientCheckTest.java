package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.optim.SGD;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * Finite differences of the whole model's mean loss (conv, ReLU, pool, dense,
 * softmax cross-entropy) against the gradients one training pass computes.
 */
class GradientCheckTest {
  @Test
  void analyticGradientsMatchFiniteDifferences() {
    int n = 3;
    SplittableRandom r = new SplittableRandom(11);
    float[] x = new float[n * 6 * 6 * 2];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
    int[] y = {0, 2, 1};
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(4, 3).padding("same").activation("tanh").inputShape(6, 6, 2));
      m.add(new MaxPool2D(2));
      m.add(new Flatten());
      m.add(new Dense(3).activation("softmax"));
      m.compile(new SGD(), new SparseCategoricalCrossentropy());
      Plan train = m.plan(n, true);
      List<float[]> weights = m.getWeights();
      train.input().write(x);
      train.labels().put(y);
      m.executor().forward(train, train.labels().address(), n); // the loss writes d/dlogits of the fused softmax
      train.backward();
      List<float[]> analytic = m.getGradients();

      for (int t = 0; t < weights.size(); t++) {
        final int which = t;
        double[] numeric = GradCheck.numericGradient(w -> {
          List<float[]> ws = new ArrayList<>(weights);
          ws.set(which, w);
          m.setWeights(ws);
          return m.evaluate(x, y, n).loss();
        }, weights.get(t).clone(), 1e-3);
        // Float32 losses (about 1.1, rounding 1e-7) over a step of 2h = 2e-3 leave
        // about 1e-4 absolute noise in each difference; the 1e-2 floor turns that
        // into at most 1e-2 relative error for tiny gradients. Measured here:
        // 4.5e-3 (conv kernel), 3.7e-3 (dense kernel), 2.5e-4 (biases). A wrong
        // gradient (a missed activation derivative, a transposed kernel) is off
        // by O(1), so 2e-2 separates the two. A larger h lets max-pool winners
        // switch and breaks the check (h = 1e-2 gave 0.39).
        double err = GradCheck.maxRelativeError(analytic.get(t), numeric, 1e-2);
        assertTrue(err < 2e-2, m.weightNames().get(t) + ": max relative error " + err);
      }
    }
  }
}
