package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.optim.SGD;
import org.cnn4j.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * Finite differences of the training loss through the new layers together (convolution with
 * groups and dilation, batch normalization, average pooling, depthwise convolution, global
 * average pooling, dense, softmax cross-entropy) against one backward pass. The loss is taken from
 * training-mode forward passes: batch normalization then uses the batch's statistics, whose own
 * gradient the backward pass must include. tanh follows the normalization: with a ReLU there, one
 * output of channel 0 crossed the kink within the step and put the conv kernel's channel 0 off
 * by 8 % (unfused the same), so the fused BatchNormalization + ReLU is checked exactly against
 * the plain reference in BatchNormalizationTest instead.
 */
class ResidualPartsGradientCheckTest {
  @Test
  void analyticGradientsMatchFiniteDifferences() {
    int n = 3;
    SplittableRandom r = new SplittableRandom(21);
    float[] x = new float[n * 6 * 5 * 4];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
    int[] y = {0, 2, 1};
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(4, 3).padding("same").groups(2).dilationRate(2).inputShape(6, 5, 4));
      m.add(new BatchNormalization());
      m.add(new Activation("tanh"));
      m.add(new AveragePooling2D(2).padding("same"));
      m.add(new DepthwiseConv2D(3).depthMultiplier(2).padding("same"));
      m.add(new GlobalAveragePooling2D());
      m.add(new Dense(3).activation("softmax"));
      m.compile(new SGD(), new SparseCategoricalCrossentropy());
      Plan train = m.plan(n, true);
      train.input().write(x);
      train.labels().put(y);
      List<float[]> weights = m.getWeights();
      loss(m, train, n, true);
      train.backward();
      List<float[]> analytic = m.getGradients();
      List<String> names = m.weightNames();
      int g = 0;
      for (int t = 0; t < weights.size(); t++) {
        if (names.get(t).contains("moving_")) continue; // state: no gradient
        final int which = t;
        var param = m.arena().parameters().get(which);
        double[] numeric = GradCheck.numericGradient(w -> {
          m.arena().set(param, w);
          return loss(m, train, n, false);
        }, weights.get(t).clone(), 1e-3);
        m.arena().set(param, weights.get(t));
        // As in GradientCheckTest: float32 losses over a step of 2e-3 leave about 1e-4 absolute
        // noise; a missing term (the batch statistics' share, the fused ReLU's mask) is off by O(1).
        double err = GradCheck.maxRelativeError(analytic.get(g++), numeric, 1e-2);
        assertTrue(err < 2e-2, names.get(t) + ": max relative error " + err);
      }
    }
  }

  /** Mean loss of one training-mode forward pass; with {@code gradient}, also the logits' gradient. */
  private static double loss(Sequential m, Plan p, int n, boolean gradient) {
    p.forward();
    return m.loss().sum(p.output().address(), p.labels().address(), 0, n, 3,
        gradient ? p.outputGradient().address() : 0, Kernels.FUSED_SOFTMAX) / n;
  }
}
