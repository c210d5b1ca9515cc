package org.cnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.model.History;
import org.cnn4j.model.Sequential;
import org.junit.jupiter.api.Test;

/** fit's validationSplit holds out the same images as Dataset.split, which the command line evaluates. */
class ValidationSplitTest {
  @Test
  void fitValidatesOnTheImagesDatasetSplitHoldsOut() {
    // 90 * 0.75 = 67.5: Keras (and Dataset.split) train on 67 and validate on 23.
    try (Dataset all = SyntheticShapes.trainTest(90, 0, 4)[0]; Sequential m = model()) {
      History h = m.fit(all, new FitOptions().batchSize(10).epochs(1).verbose(0).validationSplit(0.25));
      Dataset held = all.split(0.25)[1];
      assertEquals(23, held.size());
      Evaluation ev = m.evaluate(held, 10);
      assertEquals(ev.loss(), h.get("val_loss")[0], 1e-6, "val_loss is the loss on Dataset.split's part");
      assertEquals(ev.accuracy(), h.get("val_accuracy")[0], 1e-9);
    }
  }

  @Test
  void aSplitThatLeavesNoTrainingImageIsRefused() {
    try (Dataset all = SyntheticShapes.trainTest(90, 0, 4)[0]; Sequential m = model()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.fit(all, new FitOptions().batchSize(10).epochs(1).verbose(0).validationSplit(0.995)));
      assertTrue(e.getMessage().contains("leaves 0 for training"), e.getMessage());
    }
  }

  private static Sequential model() {
    Sequential m = new Sequential();
    m.add(new Conv2D(4, 3).activation("relu").inputShape(32, 32, 3)).add(new Flatten())
        .add(new Dense(10).activation("softmax"));
    m.seed(3).compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }
}
