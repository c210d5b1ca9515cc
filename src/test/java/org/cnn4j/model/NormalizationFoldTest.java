package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.Step;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;

/**
 * Inference plans fold each BatchNormalization into the convolution before it and merge
 * residual joins into the convolution that feeds them; they must give what the separate
 * steps give, follow every change of the weights, and leave training plans and graphs
 * they cannot merge alone.
 */
class NormalizationFoldTest {
  private static final int H = 12;
  private static final int W = 12;

  @Test
  void resnetFoldedMatchesUnfolded() {
    try (Model folded = ResNets.v1(8, H, W, 3, 10); Model plain = ResNets.v1(8, H, W, 3, 10)) {
      assertSamePredictions(folded, plain, 1, 5);

      List<Step> steps = folded.executor().plan(5, false, false).forwardSteps();
      long folds = steps.stream().filter(s -> s.role().equals("fold batch normalization")).count();
      long norms = folded.layers().stream().filter(l -> l instanceof BatchNormalization).count();
      assertEquals(norms, folds, "every normalization of ResNet v1 follows a convolution read by it alone");
      assertFalse(steps.stream().anyMatch(s -> isNormalization(folded, s.layer())), "no normalization step left");
      assertTrue(plain.executor().plan(5, false, false).forwardSteps().stream()
          .anyMatch(s -> isNormalization(plain, s.layer())), "the unfolded plan normalizes");
    }
  }

  @Test
  void followsTrainingAndNewWeights() {
    try (Model folded = ResNets.v1(8, H, W, 3, 4); Model plain = ResNets.v1(8, H, W, 3, 4)) {
      plain.executor().foldNormalization(false);
      folded.compile("sgd", "sparse_categorical_crossentropy");
      float[] x = images(new SplittableRandom(3), 16);
      int[] y = new int[16];
      for (int i = 0; i < y.length; i++) y[i] = i % 4;
      folded.predict(x, 16); // folds the initial weights
      // Steps move the kernels and the moving statistics; the folded plan must notice.
      folded.fit(x, y, new FitOptions().batchSize(8).epochs(2).verbose(0));
      plain.setWeights(folded.getWeights());
      assertClose(plain.predict(x, 16), folded.predict(x, 16));
      // So must weights set from outside.
      List<float[]> other = randomized(folded, new SplittableRandom(4));
      folded.setWeights(other);
      plain.setWeights(other);
      assertClose(plain.predict(x, 16), folded.predict(x, 16));
    }
  }

  @Test
  void depthwiseBiasAndMissingScaleOrCenter() {
    Supplier<Sequential> build = () -> {
      Sequential m = new Sequential();
      m.add(new Conv2D(6, 3).padding("same").inputShape(H, W, 3)); // with a bias
      m.add(new BatchNormalization().center(false));
      m.add(new ReLU());
      m.add(new DepthwiseConv2D(3).depthMultiplier(2).useBias(false)); // grouped kernel {G, O/G, 1, 3, 3}
      m.add(new BatchNormalization().scale(false).epsilon(1e-2));
      m.add(new Conv2D(5, 1).activation("relu")); // an activation of its own: not folded
      m.add(new BatchNormalization());
      m.add(new Flatten());
      m.add(new Dense(3).activation("softmax"));
      return m;
    };
    try (Sequential folded = build.get(); Sequential plain = build.get()) {
      assertSamePredictions(folded, plain, 5, 7);
      List<Step> steps = folded.executor().plan(7, false, false).forwardSteps();
      assertEquals(2, steps.stream().filter(s -> s.role().equals("fold batch normalization")).count());
      String last = folded.layers().get(6).name();
      assertTrue(steps.stream().anyMatch(s -> s.layer().equals(last) && s.role().equals("forward")),
          "the normalization after an activated convolution still runs");
    }
  }

  @Test
  void residualJoinsMergeIntoTheConvolutionBefore() {
    for (int version = 1; version <= 2; version++) {
      try (Model merged = resnet(version); Model plain = resnet(version)) {
        plain.executor().mergeResiduals(false);
        assertSamePredictions(merged, plain, 7 + version, 5);
        List<Step> steps = merged.executor().plan(5, false, false).forwardSteps();
        long joins = merged.layers().stream().filter(l -> l instanceof Add).count();
        assertEquals(joins, steps.stream().filter(s -> s.role().equals("forward + add")).count(),
            "ResNet v" + version + ": every join is a post-op of a convolution");
        assertFalse(steps.stream().anyMatch(s -> isLayer(merged, s.layer(), Add.class)),
            "ResNet v" + version + ": no join runs on its own");
      }
    }
    // v2's joins read convolutions directly: they merge without folding too.
    assertMergedMatchesApart(() -> resnet(2), false, 11, 3);
  }

  @Test
  void mergedJoinLeavesItsShortcutForLaterReaders() {
    // b is read by the join and again after it; a is planned after b, so a takes the sum.
    Supplier<Model> build = () -> {
      SymbolicTensor in = Input.of(H, W, 3);
      SymbolicTensor b = new Conv2D(4, 1).call(in);
      SymbolicTensor a = new BatchNormalization().call(new Conv2D(4, 3).padding("same").call(b));
      SymbolicTensor sum = new ReLU().call(new Add().call(a, b));
      SymbolicTensor both = new Concatenate().call(sum, b);
      return new Model(in, new Dense(3).activation("softmax").call(new Flatten().call(both)));
    };
    assertMergedMatchesApart(build, true, 13, 4);
  }

  /**
   * Two models from {@code build}, the first folding or not as told, the second with neither
   * folds nor merged joins: the first merges a join, and their predictions agree.
   */
  private static void assertMergedMatchesApart(Supplier<Model> build, boolean fold, long seed, int n) {
    try (Model merged = build.get(); Model plain = build.get()) {
      merged.executor().foldNormalization(fold);
      plain.executor().mergeResiduals(false);
      assertSamePredictions(merged, plain, seed, n);
      assertTrue(merged.executor().plan(n, false, false).forwardSteps().stream()
          .anyMatch(s -> s.role().equals("forward + add")), "a join is merged");
    }
  }

  @Test
  void trainingPlansNeitherFoldNorMerge() {
    try (Model m = ResNets.v1(8, H, W, 3, 4)) {
      m.compile("sgd", "sparse_categorical_crossentropy");
      Plan train = m.executor().plan(4, true, false);
      assertFalse(train.forwardSteps().stream().anyMatch(s -> s.role().equals("fold batch normalization")));
      assertTrue(train.forwardSteps().stream().anyMatch(s -> isNormalization(m, s.layer())));
      assertFalse(train.forwardSteps().stream().anyMatch(s -> s.role().equals("forward + add")), "nor merge joins");
      assertTrue(train.forwardSteps().stream().anyMatch(s -> isLayer(m, s.layer(), Add.class)));
    }
  }

  /** Random weights (from {@code seed}) into both models, the unfolded one told not to fold; predictions of n images agree. */
  private static void assertSamePredictions(Model folded, Model plain, long seed, int n) {
    plain.executor().foldNormalization(false);
    List<float[]> weights = randomized(folded, new SplittableRandom(seed));
    folded.setWeights(weights);
    plain.setWeights(weights);
    float[] x = images(new SplittableRandom(seed + 1), n);
    assertClose(plain.predict(x, n), folded.predict(x, n));
  }

  private static boolean isNormalization(Model m, String layer) {
    return isLayer(m, layer, BatchNormalization.class);
  }

  private static boolean isLayer(Model m, String layer, Class<?> kind) {
    return m.layers().stream().anyMatch(l -> l.name().equals(layer) && kind.isInstance(l));
  }

  /** ResNet v1 of depth 8 or v2 of depth 11 on H x W x 3 images, 10 classes. */
  private static Model resnet(int version) {
    return version == 1 ? ResNets.v1(8, H, W, 3, 10) : ResNets.v2(11, H, W, 3, 10);
  }

  /** Weights drawn so that every normalization does something: gamma, beta, mean and variance away from 1 and 0. */
  private static List<float[]> randomized(Model m, SplittableRandom r) {
    List<String> names = m.weightNames();
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      float[] v = m.getWeights().get(i).clone();
      String name = names.get(i);
      for (int j = 0; j < v.length; j++) {
        if (name.endsWith("moving_variance")) v[j] = (float) r.nextDouble(0.3, 3);
        else if (name.endsWith("gamma")) v[j] = (float) r.nextDouble(0.5, 1.5);
        else if (name.endsWith("moving_mean") || name.endsWith("beta") || name.endsWith("bias")) {
          v[j] = (float) r.nextDouble(-0.5, 0.5);
        }
      }
      out.add(v);
    }
    return out;
  }

  private static float[] images(SplittableRandom r, int n) {
    float[] x = new float[n * H * W * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
    return x;
  }

  private static void assertClose(float[][] want, float[][] got) {
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      for (int j = 0; j < want[i].length; j++) worst = Math.max(worst, Math.abs(want[i][j] - got[i][j]));
    }
    assertTrue(worst < 1e-5, "folded and unfolded predictions differ by " + worst);
  }
}
