package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.model.History;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.TrainingRun;
import org.junit.jupiter.api.Test;

/** Driven with made-up metrics; weights are set to the epoch number so that a restore shows which epoch it chose. */
class EarlyStoppingTest {
  /** Runs {@code values} of "val_loss" as epochs 0, 1, ... until the callback stops training; returns epochs run. */
  private static int drive(Sequential model, EarlyStopping es, String metric, double... values) {
    es.setRun(new TrainingRun(model, 0, values.length, List.of(es)));
    model.stopTraining(false);
    es.onTrainBegin();
    int epoch = 0;
    for (; epoch < values.length && !model.stopTraining(); epoch++) {
      fill(model, epoch);
      es.onEpochEnd(epoch, Map.of(metric, values[epoch]));
    }
    es.onTrainEnd(Map.of());
    return epoch;
  }

  private static void fill(Sequential model, float value) {
    List<float[]> w = new ArrayList<>();
    for (float[] t : model.getWeights()) {
      Arrays.fill(t, value);
      w.add(t);
    }
    model.setWeights(w);
  }

  private static float weight(Sequential model) {
    return model.getWeights().get(0)[0];
  }

  @Test
  void restoresTheBestWeightsWhenPatienceNeverRunsOut() {
    try (Sequential m = Fixture.model()) {
      EarlyStopping es = new EarlyStopping("val_loss").patience(5).restoreBestWeights(true);
      assertEquals(4, drive(m, es, "val_loss", 0.9, 0.5, 0.6, 0.7));
      assertFalse(m.stopTraining());
      assertEquals(0, es.stoppedEpoch());
      assertEquals(1, es.bestEpoch());
      assertEquals(1f, weight(m), "the weights of epoch 2 (index 1), not the last");
    }
  }

  @Test
  void restoresTheBestWeightsWhenPatienceRunsOut() {
    try (Sequential m = Fixture.model()) {
      EarlyStopping es = new EarlyStopping("val_loss").patience(2).restoreBestWeights(true);
      assertEquals(4, drive(m, es, "val_loss", 0.9, 0.5, 0.6, 0.7, 0.1, 0.1));
      assertTrue(m.stopTraining());
      assertEquals(3, es.stoppedEpoch(), "two epochs without improvement after index 1");
      assertEquals(1f, weight(m));
    }
  }

  @Test
  void keepsTheFinalWeightsWithoutRestore() {
    try (Sequential m = Fixture.model()) {
      assertEquals(3, drive(m, new EarlyStopping("val_loss").patience(2), "val_loss", 0.5, 0.6, 0.7, 0.8));
      assertEquals(2f, weight(m));
    }
  }

  @Test
  void accuracyIsMaximisedAndMinDeltaIsRequired() {
    try (Sequential m = Fixture.model()) {
      EarlyStopping es = new EarlyStopping("val_accuracy").patience(1).minDelta(0.01).restoreBestWeights(true);
      assertEquals(2, drive(m, es, "val_accuracy", 0.5, 0.505, 0.9));
      assertEquals(0, es.bestEpoch(), "0.505 is not 0.01 better than 0.5");
      assertEquals(0f, weight(m));
    }
  }

  @Test
  void aMetricOfUnknownDirectionNeedsAMode() {
    try (Sequential m = Fixture.model()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> drive(m, new EarlyStopping("val_auc"), "val_auc", 0.5));
      assertTrue(e.getMessage().contains("mode(\"max\")"), e.getMessage());
      assertEquals(1, drive(m, new EarlyStopping("val_auc").mode("max"), "val_auc", 0.5));
    }
  }

  @Test
  void savedStateContinuesTheCount() {
    try (Sequential m = Fixture.model()) {
      EarlyStopping first = new EarlyStopping("val_loss").patience(3);
      drive(m, first, "val_loss", 0.5, 0.6, 0.7);
      Map<String, Object> saved = first.state();
      assertEquals(2, saved.get("wait"));

      EarlyStopping resumed = new EarlyStopping("val_loss").patience(3);
      resumed.setRun(new TrainingRun(m, 3, 10, List.of(resumed)));
      resumed.onTrainBegin();
      resumed.restore(Map.of("best", 0.5, "wait", 2L, "best_epoch", 0L, "stopped_epoch", 0L));
      resumed.onEpochEnd(3, Map.of("val_loss", 0.55));
      assertTrue(m.stopTraining(), "the third epoch without improvement, counting across the resume");
      assertEquals(3, resumed.stoppedEpoch());
    }
  }

  @Test
  void stopsARealFit() {
    Dataset[] d = Fixture.data();
    try (Dataset train = d[0]; Dataset test = d[1]; Sequential m = Fixture.model()) {
      History h = m.fit(train, new FitOptions().batchSize(16).epochs(5)
          .callbacks(new EarlyStopping("loss").minDelta(100)));
      assertEquals(2, h.epochs(), "the first epoch sets the best, the second cannot beat it by 100");
    }
  }
}
