package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnn4j.cli.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** What train and evaluate leave in --out: after a failure, a second run, and Ctrl-C. */
class RunFolderTest {
  /** Issue 15, item 14: a run that fails leaves no folder; a second run keeps the first's outputs. */
  @Test
  void earlierRunsAreKeptAndFailedRunsLeaveNothing(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("runs").resolve("train");
    Run failed = Cli.run("train", "--data", "folder:" + dir.resolve("none"), "--out", out.toString());
    assertEquals(1, failed.code());
    assertFalse(Files.exists(out), "no empty folder left");
    assertFalse(Files.exists(dir.resolve("runs")), "nor its parent");

    Run first = Cli.run("train", "--data", "shapes:40,10", "--epochs", "1", "--verbose", "0", "--out", out.toString());
    assertEquals(0, first.code(), first.err());
    String history = Files.readString(out.resolve("history.csv"));
    assertFalse(Files.exists(out.resolve(TrainCommand.BACKUP)), "the backup goes once the run is written");
    Run second = Cli.run("train", "--data", "shapes:40,10", "--epochs", "2", "--verbose", "0", "--out", out.toString());
    assertEquals(0, second.code(), second.err());
    Path second2 = dir.resolve("runs").resolve("train-2");
    assertTrue(second.err().contains("--out " + out + " holds an earlier run's outputs, which are kept; this run "
        + "writes to " + second2), second.err());
    assertEquals(history, Files.readString(out.resolve("history.csv")));
    assertEquals(3, Files.readAllLines(second2.resolve("history.csv")).size());

    String matrix = Files.readString(out.resolve("confusion-matrix.csv"));
    Run eval = Cli.run("evaluate", "--model", out.toString(), "--data", "shapes:10,7", "--out", out.toString());
    assertEquals(0, eval.code(), eval.err());
    assertEquals(matrix, Files.readString(out.resolve("confusion-matrix.csv")), "the training run's matrix is kept");
    // train-2 holds the second training run's matrix: the evaluation goes to train-3, the next one to train-4.
    assertTrue(eval.out().contains("wrote " + dir.resolve("runs").resolve("train-3")), eval.out());
    Run evalAgain = Cli.run("evaluate", "--model", out.toString(), "--data", "shapes:10,7", "--out", out.toString());
    assertTrue(evalAgain.out().contains("wrote " + dir.resolve("runs").resolve("train-4")), evalAgain.out());
  }

  /**
   * Item 13: Ctrl-C stops cleanly, says where the last finished epoch is saved (without --resume
   * too), and that command goes on from it.
   */
  @Test
  void ctrlCSaysWhereTheLastEpochIsAndResumes(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path backup = out.resolve(TrainCommand.BACKUP).resolve("checkpoint.cnn4j");
    // A signal that came after the command's own handler is gone must not end the test JVM.
    SignalHandler previous = Signal.handle(new Signal("INT"), s -> { });
    AtomicReference<Throwable> raiserFailed = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
    Thread raiser = new Thread(() -> {
      try {
        while (!Files.exists(backup) && !returned.get()) Thread.sleep(5);
        if (!returned.get()) Signal.raise(new Signal("INT")); // Ctrl-C once the first epoch is saved
      } catch (Throwable t) {
        raiserFailed.set(t);
      }
    });
    Run interrupted;
    try {
      raiser.start();
      interrupted = Cli.run("train", "--data", "shapes:40,10", "--epochs", "300", "--batch", "10",
          "--verbose", "2", "--out", out.toString());
      returned.set(true);
      raiser.join();
    } finally {
      Signal.handle(new Signal("INT"), previous);
    }
    assertEquals(null, raiserFailed.get());
    assertEquals(130, interrupted.code(), interrupted.err());
    Matcher m = Pattern.compile("interrupted \\(SIGINT\\); the last finished epoch, (\\d+), is saved in " + Pattern.quote(
        backup.toString()) + "; to go on from there, run the same command with --resume "
        + Pattern.quote(backup.getParent().toString())).matcher(interrupted.err());
    assertTrue(m.find(), interrupted.err());
    int saved = Integer.parseInt(m.group(1));
    assertFalse(Files.exists(out.resolve("history.csv")), "no outputs of an unfinished run");

    Run resumed = Cli.run("train", "--data", "shapes:40,10", "--epochs", Integer.toString(saved + 1), "--batch",
        "10", "--verbose", "2", "--out", out.toString(), "--resume", backup.getParent().toString());
    assertEquals(0, resumed.code(), resumed.err());
    List<String> history = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(saved + 2, history.size(), "every epoch of the run: " + history);
    assertFalse(Files.exists(backup.getParent()), "the backup goes once the run is written");
  }
}
