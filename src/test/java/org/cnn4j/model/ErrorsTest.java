package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;

/** Bad input gets an exception that names the layer, what was received and what was expected. */
class ErrorsTest {
  private static Sequential small() {
    Sequential m = new Sequential();
    m.add(new Conv2D(4, 3).activation("relu").inputShape(8, 8, 3));
    m.add(new Flatten());
    m.add(new Dense(3).activation("softmax"));
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
  }

  @Test
  void wrongInputShape() {
    try (Sequential m = small()) {
      float[] x = new float[2 * 10 * 10 * 3];
      var e = assertThrows(IllegalArgumentException.class, () -> m.fit(x, new int[] {0, 1}, new FitOptions()));
      assertMentions(e, "conv2d", "(8, 8, 3)");
    }
  }

  @Test
  void labelsOutOfRange() {
    try (Sequential m = small()) {
      float[] x = new float[2 * 8 * 8 * 3];
      var e = assertThrows(IllegalArgumentException.class, () -> m.fit(x, new int[] {0, 3}, new FitOptions()));
      assertMentions(e, "label 3", "sample 1", "dense", "[0, 2]");
      var neg = assertThrows(IllegalArgumentException.class, () -> m.fit(x, new int[] {-1, 0}, new FitOptions()));
      assertMentions(neg, "label -1", "sample 0");
    }
  }

  @Test
  void xAndYOfDifferentLengths() {
    try (Sequential m = small()) {
      float[] x = new float[3 * 8 * 8 * 3];
      var e = assertThrows(IllegalArgumentException.class, () -> m.fit(x, new int[] {0, 1}, new FitOptions()));
      assertMentions(e, "3 samples", "2 labels");
    }
  }

  @Test
  void poolLargerThanItsInput() {
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(4, 3).inputShape(4, 4, 1));
      var e = assertThrows(IllegalArgumentException.class, () -> m.add(new MaxPool2D(3)));
      assertMentions(e, "max_pooling2d", "(None, 2, 2, 4)", "3x3 pool is larger");
    }
  }

  @Test
  void kernelLargerThanItsInput() {
    try (Sequential m = new Sequential()) {
      var e = assertThrows(IllegalArgumentException.class, () -> m.add(new Conv2D(4, 5).inputShape(3, 3, 1)));
      assertMentions(e, "conv2d", "(None, 3, 3, 1)", "5x5 kernel");
    }
  }

  @Test
  void nanLossNamesTheLayer() {
    try (Sequential m = small()) {
      var weights = new java.util.ArrayList<>(m.getWeights());
      weights.get(2)[7] = Float.NaN; // the dense kernel
      m.setWeights(weights);
      float[] x = new float[2 * 8 * 8 * 3];
      java.util.Arrays.fill(x, 0.5f);
      var e = assertThrows(ArithmeticException.class, () -> m.fit(x, new int[] {0, 1}, new FitOptions()));
      assertMentions(e, "NaN", "epoch 1", "layer 'dense'");
    }
  }

  @Test
  void fitBeforeCompile() {
    try (Sequential m = new Sequential()) {
      m.add(new Dense(2).inputShape(3));
      var e = assertThrows(IllegalStateException.class, () -> m.fit(new float[3], new int[] {0}, new FitOptions()));
      assertMentions(e, "compile");
    }
  }

  @Test
  void closedModelRefusesWork() {
    Sequential m = small();
    m.close();
    m.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> m.plan(2, false));
  }

  @Test
  void failedPlanLeavesTheModelUsable() {
    try (Sequential m = small()) {
      assertThrows(IllegalArgumentException.class, () -> m.plan(0, true));
      m.fit(new float[2 * 8 * 8 * 3], new int[] {0, 1}, new FitOptions().batchSize(2));
    }
  }
}
