package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.model.Models;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;
import org.cnn4j.train.callbacks.CSVLogger;
import org.cnn4j.train.callbacks.EarlyStopping;
import org.cnn4j.train.callbacks.ModelCheckpoint;
import org.cnn4j.train.callbacks.ReduceLROnPlateau;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library snippets, as written there, on small data. */
class ReadmeSnippetsTest {
  @Test
  void saveLoadAndResume(@TempDir Path dir) {
    Dataset[] d = SyntheticShapes.trainTest(100, 20, 1);
    try (Dataset train = d[0]; Dataset test = d[1]) {
      Path checkpoint = dir.resolve("checkpoint.cnn4j");
      for (int epochs : new int[] {1, 2}) {
        LoadedModel saved = Resume.latest(checkpoint); // null on the first run
        try (Model model = saved != null ? saved.model() : Models.reference(32, 32, 3, 10)) {
          if (saved == null) model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
          FitOptions o = new FitOptions().batchSize(10).epochs(epochs).deterministic(true).validationData(test)
              .callbacks(new CSVLogger(dir.resolve("log.csv"), true),
                  new EarlyStopping("val_loss").patience(3).restoreBestWeights(true),
                  new ReduceLROnPlateau("val_loss").factor(0.5).patience(2),
                  new ModelCheckpoint(checkpoint));
          if (saved != null) o.resumeFrom(saved.state()); // epoch to start at, callback counters
          assertEquals(1, model.fit(train, o).epochs());
        }
      }
      try (Model model = Sequential.load(checkpoint)) {
        float[][] before = model.predict(test, 64);
        Path copy = dir.resolve("model.cnn4j");
        model.save(copy);
        try (Model again = Sequential.load(copy)) {
          float[][] after = again.predict(test, 64);
          for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i]);
        }
      }
      assertNotNull(Resume.latest(dir));
    }
  }
}
