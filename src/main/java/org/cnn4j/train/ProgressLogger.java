package org.cnn4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress on standard output. On a terminal with verbose 1, a
 * live bar per epoch (steps done as Keras counts them, bar, elapsed, ETA, time
 * per step, metrics);
 * otherwise exactly one line per epoch, so log files get no carriage returns.
 */
final class ProgressLogger implements Callback {
  private static final long REDRAW_NANOS = 100_000_000L;

  private final boolean live;
  private final int epochs;
  private final int steps;
  private final PrintStream out;
  private long epochStart;
  private long lastDraw;
  private int drawn; // characters of the bar line on screen, which the next line must cover

  /** {@code steps}: batches per epoch. */
  ProgressLogger(int verbose, int epochs, int steps) {
    this(verbose == 1 && System.console() != null, epochs, steps, System.out);
  }

  /** {@code live}: redraw a bar with carriage returns (a terminal) rather than one line per epoch. */
  ProgressLogger(boolean live, int epochs, int steps, PrintStream out) {
    this.live = live;
    this.epochs = epochs;
    this.steps = steps;
    this.out = out;
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
    int done = Math.min(steps, batch + 1);
    if (now - lastDraw < REDRAW_NANOS && done < steps) return;
    lastDraw = now;
    double elapsed = (now - epochStart) / 1e9;
    double perStep = elapsed / done;
    double eta = perStep * (steps - done);
    int width = 30;
    int filled = (int) ((long) width * done / steps);
    String bar = "=".repeat(Math.max(0, filled - 1)) + (filled < width ? ">" : "=") + ".".repeat(width - filled);
    draw(String.format(Locale.ROOT, "%d/%d [%s] - %.0fs - ETA: %.0fs - %.1fms/step%s", done, steps, bar,
        elapsed, eta, perStep * 1e3, metrics(logs)));
    out.flush();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    double seconds = logs.getOrDefault("seconds", (System.nanoTime() - epochStart) / 1e9);
    String line = String.format(Locale.ROOT, "%d/%d - %.1fs%s", steps, steps, seconds, metrics(logs));
    if (live) {
      draw(line);
      out.print("\n");
      drawn = 0;
    } else {
      out.println("Epoch " + (epoch + 1) + "/" + epochs + " - " + line.substring(line.indexOf(" - ") + 3));
    }
    out.flush();
  }

  /** Replaces the line on screen, blanking what a longer previous line would leave behind. */
  private void draw(String line) {
    out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
    drawn = line.length();
  }

  private static String metrics(Map<String, Double> logs) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      if (e.getKey().endsWith("seconds")) continue;
      // Keras's progress bar writes values up to 1e-3 in exponent form; learning rates are often that small.
      boolean tiny = e.getKey().equals("learning_rate") && Math.abs(e.getValue()) <= 1e-3;
      s.append(String.format(Locale.ROOT, tiny ? " - %s: %.4e" : " - %s: %.4f", e.getKey(), e.getValue()));
    }
    return s.toString();
  }
}
