package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cnn4j.Threads;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.io.ModelFile;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.Resume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ResumeChild} in child JVMs, kills them with SIGKILL
 * ({@link Process#destroyForcibly}), and checks that nothing is lost: mid-epoch,
 * the resumed run ends with exactly the weights of an uninterrupted one; mid-save,
 * the previous checkpoint is intact.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KillResumeTest {
  private static final int EPOCHS = 5;
  private static final String LOST = "<end of output>";

  @TempDir Path dir;

  /** A child JVM on this test's classpath and thread count; its output lines arrive in {@code lines}. */
  private record Child(Process process, BlockingQueue<String> lines, Path err) {
    static Child start(Path dir, String name, String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xss4m", "-cp", System.getProperty("java.class.path"), ResumeChild.class.getName()));
      command.addAll(List.of(args));
      Path err = dir.resolve(name + ".err");
      ProcessBuilder b = new ProcessBuilder(command).redirectError(err.toFile());
      // The same thread count as the uninterrupted run in this JVM: oneDNN sums per thread.
      b.environment().put("OMP_NUM_THREADS", String.valueOf(Threads.get()));
      Process p = b.start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) lines.add(l);
        } catch (IOException e) {
          // The child died: the end marker below says so.
        }
        lines.add(LOST);
      }, name + "-output");
      reader.setDaemon(true);
      reader.start();
      return new Child(p, lines, err);
    }

    /** Waits for a line starting with {@code prefix}; returns it. */
    String await(String prefix) throws Exception {
      for (String l; (l = lines.poll(60, TimeUnit.SECONDS)) != null; ) {
        if (l.startsWith(prefix)) return l;
        if (l.equals(LOST)) break;
      }
      fail("the child never printed \"" + prefix + "\"; its errors:\n" + Files.readString(err));
      return null;
    }

    int kill() throws InterruptedException {
      process.destroyForcibly();
      return process.waitFor();
    }

    void finish() throws Exception {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
      assertEquals(0, process.exitValue(), Files.readString(err));
    }
  }

  @Test
  void killedMidEpochThenResumedEndsWithTheWeightsOfAnUninterruptedRun() throws Exception {
    Path run = Files.createDirectory(dir.resolve("run"));
    Child first = Child.start(dir, "first", "train", run.toString(), String.valueOf(EPOCHS), "20");
    // Epochs 1 and 2 are checkpointed before epoch 3 (index 2) begins; kill it halfway through.
    first.await("batch 2 6");
    assertNotEquals(0, first.kill());
    int savedEpoch;
    try (LoadedModel saved = ModelFile.load(run.resolve("last.cnn4j"))) {
      savedEpoch = saved.state().epoch();
    }
    assertTrue(savedEpoch >= 2 && savedEpoch < EPOCHS, "killed after epoch " + savedEpoch);

    Child second = Child.start(dir, "second", "train", run.toString(), String.valueOf(EPOCHS), "0");
    String firstBatch = second.await("batch");
    assertEquals("batch " + savedEpoch + " 0", firstBatch, "resumed at the first epoch not checkpointed");
    second.await("done");
    second.finish();

    Dataset[] d = Fixture.data();
    Path whole = Files.createDirectory(dir.resolve("whole"));
    try (Dataset train = d[0]; Dataset test = d[1]; Model uninterrupted = Fixture.model();
        LoadedModel resumed = ModelFile.load(run.resolve("last.cnn4j"))) {
      uninterrupted.fit(train, Fixture.options(test, EPOCHS).callbacks(Fixture.callbacks(whole)));
      assertEquals(EPOCHS, resumed.state().epoch());
      Fixture.assertSameWeights(uninterrupted, resumed.model());
    }
    List<String> csv = Files.readAllLines(run.resolve("log.csv"));
    assertEquals(EPOCHS + 1, csv.size(), "one header and one row per epoch: " + csv);
    assertEquals(Files.readAllLines(whole.resolve("log.csv")).get(0), csv.get(0));
    for (int e = 0; e < EPOCHS; e++) assertTrue(csv.get(e + 1).startsWith(e + ","), csv.toString());
  }

  @Test
  void killedDuringASaveLeavesTheLastWholeCheckpoint() throws Exception {
    Path file = dir.resolve("last.cnn4j");
    SplittableRandom random = new SplittableRandom();
    int midWrite = 0;
    for (int round = 0; round < 3; round++) {
      Child child = Child.start(dir, "saver" + round, "save", file.toString());
      child.await("saved 3"); // past the slow first saves of a cold JVM
      // A save gathers the weights for ~10 ms, then writes a temporary file for ~30 ms and
      // renames it: kill at a random moment shortly after the temporary file appears.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (temporaryFiles() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
      long delay = random.nextLong(10);
      Thread.sleep(delay);
      child.kill();
      int done = 0;
      for (String l; (l = child.lines.poll()) != null; ) {
        if (l.startsWith("saved")) done = Integer.parseInt(l.split(" ")[1]);
      }
      if (temporaryFiles() > 0) midWrite++;
      try (LoadedModel m = Resume.latest(dir)) {
        assertTrue(m.state().epoch() >= done, "round " + round + ": the file holds save " + m.state().epoch()
            + " but save " + done + " had finished");
        assertEquals(1, m.model().counter().get());
      }
    }
    // A leftover temporary file shows that the kill landed between its creation and the rename.
    assertTrue(midWrite > 0, "no kill landed inside a write; the test proved less than it should");
  }

  private long temporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".last.cnn4j.")).count();
    }
  }
}
