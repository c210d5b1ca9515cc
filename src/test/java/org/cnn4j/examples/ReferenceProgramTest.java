package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.model.History;
import org.junit.jupiter.api.Test;

class ReferenceProgramTest {
  @Test
  void runsOnTheEmbeddedDataset() {
    Dataset[] d = SyntheticShapes.trainTest(1000, 200, 1);
    try (Dataset train = d[0]; Dataset test = d[1]) {
      History h = ReferenceProgram.run(train, test, 1, 0);
      assertEquals(1, h.epochs());
      assertTrue(h.metrics().containsAll(java.util.List.of("loss", "sparse_categorical_accuracy", "val_loss",
          "val_sparse_categorical_accuracy", "seconds")), h.metrics().toString());
    }
  }
}
