package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.io.ModelFile;
import org.cnn4j.model.History;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.Callback;
import org.cnn4j.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {
  @TempDir Path dir;

  /** The epoch saved in {@code file} after each of {@code values} (0 when there is no file). */
  private static List<Integer> drive(Model m, ModelCheckpoint ck, String metric, double... values) {
    ck.setRun(new TrainingRun(m, 0, values.length, List.of(ck)));
    ck.onTrainBegin();
    List<Integer> saved = new ArrayList<>();
    for (int e = 0; e < values.length; e++) {
      ck.onEpochEnd(e, Map.of(metric, values[e]));
      if (!Files.exists(ck.file())) {
        saved.add(0);
        continue;
      }
      try (LoadedModel l = ModelFile.load(ck.file())) {
        saved.add(l.state().epoch());
      }
    }
    return saved;
  }

  @Test
  void bestOnlySavesOnlyOnImprovement() {
    try (Model m = Fixture.model()) {
      ModelCheckpoint ck = new ModelCheckpoint(dir.resolve("best.cnn4j")).saveBestOnly("val_loss");
      assertEquals(List.of(1, 2, 2, 4, 4), drive(m, ck, "val_loss", 1.0, 0.8, 0.9, 0.7, 0.7));
      assertEquals(0.7, ck.best());
      try (LoadedModel l = ModelFile.load(ck.file())) {
        assertEquals(Map.of("best", 0.7), l.state().callbacks().get("model_checkpoint/best.cnn4j"));
      }
    }
  }

  @Test
  void bestOnlyMaximisesAccuracy() {
    try (Model m = Fixture.model()) {
      ModelCheckpoint ck = new ModelCheckpoint(dir.resolve("best.cnn4j")).saveBestOnly("val_accuracy");
      assertEquals(List.of(1, 1, 3), drive(m, ck, "val_accuracy", 0.5, 0.4, 0.6));
    }
  }

  @Test
  void bestOnlyResumesFromTheSavedBest() {
    try (Model m = Fixture.model()) {
      ModelCheckpoint ck = new ModelCheckpoint(dir.resolve("best.cnn4j")).saveBestOnly("val_loss");
      ck.setRun(new TrainingRun(m, 3, 5, List.of(ck)));
      ck.onTrainBegin();
      ck.restore(Map.of("best", 0.5));
      ck.onEpochEnd(3, Map.of("val_loss", 0.6));
      assertFalse(Files.exists(ck.file()), "0.6 is worse than the best saved before the resume");
    }
  }

  @Test
  void aMissingMetricSavesNothing() {
    try (Model m = Fixture.model()) {
      ModelCheckpoint ck = new ModelCheckpoint(dir.resolve("best.cnn4j")).saveBestOnly("val_loss");
      assertEquals(List.of(0), drive(m, ck, "loss", 0.5));
    }
  }

  @Test
  void everyEpochSavesTheOtherCallbacksStateAfterTheEpoch() {
    Dataset[] d = Fixture.data();
    Path last = dir.resolve("last.cnn4j");
    // The checkpoint comes first in the list; fit still runs it after EarlyStopping.
    ModelCheckpoint ck = new ModelCheckpoint(last);
    EarlyStopping es = new EarlyStopping("val_loss").patience(5);
    try (Dataset train = d[0]; Dataset test = d[1]; Model m = Fixture.model()) {
      History h = m.fit(train, Fixture.options(test, 2).callbacks(ck, es));
      try (LoadedModel l = ModelFile.load(last)) {
        assertEquals(2, l.state().epoch());
        Object state = l.state().callbacks().get("early_stopping/val_loss");
        assertTrue(state instanceof Map<?, ?>, l.state().callbacks().toString());
        double best = Math.min(h.get("val_loss")[0], h.get("val_loss")[1]);
        assertEquals(best, ((Map<?, ?>) state).get("best"));
        assertTrue(l.state().callbacks().containsKey("deterministic"));
        Fixture.assertSameWeights(m, l.model());
      }
    }
  }

  @Test
  void twoCallbacksWithOneStateKeyAreRefused() {
    try (Model m = Fixture.model()) {
      List<Callback> two = List.of(new EarlyStopping(), new EarlyStopping());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingRun(m, 0, 1, two));
      assertTrue(e.getMessage().contains("'early_stopping/val_loss'"), e.getMessage());
    }
  }
}
