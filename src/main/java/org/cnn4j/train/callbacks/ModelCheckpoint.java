package org.cnn4j.train.callbacks;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.io.ModelFile;
import org.cnn4j.train.StatefulCallback;
import org.cnn4j.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the model after each epoch, or only when a monitored metric improves,
 * Keras's ModelCheckpoint. The file is a full {@link ModelFile} (weights,
 * optimizer state, step count) with the training state: the epochs completed
 * and the state of every stateful callback of the fit, so that
 * {@link org.cnn4j.train.Resume} continues exactly where the save left off.
 * Saving is atomic: a kill during a save leaves the previous file intact.
 *
 * <pre>{@code
 * new ModelCheckpoint(dir.resolve("last.cnn4j"))                            // every epoch
 * new ModelCheckpoint(dir.resolve("best.cnn4j")).saveBestOnly("val_accuracy") // max, from the name
 * }</pre>
 *
 * <p>fit runs checkpoints after its other callbacks, so that they save those
 * callbacks' state as it stands at the end of the epoch.
 */
public final class ModelCheckpoint implements StatefulCallback {
  private static final Logger log = LoggerFactory.getLogger(ModelCheckpoint.class);

  private final Path file;
  private String monitor;
  private String mode = "auto";
  private int verbose;

  private TrainingRun run;
  private Monitor m;
  private Double best;

  /** Saves to {@code file} after every epoch. */
  public ModelCheckpoint(Path file) {
    this.file = file;
  }

  /**
   * Saves only when {@code monitor} beats its best value so far; whether lower or
   * higher is better follows from the name ("val_loss" min, "val_accuracy" max) or {@link #mode}.
   */
  public ModelCheckpoint saveBestOnly(String monitor) {
    this.monitor = monitor;
    return this;
  }

  /** "auto" (default: from the metric's name), "min" or "max". */
  public ModelCheckpoint mode(String mode) {
    this.mode = Monitor.mode(mode);
    return this;
  }

  /** 1 prints each save (default 0: log only). */
  public ModelCheckpoint verbose(int level) {
    verbose = level;
    return this;
  }

  /** The file saved to. */
  public Path file() {
    return file;
  }

  /** The best monitored value saved so far, or null. */
  public Double best() {
    return best;
  }

  @Override
  public void setRun(TrainingRun run) {
    this.run = run;
  }

  @Override
  public void onTrainBegin() {
    if (run == null) throw new IllegalStateException("ModelCheckpoint needs setRun(TrainingRun) before training");
    if (monitor != null) m = Monitor.of(monitor, mode, 0);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    String at = "Epoch " + (epoch + 1) + ": ";
    if (monitor != null) {
      Double current = logs.get(monitor);
      if (current == null) {
        log.warn("ModelCheckpoint saves the best \"{}\", which the logs lack (they hold {}); skipping", monitor,
            logs.keySet());
        return;
      }
      if (!m.improves(current, best)) {
        say(at + monitor + " did not improve from " + format(best));
        return;
      }
      say(at + monitor + " improved from " + format(best) + " to " + format(current) + ", saving model to " + file);
      best = current;
    } else {
      say(at + "saving model to " + file);
    }
    ModelFile.save(run.model(), file, run.state(epoch + 1));
  }

  /** Keras's wording: no best yet reads as the worst value, inf or -inf. */
  private String format(Double v) {
    return v != null ? String.format(Locale.ROOT, "%.5f", v) : m.maximize ? "-inf" : "inf";
  }

  private void say(String message) {
    log.debug(message);
    if (verbose > 0) System.out.println(message);
  }

  @Override
  public String stateKey() {
    return "model_checkpoint/" + file.getFileName();
  }

  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("best", best);
    return s;
  }

  @Override
  public void restore(Map<String, Object> s) {
    best = Monitor.number(s.get("best"));
  }
}
