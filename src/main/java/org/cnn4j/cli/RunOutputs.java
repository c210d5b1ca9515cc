package org.cnn4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.model.History;
import org.cnn4j.model.Model;
import org.cnn4j.plot.ConfusionMatrix;
import org.cnn4j.plot.ConfusionMatrixChart;
import org.cnn4j.plot.TrainingCurves;
import org.cnn4j.train.TimeToAccuracy;

/** What the commands write into {@code --out}: the seed's plots, tables and reports. */
final class RunOutputs {
  private RunOutputs() {}

  /** Creates the output folder {@code dir} given by {@code option}, or says why it cannot be one. */
  static void directory(Path dir, String option) {
    if (dir.toString().isEmpty()) throw new IllegalArgumentException(option + " is empty; give a directory");
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(option + " " + dir + ": not a directory (a file of that name exists)");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + dir + ": cannot create the directory (" + e + ")", e);
    }
    if (!Files.isWritable(dir)) {
      throw new IllegalArgumentException(option + " " + dir + ": the directory is not writable");
    }
  }

  /** What cnn4j train writes: a folder holding any of them holds an earlier run. */
  static final List<String> TRAIN_FILES = List.of("history.csv", "model.cnn4j", "confusion-matrix.csv", "report.txt");
  /** What cnn4j evaluate writes. */
  static final List<String> EVALUATE_FILES = List.of("confusion-matrix.csv", "confusion-matrix.png", "report.txt");

  /**
   * The folder a run writes to, not created yet (so that a run that fails leaves nothing): {@code dir}
   * itself, or, when it holds the outputs of an earlier run, the first of DIR-2, DIR-3, ... that
   * does not, so that nothing written before is overwritten; the run says so.
   */
  static Path versioned(Path dir, String option, List<String> outputs) {
    if (dir.toString().isEmpty()) throw new IllegalArgumentException(option + " is empty; give a directory");
    Path chosen = dir;
    for (int n = 2; holdsAny(chosen, outputs); n++) {
      chosen = dir.resolveSibling(dir.getFileName() + "-" + n);
    }
    if (Files.exists(chosen) && !Files.isDirectory(chosen)) {
      throw new IllegalArgumentException(option + " " + chosen + ": not a directory (a file of that name exists)");
    }
    Path existing = chosen.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
      throw new IllegalArgumentException(option + " " + chosen + ": cannot create the directory ("
          + (existing == null ? "no existing parent" : existing + " is not a writable directory") + ")");
    }
    if (!chosen.equals(dir)) {
      Warnings.warn(option + " " + dir + " holds an earlier run's outputs, which are kept; this run writes to "
          + chosen);
    }
    return chosen;
  }

  private static boolean holdsAny(Path dir, List<String> outputs) {
    if (!Files.isDirectory(dir)) return false;
    for (String f : outputs) if (Files.exists(dir.resolve(f))) return true;
    return false;
  }


  /**
   * history.csv, history.json (with "time_to_accuracy"), accuracy.png, loss.png,
   * learning-rate.png and time-to-accuracy.csv.
   */
  static void history(History h, Path out) throws IOException {
    Files.createDirectories(out);
    List<String> metrics = h.metrics();
    StringBuilder csv = new StringBuilder("epoch," + String.join(",", metrics) + "\n");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int e = 0; e < h.epochs(); e++) {
      csv.append(e + 1);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("epoch", e + 1);
      for (String m : metrics) {
        double v = h.epoch(e).getOrDefault(m, Double.NaN);
        csv.append(',').append(String.format(Locale.ROOT, "%.6f", v));
        row.put(m, v);
      }
      csv.append('\n');
      rows.add(row);
    }
    write(out.resolve("history.csv"), csv.toString());
    List<Map<String, Object>> reached = new ArrayList<>();
    StringBuilder tta = new StringBuilder("threshold,epoch,seconds," + h.accuracyMetric() + "\n");
    for (TimeToAccuracy.Milestone m : h.timeToAccuracy()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("threshold", m.threshold());
      row.put("epoch", m.epoch());
      row.put("seconds", m.seconds());
      row.put(h.accuracyMetric(), m.accuracy());
      reached.add(row);
      tta.append(String.format(Locale.ROOT, "%.2f,%d,%.3f,%.6f%n", m.threshold(), m.epoch(), m.seconds(),
          m.accuracy()));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("epochs", rows);
    json.put("time_to_accuracy", Map.of("metric", h.accuracyMetric(), "reached", reached));
    write(out.resolve("history.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(json));
    write(out.resolve("time-to-accuracy.csv"), tta.toString());
    if (h.epochs() > 0) {
      TrainingCurves.writeAccuracy(h, out.resolve("accuracy.png"));
      TrainingCurves.writeLoss(h, out.resolve("loss.png"));
      if (metrics.contains("learning_rate")) TrainingCurves.writeLearningRate(h, out.resolve("learning-rate.png"));
    }
  }

  /** confusion-matrix.png, confusion-matrix.csv and report.txt for a model on labelled data. */
  static ConfusionMatrix confusion(Model model, Dataset data, int batch, Path out) throws IOException {
    Files.createDirectories(out);
    int[] predicted = model.predictClasses(data, batch);
    ConfusionMatrix m = new ConfusionMatrix(data.labels(), predicted, data.classNames());
    ConfusionMatrixChart.write(m, out.resolve("confusion-matrix.png"));
    m.writeCsv(out.resolve("confusion-matrix.csv"));
    m.report().write(out.resolve("report.txt"));
    return m;
  }

  /** classes.txt beside a saved model, so that predict can name classes. */
  static void classes(List<String> names, Path file) throws IOException {
    write(file, String.join("\n", names) + "\n");
  }

  /** Writes whole or not at all: a temporary file in the same folder, then an atomic rename. */
  static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
