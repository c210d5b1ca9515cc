package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.History;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.SGD;
import org.cnn4j.optim.schedules.OneCycle;
import org.cnn4j.train.Callback;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after epoch 2 and resumed from its checkpoint continues its
 * learning-rate schedule and ends with exactly the weights of an uninterrupted
 * one: a per-step schedule object (with weight decay and label smoothing), and
 * an epoch schedule set by the LearningRateScheduler callback.
 */
class ScheduleResumeTest {
  private static final int STEPS_PER_EPOCH = 13; // 200 images in batches of 16
  private static Dataset train;
  private static Dataset test;

  @TempDir Path dir;

  @BeforeAll
  static void data() {
    Dataset[] d = Fixture.data();
    train = d[0];
    test = d[1];
  }

  @AfterAll
  static void close() {
    train.close();
    test.close();
  }

  private static Sequential oneCycleModel() {
    Sequential m = Fixture.model();
    m.compile(new SGD(new OneCycle(0.05, 4 * STEPS_PER_EPOCH), 0.9f, true).weightDecay(5e-3f)
        .excludeVectorsFromWeightDecay(), new SparseCategoricalCrossentropy(false, 0.1f), "accuracy");
    return m;
  }

  /** Keras's cifar10_resnet.py lr_schedule shape, squeezed into 4 epochs. */
  private static Callback kerasLikeScheduler() {
    return new LearningRateScheduler(epoch -> epoch >= 3 ? 1e-5 : epoch >= 2 ? 1e-4 : epoch >= 1 ? 5e-4 : 1e-3);
  }

  @Test
  void aStepScheduleContinuesBitwiseAfterAResume() throws Exception {
    History h = resumeMatches(ScheduleResumeTest::oneCycleModel, () -> new Callback[0]);
    OneCycle schedule = new OneCycle(0.05, 4 * STEPS_PER_EPOCH);
    // The resumed fit's history holds epochs 3 and 4, each with the rate of the update after it.
    assertEquals((float) schedule.at(3 * STEPS_PER_EPOCH), h.epoch(0).get("learning_rate").floatValue());
    assertEquals((float) schedule.at(4 * STEPS_PER_EPOCH), h.epoch(1).get("learning_rate").floatValue());
  }

  @Test
  void anEpochScheduleCallbackContinuesBitwiseAfterAResume() throws Exception {
    History h = resumeMatches(Fixture::model, () -> new Callback[] {kerasLikeScheduler()});
    assertEquals(1e-4f, h.epoch(0).get("learning_rate").floatValue());
    assertEquals(1e-5f, h.epoch(1).get("learning_rate").floatValue());
    List<String> csv = Files.readAllLines(dir.resolve("parts/log.csv"));
    int column = List.of(csv.get(0).split(",")).indexOf("learning_rate");
    assertTrue(column > 0, csv.get(0));
    assertEquals(5e-4f, Float.parseFloat(csv.get(2).split(",")[column]), "epoch 2's rate in the CSV log");
  }

  @Test
  void aScheduleObjectCannotBeSetByACallback() {
    try (Model m = oneCycleModel()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> m.fit(train, Fixture.options(test, 1).callbacks(kerasLikeScheduler())));
      assertTrue(e.getMessage().contains("the schedule OneCycle, so it cannot be set"), e.getMessage());
    }
    try (Model m = Fixture.model()) {
      m.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.fit(train, Fixture.options(test, 1).callbacks(new LearningRateScheduler(epoch -> 0))));
      assertTrue(e.getMessage().contains("the schedule gave 0.0 for epoch 1"), e.getMessage());
    }
  }

  /** 4 epochs uninterrupted against 2, a checkpoint, and a resume to 4; returns the resumed fit's history. */
  private History resumeMatches(Supplier<Sequential> model, Supplier<Callback[]> extra) throws Exception {
    Path whole = Files.createDirectory(dir.resolve("whole"));
    Path parts = Files.createDirectory(dir.resolve("parts"));
    try (Model uninterrupted = model.get()) {
      uninterrupted.fit(train, Fixture.options(test, 4).callbacks(extra.get()).callbacks(checkpoints(whole)));
      try (Model first = model.get()) {
        first.fit(train, Fixture.options(test, 2).callbacks(extra.get()).callbacks(checkpoints(parts)));
      }
      try (LoadedModel saved = Resume.latest(parts.resolve("last.cnn4j"))) {
        History h = saved.model().fit(train, Fixture.options(test, 4).callbacks(extra.get())
            .callbacks(checkpoints(parts)).resumeFrom(saved.state()));
        Fixture.assertSameWeights(uninterrupted, saved.model());
        return h;
      }
    }
  }

  private static Callback[] checkpoints(Path dir) {
    return new Callback[] {new CSVLogger(dir.resolve("log.csv"), true), new ModelCheckpoint(dir.resolve("last.cnn4j"))};
  }
}
