package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A residual network (BatchNormalization's moving statistics, the L2 penalty,
 * augmentation) stopped after an epoch and resumed in deterministic mode ends
 * with exactly the weights, state and steps of the uninterrupted run.
 */
class ResNetResumeTest {
  @TempDir Path dir;

  private static Model resnet() {
    Model m = Models.resnet(8, 32, 32, 3, 10).seed(5);
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  private static FitOptions options(Dataset test, int epochs) {
    return new FitOptions().batchSize(16).epochs(epochs).validationData(test).deterministic(true)
        .preprocessing(Preprocessing.scaled().withAugmentation(4, true));
  }

  @Test
  void resumedResNetEndsBitwiseAsTheUninterruptedOne() throws Exception {
    Dataset[] d = Fixture.data();
    Path whole = Files.createDirectory(dir.resolve("whole"));
    Path parts = Files.createDirectory(dir.resolve("parts"));
    try (Dataset train = d[0]; Dataset test = d[1]; Model uninterrupted = resnet()) {
      uninterrupted.fit(train, options(test, 2).callbacks(new ModelCheckpoint(whole.resolve("last.cnn4j"))));
      try (Model first = resnet()) {
        first.fit(train, options(test, 1).callbacks(new ModelCheckpoint(parts.resolve("last.cnn4j"))));
      }
      try (LoadedModel saved = Resume.latest(parts.resolve("last.cnn4j"))) {
        assertEquals(1, saved.state().epoch());
        saved.model().fit(train, options(test, 2).callbacks(new ModelCheckpoint(parts.resolve("last.cnn4j")))
            .resumeFrom(saved.state()));
        // getWeights holds BatchNormalization's moving mean and variance too.
        Fixture.assertSameWeights(uninterrupted, saved.model());
      }
    }
  }
}
