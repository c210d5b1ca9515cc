package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.cnn4j.Threads;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.io.ModelFile;
import org.cnn4j.model.History;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.Callback;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume in one process, and the deterministic switch. */
class ResumeTest {
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

  @Test
  void twoEpochsThenResumedToFourEqualFourUninterrupted() throws Exception {
    Path whole = Files.createDirectory(dir.resolve("whole"));
    Path parts = Files.createDirectory(dir.resolve("parts"));
    try (Model uninterrupted = Fixture.model()) {
      uninterrupted.fit(train, Fixture.options(test, 4).callbacks(Fixture.callbacks(whole)));

      try (Model first = Fixture.model()) {
        first.fit(train, Fixture.options(test, 2).callbacks(Fixture.callbacks(parts)));
      }
      try (LoadedModel saved = Resume.latest(parts.resolve("last.cnn4j"))) {
        assertEquals(2, saved.state().epoch());
        // Fresh callbacks, as a new process would have: their counters come from the checkpoint.
        History h = saved.model().fit(train,
            Fixture.options(test, 4).callbacks(Fixture.callbacks(parts)).resumeFrom(saved.state()));
        assertEquals(2, h.epochs(), "epochs 3 and 4 only");
        Fixture.assertSameWeights(uninterrupted, saved.model());
      }
      assertTrue(uninterrupted.optimizer().learningRate() < 1e-3f / 2, "the plateau callback acted after the resume");
      assertEquals(Files.readAllLines(whole.resolve("log.csv")).get(0),
          Files.readAllLines(parts.resolve("log.csv")).get(0));
      assertEquals(5, Files.readAllLines(parts.resolve("log.csv")).size(), "one header, four rows");
      try (LoadedModel last = ModelFile.load(parts.resolve("last.cnn4j"))) {
        assertEquals(4, last.state().epoch());
        Fixture.assertSameWeights(uninterrupted, last.model());
      }
    }
  }

  @Test
  void seededDeterministicRunsAreBitwiseIdentical() {
    try (Model a = Fixture.model(); Model b = Fixture.model()) {
      a.fit(train, Fixture.options(test, 2));
      b.fit(train, Fixture.options(test, 2));
      Fixture.assertSameWeights(a, b);
      float[][] pa = a.predict(test, 7);
      float[][] pb = b.predict(test, 7);
      for (int i = 0; i < pa.length; i++) assertArrayEquals(pa[i], pb[i]);
    }
  }

  @Test
  void deterministicFitRefusesAThreadCountChange() {
    int threads = Threads.get();
    Callback change = new Callback() {
      @Override
      public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        if (batch == 2) Threads.set(threads == 1 ? 2 : 1);
      }
    };
    try (Model m = Fixture.model()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> m.fit(train, Fixture.options(test, 1).callbacks(change)));
      assertTrue(e.getMessage().contains("thread count changed from " + threads), e.getMessage());
    } finally {
      Threads.set(threads);
    }
  }

  @Test
  void deterministicResumeRefusesAnotherThreadCountOrSeed() {
    int threads = Threads.get();
    Path last = dir.resolve("last.cnn4j");
    try (Model m = Fixture.model()) {
      m.fit(train, Fixture.options(test, 1).callbacks(new ModelCheckpoint(last)));
    }
    try (LoadedModel saved = Resume.latest(last)) {
      Threads.set(threads == 1 ? 2 : 1);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> saved.model().fit(train, Fixture.options(test, 2).resumeFrom(saved.state())));
      assertTrue(e.getMessage().contains("thread count " + threads), e.getMessage());
      Threads.set(threads);
      e = assertThrows(IllegalStateException.class,
          () -> saved.model().fit(train, Fixture.options(test, 2).seed(99).resumeFrom(saved.state())));
      assertTrue(e.getMessage().contains("FitOptions.seed(3)"), e.getMessage());
      // Not deterministic: the same resume is allowed.
      saved.model().fit(train, Fixture.options(test, 2).deterministic(false).seed(99).resumeFrom(saved.state()));
    } finally {
      Threads.set(threads);
    }
  }

  @Test
  void resumingAFinishedRunTrainsNothing() {
    Path last = dir.resolve("last.cnn4j");
    try (Model m = Fixture.model()) {
      m.fit(train, Fixture.options(test, 2).callbacks(new ModelCheckpoint(last)));
    }
    try (LoadedModel saved = Resume.latest(last)) {
      List<float[]> before = saved.model().getWeights();
      History h = saved.model().fit(train, Fixture.options(test, 2).resumeFrom(saved.state()));
      assertEquals(0, h.epochs());
      List<float[]> after = saved.model().getWeights();
      for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), after.get(i));
    }
  }

  @Test
  void latestIsNullBeforeTheFirstCheckpointThenTheNewestFileInADirectory() throws Exception {
    assertNull(Resume.latest(dir.resolve("last.cnn4j")));
    assertNull(Resume.latest(dir));
    try (Model m = Fixture.model()) {
      m.fit(train, Fixture.options(test, 1).callbacks(new ModelCheckpoint(dir.resolve("old.cnn4j"))));
      m.fit(train, Fixture.options(test, 2).initialEpoch(1).callbacks(new ModelCheckpoint(dir.resolve("new.cnn4j"))));
    }
    Files.writeString(dir.resolve(".new.cnn4j.123.tmp"), "half a save");
    Files.setLastModifiedTime(dir.resolve("old.cnn4j"), FileTime.fromMillis(0));
    try (LoadedModel m = Resume.latest(dir)) {
      assertEquals(2, m.state().epoch());
    }
    Files.setLastModifiedTime(dir.resolve("old.cnn4j"), FileTime.fromMillis(System.currentTimeMillis()));
    Files.setLastModifiedTime(dir.resolve("new.cnn4j"), FileTime.fromMillis(1000));
    try (LoadedModel m = Resume.latest(dir)) {
      assertEquals(1, m.state().epoch());
    }
  }
}
