package org.cnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.model.History;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.junit.jupiter.api.Test;

class TrainingTest {
  @Test
  void referenceModelLearnsTheEmbeddedDataset() {
    Dataset[] data = SyntheticShapes.trainTest(3000, 500, 7);
    try (Dataset train = data[0]; Dataset test = data[1]; Sequential model = Models.reference(32, 32, 3, 10)) {
      model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      History h = model.fit(train, new FitOptions().batchSize(10).epochs(3).validationData(test));
      double[] loss = h.get("loss");
      assertEquals(3, h.epochs());
      assertTrue(loss[2] < loss[0], "training loss should fall: " + h);
      assertTrue(loss[0] < Math.log(10), "first epoch below chance loss ln(10): " + h);
      // Chance is 0.1 on ten balanced classes.
      assertTrue(h.get("val_accuracy")[2] > 0.4, "validation accuracy well above chance: " + h);
      Evaluation ev = model.evaluate(test, 64);
      assertEquals(h.get("val_accuracy")[2], ev.accuracy(), 1e-9, "evaluate at another batch size agrees");
      int[] classes = model.predictClasses(test, 37);
      long correct = 0;
      for (int i = 0; i < classes.length; i++) if (classes[i] == test.label(i)) correct++;
      assertEquals(ev.accuracy(), correct / (double) test.size(), 1e-9);
    }
  }

  /** An empty validation set (shapes:600,0 on the command line) would give val_loss NaN on every epoch. */
  @Test
  void emptyValidationDataIsRefused() {
    Dataset[] data = SyntheticShapes.trainTest(40, 0, 3);
    try (Dataset train = data[0]; Dataset test = data[1]; Sequential model = Models.reference(32, 32, 3, 10)) {
      model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.fit(train, new FitOptions().batchSize(10).epochs(1).validationData(test)));
      assertEquals("the validation data is empty", e.getMessage());
    }
  }

  @Test
  void seededRunsAreIdentical() {
    float[][] first = run();
    float[][] second = run();
    for (int i = 0; i < first.length; i++) assertArrayEquals(first[i], second[i]);
  }

  private static float[][] run() {
    Dataset[] data = SyntheticShapes.trainTest(200, 20, 3);
    try (Dataset train = data[0]; Dataset test = data[1]; Sequential model = Models.reference(32, 32, 3, 10)) {
      model.seed(5).compile("adam", "sparse_categorical_crossentropy", "accuracy");
      model.fit(train, new FitOptions().batchSize(16).epochs(1));
      return model.predict(test, 20);
    }
  }
}
