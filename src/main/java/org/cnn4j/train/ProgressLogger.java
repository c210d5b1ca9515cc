package org.cnn4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress on standard output. On a terminal with verbose 1, a
 * live bar per epoch (samples done, bar, elapsed, ETA, time per step, metrics);
 * otherwise exactly one line per epoch, so log files get no carriage returns.
 */
final class ProgressLogger implements Callback {
  private static final long REDRAW_NANOS = 100_000_000L;

  private final boolean live;
  private final int epochs;
  private final int samples;
  private final int batchSize;
  private final PrintStream out = System.out;
  private long epochStart;
  private long lastDraw;

  ProgressLogger(int verbose, int epochs, int samples, int batchSize) {
    this.live = verbose == 1 && System.console() != null;
    this.epochs = epochs;
    this.samples = samples;
    this.batchSize = batchSize;
  }

  @Override
  public void onEpochBegin(int epoch) {
    epochStart = System.nanoTime();
    lastDraw = 0;
    if (live) out.println("Epoch " + (epoch + 1) + "/" + epochs);
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (!live) return;
    long now = System.nanoTime();
    int done = Math.min(samples, (batch + 1) * batchSize);
    if (now - lastDraw < REDRAW_NANOS && done < samples) return;
    lastDraw = now;
    double elapsed = (now - epochStart) / 1e9;
    double perStep = elapsed / (batch + 1);
    double eta = done == 0 ? 0 : elapsed * (samples - done) / done;
    int width = 30;
    int filled = (int) ((long) width * done / samples);
    String bar = "=".repeat(Math.max(0, filled - 1)) + (filled < width ? ">" : "=") + ".".repeat(width - filled);
    out.print(String.format(Locale.ROOT, "\r%d/%d [%s] - %.0fs - ETA: %.0fs - %.1fms/step%s", done, samples, bar,
        elapsed, eta, perStep * 1e3, metrics(logs)));
    out.flush();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    double seconds = logs.getOrDefault("seconds", (System.nanoTime() - epochStart) / 1e9);
    String line = String.format(Locale.ROOT, "%d/%d - %.1fs%s", samples, samples, seconds, metrics(logs));
    if (live) {
      out.print("\r" + line + "\n");
    } else {
      out.println("Epoch " + (epoch + 1) + "/" + epochs + " - " + line.substring(line.indexOf(" - ") + 3));
    }
    out.flush();
  }

  private static String metrics(Map<String, Double> logs) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      if (e.getKey().endsWith("seconds")) continue;
      s.append(String.format(Locale.ROOT, " - %s: %.4f", e.getKey(), e.getValue()));
    }
    return s.toString();
  }
}
