package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

public class SummaryTest {
  /** The rows DESIGN.md gives for the reference model's summary, as Keras prints them. */
  public static final String[] REFERENCE_ROWS = {
    "conv2d (Conv2D)                (None, 32, 32, 32)   896",
    "conv2d_1 (Conv2D)              (None, 32, 32, 32)   9248",
    "max_pooling2d (MaxPooling2D)   (None, 16, 16, 32)   0",
    "dropout (Dropout)              (None, 16, 16, 32)   0",
    "flatten (Flatten)              (None, 8192)         0",
    "dense (Dense)                  (None, 128)          1048704",
    "dense_1 (Dense)                (None, 10)           1290",
    "Total params: 1,060,138",
    "Trainable params: 1,060,138",
    "Non-trainable params: 0",
  };

  @Test
  void referenceModelPrintsKerasRows() {
    try (Sequential model = Models.reference(32, 32, 3, 10)) {
      String summary = model.summary();
      for (String row : REFERENCE_ROWS) {
        assertTrue(summary.lines().anyMatch(l -> l.equals(row)), "missing row '" + row + "' in\n" + summary);
      }
      assertEquals(1_060_138, model.countParams());
    }
  }

  /** Keras counts BatchNormalization's moving statistics as non-trainable params. */
  @Test
  void movingStatisticsAreNonTrainableParams() {
    try (Sequential model = new Sequential()) {
      model.add(new org.cnn4j.layers.Conv2D(8, 3).inputShape(6, 6, 3));
      model.add(new org.cnn4j.layers.BatchNormalization());
      model.add(new org.cnn4j.layers.GlobalAveragePooling2D());
      model.add(new org.cnn4j.layers.Dense(2));
      String summary = model.summary();
      assertTrue(summary.lines().anyMatch(l -> l.matches("global_average_pooling2d \\(GlobalAveragePooling2D\\) "
          + "\\(None, 8\\) +0")), "a long name keeps a space before the shape:\n" + summary);
      for (String row : new String[] {"Total params: 274", "Trainable params: 258", "Non-trainable params: 16"}) {
        assertTrue(summary.lines().anyMatch(l -> l.equals(row)), "missing row '" + row + "' in\n" + summary);
      }
    }
  }
}
