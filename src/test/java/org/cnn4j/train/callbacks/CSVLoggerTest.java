package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Driven with made-up logs; a fit's TrainingRun only tells the logger the epoch it starts at. */
class CSVLoggerTest {
  @TempDir Path dir;

  private static Map<String, Double> logs(int epoch) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", 1.0 / (epoch + 1));
    m.put("accuracy", 0.25 * epoch);
    m.put("val_loss", 2.0 / (epoch + 1));
    return m;
  }

  /** One fit: epochs from {@code from} (inclusive) to {@code to} (exclusive). */
  private static void fit(CSVLogger csv, int from, int to) {
    csv.setRun(new TrainingRun(null, from, to, List.of(csv)));
    csv.onTrainBegin();
    for (int e = from; e < to; e++) csv.onEpochEnd(e, logs(e));
    csv.onTrainEnd(logs(to - 1));
  }

  @Test
  void writesAHeaderThenOneRowPerEpochInNameOrder() throws Exception {
    Path f = dir.resolve("log.csv");
    fit(new CSVLogger(f), 0, 2);
    assertEquals(List.of("epoch,accuracy,loss,val_loss", "0,0.0,1.0,2.0", "1,0.25,0.5,1.0"), Files.readAllLines(f));
  }

  @Test
  void resumeAppendsWithoutASecondHeader() throws Exception {
    Path f = dir.resolve("log.csv");
    fit(new CSVLogger(f, true), 0, 2);
    fit(new CSVLogger(f, true), 2, 4);
    assertEquals(List.of("epoch,accuracy,loss,val_loss", "0,0.0,1.0,2.0", "1,0.25,0.5,1.0", "2,0.5,0.3333333333333333,"
        + "0.6666666666666666", "3,0.75,0.25,0.5"), Files.readAllLines(f));
  }

  @Test
  void resumeDropsTheRowsOfEpochsItTrainsAgain() throws Exception {
    Path f = dir.resolve("log.csv");
    // Killed after the row of epoch 2 (index) but before its checkpoint: the resume starts at epoch 2 again.
    fit(new CSVLogger(f, true), 0, 3);
    Files.writeString(f, "3,0.7", java.nio.file.StandardOpenOption.APPEND); // and half a row of the next
    fit(new CSVLogger(f, true), 2, 4);
    List<String> lines = Files.readAllLines(f);
    assertEquals(5, lines.size(), lines.toString());
    for (int e = 0; e < 4; e++) assertEquals(String.valueOf(e), lines.get(e + 1).split(",")[0]);
  }

  @Test
  void keepsTheFilesColumnsWhenTheLogsDiffer() throws Exception {
    Path f = dir.resolve("log.csv");
    fit(new CSVLogger(f, true), 0, 1);
    CSVLogger csv = new CSVLogger(f, true);
    csv.setRun(new TrainingRun(null, 1, 2, List.of(csv)));
    csv.onTrainBegin();
    Map<String, Double> more = logs(1);
    more.put("learning_rate", 1e-3);
    more.remove("accuracy");
    csv.onEpochEnd(1, more);
    assertEquals(List.of("epoch,accuracy,loss,val_loss", "0,0.0,1.0,2.0", "1,,0.5,1.0"), Files.readAllLines(f));
  }

  @Test
  void withoutAppendReplacesTheFile() throws Exception {
    Path f = dir.resolve("log.csv");
    fit(new CSVLogger(f), 0, 3);
    fit(new CSVLogger(f), 0, 1);
    assertEquals(2, Files.readAllLines(f).size());
  }

  @Test
  void refusesToAppendToAFileItDidNotWrite() throws Exception {
    Path f = dir.resolve("log.csv");
    Files.writeString(f, "name,value\na,1\n");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> fit(new CSVLogger(f, true), 0, 1));
    assertEquals(f + " exists but does not start with an \"epoch\" column, so CSVLogger did not write it; log to "
        + "another file, or pass append=false to replace it", e.getMessage());
    assertEquals("name,value\na,1\n", Files.readString(f), "untouched");
  }
}
