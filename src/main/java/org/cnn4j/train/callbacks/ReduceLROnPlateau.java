package org.cnn4j.train.callbacks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.model.Model;
import org.cnn4j.train.StatefulCallback;
import org.cnn4j.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multiplies the learning rate by {@code factor} when a monitored metric has not
 * improved for {@code patience} epochs, Keras's ReduceLROnPlateau: after a
 * change, {@code cooldown} epochs pass before counting resumes, and the rate
 * never goes below {@code minLr}. Each change is logged at INFO and, with
 * verbose 1, printed.
 *
 * <pre>{@code
 * new ReduceLROnPlateau("val_loss").factor(0.2).patience(5).minLr(1e-5)
 * }</pre>
 *
 * <p>It records the rate at the end of each epoch as "learning_rate" in the
 * epoch's logs, for callbacks after it such as {@link CSVLogger}.
 */
public final class ReduceLROnPlateau implements StatefulCallback {
  private static final Logger log = LoggerFactory.getLogger(ReduceLROnPlateau.class);

  private final String monitor;
  private String mode = "auto";
  private double factor = 0.1;
  private int patience = 10;
  private int cooldown;
  private double minLr;
  private double minDelta = 1e-4;
  private int verbose;

  private Model model;
  private Monitor m;
  private Double best;
  private int wait;
  private int cooldownCounter;
  private boolean warnedMissing;

  /** Monitors "val_loss". */
  public ReduceLROnPlateau() {
    this("val_loss");
  }

  /** @param monitor a key of the epoch logs, such as "val_loss" or "val_accuracy" */
  public ReduceLROnPlateau(String monitor) {
    this.monitor = monitor;
  }

  /** What the rate is multiplied by, in (0, 1) (default 0.1). */
  public ReduceLROnPlateau factor(double f) {
    if (!(f > 0 && f < 1)) throw new IllegalArgumentException("factor must be in (0, 1), got " + f);
    factor = f;
    return this;
  }

  /** Epochs without improvement before the rate is reduced (default 10). */
  public ReduceLROnPlateau patience(int epochs) {
    if (epochs < 0) throw new IllegalArgumentException("patience must be >= 0, got " + epochs);
    patience = epochs;
    return this;
  }

  /** Epochs to wait after a reduction before counting again (default 0). */
  public ReduceLROnPlateau cooldown(int epochs) {
    if (epochs < 0) throw new IllegalArgumentException("cooldown must be >= 0, got " + epochs);
    cooldown = epochs;
    return this;
  }

  /** The lowest rate (default 0). */
  public ReduceLROnPlateau minLr(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("minLr must be >= 0, got " + lr);
    minLr = lr;
    return this;
  }

  /** The smallest change that counts as an improvement (default 1e-4). */
  public ReduceLROnPlateau minDelta(double delta) {
    minDelta = Monitor.nonNegative(delta);
    return this;
  }

  /** "auto" (default: from the metric's name), "min" or "max". */
  public ReduceLROnPlateau mode(String mode) {
    this.mode = Monitor.mode(mode);
    return this;
  }

  /** 1 prints each change (default 0: log only). */
  public ReduceLROnPlateau verbose(int level) {
    verbose = level;
    return this;
  }

  @Override
  public void setRun(TrainingRun run) {
    model = run.model();
  }

  @Override
  public void onTrainBegin() {
    if (model.optimizer() == null) throw new IllegalStateException("ReduceLROnPlateau needs a compiled model");
    m = Monitor.of(monitor, mode, minDelta);
    best = null;
    wait = 0;
    cooldownCounter = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    float lr = model.optimizer().learningRate();
    try {
      logs.put("learning_rate", (double) lr);
    } catch (UnsupportedOperationException e) {
      // Read-only logs from a hand-written loop: nothing to record into.
    }
    Double current = logs.get(monitor);
    if (current == null) {
      if (!warnedMissing) log.warn("ReduceLROnPlateau monitors \"{}\", which the logs lack; they hold {}", monitor,
          logs.keySet());
      warnedMissing = true;
      return;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      wait = 0;
    }
    if (m.improves(current, best)) {
      best = current;
      wait = 0;
    } else if (cooldownCounter == 0 && ++wait >= patience && lr > (float) minLr) {
      // Never 0: an optimizer refuses a zero rate.
      float reduced = (float) Math.max(lr * factor, Math.max(minLr, Float.MIN_NORMAL));
      model.optimizer().setLearningRate(reduced);
      String message = "Epoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to " + reduced + ".";
      log.info(message);
      if (verbose > 0) System.out.println(message);
      cooldownCounter = cooldown;
      wait = 0;
    }
  }

  @Override
  public String stateKey() {
    return "reduce_lr_on_plateau/" + monitor;
  }

  /** The rate itself is the optimizer's, which the model file saves. */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("best", best);
    s.put("wait", wait);
    s.put("cooldown_counter", cooldownCounter);
    return s;
  }

  @Override
  public void restore(Map<String, Object> s) {
    best = Monitor.number(s.get("best"));
    wait = Monitor.count(s.get("wait"));
    cooldownCounter = Monitor.count(s.get("cooldown_counter"));
  }
}
