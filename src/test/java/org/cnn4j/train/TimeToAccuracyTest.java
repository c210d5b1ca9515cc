package org.cnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.model.History;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.callbacks.ModelCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-epoch timings and the epoch and wall time at which each validation-accuracy threshold was first passed. */
class TimeToAccuracyTest {
  @TempDir Path dir;

  @Test
  void thresholdsAreRecordedOnceAtTheFirstEpochThatReachesThem() {
    TimeToAccuracy t = new TimeToAccuracy("val_accuracy");
    t.onTrainBegin();
    double[] acc = {0.42, 0.61, 0.58, 0.855, 0.93};
    for (int e = 0; e < acc.length; e++) {
      Map<String, Double> logs = new LinkedHashMap<>(Map.of("val_accuracy", acc[e]));
      t.epochEnded(e, 10.0 + e, logs);
      assertEquals(10.0 * (e + 1) + e * (e + 1) / 2.0, logs.get("elapsed_seconds"), 1e-9);
    }
    List<TimeToAccuracy.Milestone> m = t.milestones();
    assertEquals(List.of(0.50, 0.60, 0.70, 0.80, 0.85, 0.90, 0.91, 0.92, 0.93),
        m.stream().map(TimeToAccuracy.Milestone::threshold).toList());
    assertEquals(new TimeToAccuracy.Milestone(0.50, 2, 21.0, 0.61), m.get(0));
    assertEquals(new TimeToAccuracy.Milestone(0.70, 4, 46.0, 0.855), m.get(2));
    assertEquals(new TimeToAccuracy.Milestone(0.93, 5, 60.0, 0.93), m.get(8));
    assertEquals("time to accuracy: val_accuracy 0.50 at epoch 2 (21.0 s), 0.60 at epoch 2 (21.0 s)",
        TimeToAccuracy.summary("val_accuracy", m.subList(0, 2)));

    TimeToAccuracy back = new TimeToAccuracy("val_accuracy");
    back.onTrainBegin();
    back.restore(plain(t.state()));
    assertEquals(m, back.milestones());
    assertEquals(60.0, back.elapsedSeconds());
  }

  @Test
  void fitRecordsTimingsAndContinuesTheClockAcrossAResume() {
    Dataset[] d = SyntheticShapes.trainTest(120, 60, 3);
    Path last = dir.resolve("last.cnn4j");
    try (Dataset train = d[0]; Dataset test = d[1]; Sequential m = Models.reference(32, 32, 3, 10)) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      FitOptions o = new FitOptions().batchSize(20).epochs(2).validationData(test)
          .callbacks(new ModelCheckpoint(last));
      History h = m.fit(train, o);
      for (int e = 0; e < 2; e++) {
        Map<String, Double> logs = h.epoch(e);
        for (String k : List.of("seconds", "train_seconds", "eval_seconds", "data_wait_seconds", "elapsed_seconds")) {
          assertTrue(logs.get(k) >= 0, k + " " + logs);
        }
        assertEquals(logs.get("seconds"), logs.get("train_seconds") + logs.get("eval_seconds"), 1e-6);
        assertTrue(logs.get("data_wait_seconds") <= logs.get("train_seconds"));
        assertEquals(1e-3, logs.get("learning_rate"), 1e-9);
      }
      assertEquals(h.epoch(0).get("seconds") + h.epoch(1).get("seconds"), h.epoch(1).get("elapsed_seconds"), 1e-9);
      for (TimeToAccuracy.Milestone ms : h.timeToAccuracy()) {
        double[] val = h.get("val_accuracy");
        int first = 0;
        while (val[first] < ms.threshold()) first++;
        assertEquals(first + 1, ms.epoch(), "first epoch at " + ms.threshold());
        assertEquals(h.epoch(first).get("elapsed_seconds"), ms.seconds());
      }
      assertEquals("val_accuracy", h.accuracyMetric());
      double before = h.epoch(1).get("elapsed_seconds");
      try (LoadedModel saved = org.cnn4j.train.Resume.latest(last)) {
        History more = saved.model().fit(train, new FitOptions().batchSize(20).epochs(3).validationData(test)
            .resumeFrom(saved.state()));
        assertEquals(before + more.epoch(0).get("seconds"), more.epoch(0).get("elapsed_seconds"), 1e-9,
            "the clock goes on from the checkpoint");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plain(Map<String, Object> state) {
    // As a checkpoint returns it: numbers as Long or Double, lists as lists.
    Map<String, Object> out = new LinkedHashMap<>(state);
    out.put("reached", ((List<List<Object>>) state.get("reached")).stream()
        .map(l -> List.<Object>of(l.get(0), ((Number) l.get(1)).longValue(), l.get(2), l.get(3))).toList());
    return out;
  }
}
