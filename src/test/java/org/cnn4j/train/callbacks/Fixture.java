package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.Callback;
import org.cnn4j.train.FitOptions;

/** The tiny model, data and callbacks that the resume tests and their child process share. */
final class Fixture {
  private Fixture() {}

  /** 200 training and 40 validation images. */
  static Dataset[] data() {
    return SyntheticShapes.trainTest(200, 40, 11);
  }

  /** Conv (8 channels: a blocked layout), pool, dropout (uses the step counter), flatten, dense; compiled. */
  static Sequential model() {
    Sequential m = new Sequential("tiny");
    m.add(new Conv2D(8, 3).padding("same").activation("relu").inputShape(32, 32, 3));
    m.add(new MaxPool2D(2));
    m.add(new Dropout(0.25));
    m.add(new Flatten());
    m.add(new Dense(10).activation("softmax"));
    m.seed(3).compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  static FitOptions options(Dataset validation, int epochs) {
    return new FitOptions().batchSize(16).epochs(epochs).validationData(validation).deterministic(true);
  }

  /**
   * Callbacks whose state changes the weights: only the first epoch counts as an
   * improvement, so the learning rate halves after every epoch from the second on
   * (Keras spends a cooldown of 1 in the epoch after a change). A resume that lost
   * the plateau's counters would not halve it after its first epoch.
   */
  static Callback[] callbacks(Path dir) {
    return new Callback[] {
        new ReduceLROnPlateau("val_loss").factor(0.5).patience(1).cooldown(1).minDelta(1e9),
        new CSVLogger(dir.resolve("log.csv"), true),
        new EarlyStopping("val_accuracy").patience(100),
        new ModelCheckpoint(dir.resolve("last.cnn4j"))};
  }

  static void assertSameWeights(Model expected, Model actual) {
    List<float[]> e = expected.getWeights();
    List<float[]> a = actual.getWeights();
    assertEquals(e.size(), a.size());
    for (int i = 0; i < e.size(); i++) assertArrayEquals(e.get(i), a.get(i), "weight tensor " + i + " differs");
    assertEquals(expected.counter().get(), actual.counter().get(), "steps");
    assertEquals(expected.optimizer().learningRate(), actual.optimizer().learningRate(), "learning rate");
  }
}
