package org.cnn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.io.ModelFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training under {@code mpirun -np 2} (skipped only where Open MPI
 * is not installed; .ci/run installs it). Every process runs one OpenMP thread.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DistributedTest {
  /**
   * How far 2 processes x batch B may end from 1 process x batch 2B. Both compute
   * the same sums in another order (each rank sums its half of the batch, then
   * the halves are added), so they differ by float rounding only. Measured on the
   * development machine: after 1 step, 1.1e-6 on one Dense weight and at most
   * 4e-8 elsewhere (Adam's first update is lr * g / (|g| + eps), which turns the
   * rounding of a gradient near eps into up to 1e-3 of a step); after 21 steps
   * 1.5e-7, the same size as the difference between 1 and 2 OpenMP threads of one
   * process (7.5e-8 after 20 steps). An actual error is far larger: keying dropout
   * by the local instead of the global sample moved weights by 2e-3 after one
   * step, about one Adam step (lr 1e-3), as would a sample given to the wrong rank
   * or a wrong gradient scale. 1e-5 separates the two by two orders of magnitude.
   */
  private static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  @BeforeEach
  void needsMpi() {
    Launcher.assumeMpi();
  }

  /**
   * Asserts: after 1 step, and after 21 steps whose last global batch holds one
   * image (so rank 0's slice is empty and rank 1's gradient counts alone), the
   * weights of 2 processes x batch 8 are within {@link #TOLERANCE} of 1 process x
   * batch 16 from the same initial weights, data, shuffling, augmentation and
   * dropout; and both ranks hold bitwise the same weights.
   */
  @Test
  void twoProcessesOfBatch8TrainLikeOneProcessOfBatch16() throws Exception {
    for (int samples : new int[] {16, 20 * 16 + 1}) {
      Path two = Files.createDirectory(dir.resolve("two-" + samples));
      Path one = Files.createDirectory(dir.resolve("one-" + samples));
      Launcher.start(dir, "two-" + samples, 2, "fit", two.toString(), String.valueOf(samples), "8").finish();
      Launcher.start(dir, "one-" + samples, 0, "fit", one.toString(), String.valueOf(samples), "16").finish();
      float[] rank0 = floats(two.resolve("weights-0.bin"));
      float[] rank1 = floats(two.resolve("weights-1.bin"));
      float[] single = floats(one.resolve("weights-0.bin"));
      assertArrayEquals(rank0, rank1, "the ranks' weights differ after " + samples + " samples");
      double worst = 0;
      for (int i = 0; i < single.length; i++) worst = Math.max(worst, Math.abs(rank0[i] - single[i]));
      assertTrue(worst <= TOLERANCE, samples + " samples: 2 x 8 differs from 1 x 16 by " + worst);
    }
  }

  /**
   * Asserts: ranks whose Dense layer reads Flatten's output in different forms (2-D
   * view, 4-D tensor: the same arena bytes in another order) are refused before the
   * first step, with a message saying why, instead of training on mixed-up gradients.
   */
  @Test
  void ranksWithDifferentDenseInputFormsAreRefused() throws Exception {
    Launcher.Job job = Launcher.start(dir, "mixed", 2, "mixed");
    assertTrue(job.process().waitFor(120, TimeUnit.SECONDS), "the job did not end");
    assertNotEquals(0, job.process().exitValue());
    assertTrue(job.errors().contains("lays out the model's parameters differently"), job.errors());
  }

  /**
   * Asserts: SIGKILL of rank 1 at step 5 (epoch 2) ends the job with a non-zero
   * status within 10 s; the checkpoint of epoch 1 loads; the same command run
   * again resumes from it and ends with bitwise the weights, step count and
   * learning rate (changed by ReduceLROnPlateau on rank 0) of an uninterrupted run.
   */
  @Test
  void killedRankEndsTheJobAndTheResumedRunEndsAsAnUninterruptedOne() throws Exception {
    Path run = Files.createDirectory(dir.resolve("run"));
    Launcher.Job first = Launcher.start(dir, "first", 2, "train", run.toString(), "4", "300", "60000");
    long victim = first.pid(1);
    first.await("step 5");
    ProcessHandle.of(victim).orElseThrow().destroyForcibly();
    long killed = System.nanoTime();
    assertTrue(first.process().waitFor(10, TimeUnit.SECONDS), "the job outlived its killed rank by 10 s");
    double seconds = (System.nanoTime() - killed) / 1e9;
    assertNotEquals(0, first.process().exitValue(), "the job with a killed rank exited 0");
    try (LoadedModel saved = ModelFile.load(run.resolve("last.cnn4j"))) {
      assertEquals(1, saved.state().epoch(), "the last checkpoint is that of epoch 1");
    }

    Launcher.Job second = Launcher.start(dir, "second", 2, "train", run.toString(), "4", "0", "60000");
    assertEquals("step 4", second.await("step"), "resumed at the first step of epoch 2");
    second.await("done");
    second.finish();

    Path whole = Files.createDirectory(dir.resolve("whole"));
    Launcher.start(dir, "whole", 2, "train", whole.toString(), "4", "0", "60000").finish();
    try (LoadedModel resumed = ModelFile.load(run.resolve("last.cnn4j"));
        LoadedModel uninterrupted = ModelFile.load(whole.resolve("last.cnn4j"))) {
      assertEquals(4, resumed.state().epoch());
      List<float[]> a = uninterrupted.model().getWeights();
      List<float[]> b = resumed.model().getWeights();
      for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "weight tensor " + i + " differs");
      assertEquals(uninterrupted.model().counter().get(), resumed.model().counter().get(), "steps");
      assertEquals(uninterrupted.model().optimizer().learningRate(), resumed.model().optimizer().learningRate());
    }
    assertEquals(Files.readAllLines(whole.resolve("log.csv")).size(), Files.readAllLines(run.resolve("log.csv"))
        .size(), "one log line per epoch");
    assertTrue(seconds < 10, "took " + seconds + " s");
  }

  /**
   * Asserts: SIGSTOP of rank 1 at step 5 leaves rank 0 waiting in the gradient
   * sum until its watchdog (bound 6 s here: 2 s fired early on a loaded 2-core machine) aborts the job: non-zero exit within
   * 30 s, the watchdog's message in the log, and the stopped process gone.
   */
  @Test
  void stoppedRankIsAbortedByTheWatchdog() throws Exception {
    Path run = Files.createDirectory(dir.resolve("run"));
    Launcher.Job job = Launcher.start(dir, "job", 2, "train", run.toString(), "4", "300", "6000");
    long victim = job.pid(1);
    job.await("step 5");
    ProcessHandle stopped = ProcessHandle.of(victim).orElseThrow();
    try {
      assertEquals(0, new ProcessBuilder("kill", "-STOP", String.valueOf(victim)).start().waitFor());
      assertTrue(job.process().waitFor(30, TimeUnit.SECONDS), "the watchdog did not end the job");
      assertNotEquals(0, job.process().exitValue());
      assertTrue(job.errors().contains("waited more than 6.0 s"), job.errors());
      stopped.onExit().get(10, TimeUnit.SECONDS); // mpirun killed the stopped rank too (else: TimeoutException)
    } finally {
      stopped.destroyForcibly(); // never leave a stopped process behind
    }
  }

  /**
   * Asserts: {@code cnn4j train --distributed} under mpirun -np 2 succeeds, prints
   * one progress line per epoch (rank 0 only) and writes the model and history to --out.
   */
  @Test
  void commandTrainsDistributedAndOnlyRankZeroReports() throws Exception {
    Path out = dir.resolve("out");
    Launcher.Job job = Launcher.start(dir, "cli", 2, "cli", "train", "--data", "shapes:64,16", "--epochs", "2",
        "--batch", "8", "--distributed", "--watchdog", "60", "--verbose", "2", "--out", out.toString());
    job.finish();
    List<String> lines = job.rest();
    assertEquals(2, lines.stream().filter(l -> l.startsWith("Epoch ")).count(), String.join("\n", lines));
    assertEquals(1, lines.stream().filter(l -> l.startsWith("wrote ")).count(), String.join("\n", lines));
    assertTrue(Files.exists(out.resolve("model.cnn4j")));
    assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size(), "a header and two epochs");
  }

  /**
   * Asserts: with BatchNormalization, each rank normalises its own slice (as
   * replicas do under Keras's MirroredStrategy) and the moving statistics are
   * averaged over the ranks after the epoch: both ranks end bitwise equal,
   * moving statistics included, and after one step the moving mean (0.01 of
   * the mean of the slices' means) is that of 1 process x batch 16.
   */
  @Test
  void batchNormalizationStatisticsAreTheMeanOfTheRanks() throws Exception {
    Path two = Files.createDirectory(dir.resolve("bn-two"));
    Path one = Files.createDirectory(dir.resolve("bn-one"));
    Launcher.start(dir, "bn-two", 2, "fitbn", two.toString(), "16", "8").finish();
    Launcher.start(dir, "bn-one", 0, "fitbn", one.toString(), "16", "16").finish();
    assertArrayEquals(floats(two.resolve("weights-0.bin")), floats(two.resolve("weights-1.bin")),
        "the ranks' weights or statistics differ");
    float[] mean2 = floats(two.resolve("mean-0.bin"));
    float[] mean1 = floats(one.resolve("mean-0.bin"));
    double worst = 0;
    double size = 0;
    for (int i = 0; i < mean1.length; i++) {
      worst = Math.max(worst, Math.abs(mean2[i] - mean1[i]));
      size = Math.max(size, Math.abs(mean1[i]));
    }
    assertTrue(size > 1e-4, "the moving mean did not move: " + size);
    assertTrue(worst <= TOLERANCE, "moving mean of 2 x 8 differs from 1 x 16 by " + worst);
  }

  /**
   * Asserts: a run of 2 processes x batch 8 checkpointed after epoch 1 and resumed
   * by one process of batch 16 (the same global batch) ends within
   * {@link #TOLERANCE} of the uninterrupted 2 x 8 run (2 x 12 steps, all of the
   * data order, augmentation and dropout keyed by the global sample); a
   * --deterministic resume with another process count is refused, naming it.
   */
  @Test
  void resumesWithAnotherProcessCountWhenTheGlobalBatchStays() throws Exception {
    Path ck = dir.resolve("ck");
    String[] data = {"--data", "shapes:96,16", "--watchdog", "60", "--verbose", "0"};
    Launcher.start(dir, "first", 2, cli(data, "--distributed", "--batch", "8", "--epochs", "1", "--resume",
        ck.toString(), "--out", dir.resolve("a").toString())).finish();
    Launcher.start(dir, "resumed", 0, cli(data, "--batch", "16", "--epochs", "2", "--resume", ck.toString(), "--out",
        dir.resolve("b").toString())).finish();
    Launcher.start(dir, "whole", 2, cli(data, "--distributed", "--batch", "8", "--epochs", "2", "--out",
        dir.resolve("c").toString())).finish();
    try (LoadedModel resumed = ModelFile.load(dir.resolve("b").resolve("model.cnn4j"));
        LoadedModel whole = ModelFile.load(dir.resolve("c").resolve("model.cnn4j"))) {
      assertEquals(whole.model().counter().get(), resumed.model().counter().get(), "steps");
      List<float[]> a = whole.model().getWeights();
      List<float[]> b = resumed.model().getWeights();
      double worst = 0;
      for (int t = 0; t < a.size(); t++)
        for (int i = 0; i < a.get(t).length; i++) worst = Math.max(worst, Math.abs(a.get(t)[i] - b.get(t)[i]));
      assertTrue(worst <= TOLERANCE, "resumed on 1 x 16 differs from 2 x 8 by " + worst);
    }
    Path det = dir.resolve("det");
    Launcher.start(dir, "det1", 2, cli(data, "--distributed", "--batch", "8", "--epochs", "1", "--deterministic",
        "--resume", det.toString(), "--out", dir.resolve("d").toString())).finish();
    Launcher.Job refused = Launcher.start(dir, "det2", 0, cli(data, "--batch", "16", "--epochs", "2",
        "--deterministic", "--resume", det.toString(), "--out", dir.resolve("e").toString()));
    assertTrue(refused.process().waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assertNotEquals(0, refused.process().exitValue());
    assertTrue(refused.errors().contains("process"), refused.errors());
  }

  private static String[] cli(String[] common, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("cli", "train"));
    all.addAll(List.of(common));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  private static float[] floats(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }
}
