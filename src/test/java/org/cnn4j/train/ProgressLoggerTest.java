package org.cnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.junit.jupiter.api.Test;

/** Issue 15, item 4: the terminal progress bar. */
class ProgressLoggerTest {
  /** The text left on a terminal's screen: a carriage return moves back to the line's start, and overwrites. */
  private static List<String> screen(String printed) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int col = 0;
    for (char ch : printed.toCharArray()) {
      if (ch == '\r') {
        col = 0;
      } else if (ch == '\n') {
        lines.add(line.toString().stripTrailing());
        line.setLength(0);
        col = 0;
      } else {
        if (col < line.length()) line.setCharAt(col, ch);
        else line.append(ch);
        col++;
      }
    }
    if (line.length() > 0) lines.add(line.toString().stripTrailing());
    return lines;
  }

  @Test
  void theEpochLineCoversALongerBarLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressLogger p = new ProgressLogger(true, 1, 2, out);
    p.onEpochBegin(0);
    Map<String, Double> batch = new LinkedHashMap<>();
    batch.put("loss", 1.0);
    batch.put("sparse_categorical_accuracy", 0.496981);
    p.onTrainBatchEnd(1, batch);
    Map<String, Double> epoch = new LinkedHashMap<>();
    epoch.put("loss", 1.0);
    epoch.put("accuracy", 0.5);
    epoch.put("seconds", 0.1);
    p.onEpochEnd(0, epoch);
    List<String> lines = screen(bytes.toString(StandardCharsets.UTF_8));
    assertEquals(List.of("Epoch 1/1", "2/2 - 0.1s - loss: 1.0000 - accuracy: 0.5000"), lines);
  }

  /** The bar's metrics come in one order, loss first, as the epoch line's (a Map.of had none). */
  @Test
  void batchLogsAreOrdered() {
    Dataset[] data = SyntheticShapes.trainTest(40, 10, 3);
    List<List<String>> seen = new ArrayList<>();
    try (Dataset train = data[0]; Dataset test = data[1]; Sequential model = Models.reference(32, 32, 3, 10)) {
      model.compile("adam", "sparse_categorical_crossentropy", "sparse_categorical_accuracy");
      model.fit(train, new FitOptions().batchSize(10).epochs(1).callbacks(new Callback() {
        @Override
        public void onTrainBatchEnd(int b, Map<String, Double> logs) {
          seen.add(new ArrayList<>(logs.keySet()));
        }
      }));
    }
    assertEquals(4, seen.size());
    for (List<String> keys : seen) assertEquals(List.of("loss", "sparse_categorical_accuracy"), keys);
  }
}
