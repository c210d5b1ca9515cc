package org.cnn4j.train.callbacks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.model.Model;
import org.cnn4j.train.StatefulCallback;
import org.cnn4j.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training when a monitored metric has stopped improving, Keras's
 * EarlyStopping: after {@code patience} epochs without an improvement of more
 * than {@code minDelta}, the fit ends after the current epoch.
 *
 * <pre>{@code
 * new EarlyStopping("val_loss").patience(3).restoreBestWeights(true)
 * }</pre>
 *
 * <p>With restoreBestWeights the model ends with the weights of its best epoch,
 * whether patience ran out or the fit reached its last epoch (Keras 3). The best
 * weights live in memory only: after a resume they are known again from the next
 * improvement on; until then the final weights are kept, with a warning. Keep
 * them on disk with {@code new ModelCheckpoint(file).saveBestOnly(monitor)}.
 */
public final class EarlyStopping implements StatefulCallback {
  private static final Logger log = LoggerFactory.getLogger(EarlyStopping.class);

  private final String monitor;
  private String mode = "auto";
  private double minDelta;
  private int patience;
  private boolean restoreBestWeights;
  private int verbose;

  private Model model;
  private Monitor m;
  private Double best;
  private int wait;
  private int bestEpoch;
  private int stoppedEpoch;
  private List<float[]> bestWeights;
  private boolean warnedMissing;

  /** Monitors "val_loss". */
  public EarlyStopping() {
    this("val_loss");
  }

  /** @param monitor a key of the epoch logs, such as "val_loss" or "val_accuracy" */
  public EarlyStopping(String monitor) {
    this.monitor = monitor;
  }

  /** Epochs without improvement before stopping (default 0). */
  public EarlyStopping patience(int epochs) {
    if (epochs < 0) throw new IllegalArgumentException("patience must be >= 0, got " + epochs);
    patience = epochs;
    return this;
  }

  /** The smallest change that counts as an improvement (default 0). */
  public EarlyStopping minDelta(double delta) {
    minDelta = Monitor.nonNegative(delta);
    return this;
  }

  /** "auto" (default: from the metric's name), "min" or "max". */
  public EarlyStopping mode(String mode) {
    this.mode = Monitor.mode(mode);
    return this;
  }

  /** At the end of training, go back to the weights of the best epoch (default false). */
  public EarlyStopping restoreBestWeights(boolean restore) {
    restoreBestWeights = restore;
    return this;
  }

  /** 1 prints when training stops and when weights are restored (default 0: log only). */
  public EarlyStopping verbose(int level) {
    verbose = level;
    return this;
  }

  /** The epoch (from 0) after which training stopped, or 0 if it did not stop early. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** The epoch (from 0) with the best value so far. */
  public int bestEpoch() {
    return bestEpoch;
  }

  @Override
  public void setRun(TrainingRun run) {
    model = run.model();
  }

  @Override
  public void onTrainBegin() {
    m = Monitor.of(monitor, mode, minDelta);
    best = null;
    wait = 0;
    bestEpoch = 0;
    stoppedEpoch = 0;
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Double current = logs.get(monitor);
    if (current == null) {
      if (!warnedMissing) log.warn("EarlyStopping monitors \"{}\", which the logs lack; they hold {}", monitor,
          logs.keySet());
      warnedMissing = true;
      return;
    }
    wait++;
    if (m.improves(current, best)) {
      best = current;
      bestEpoch = epoch;
      if (restoreBestWeights) bestWeights = model.getWeights();
      wait = 0;
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      model.stopTraining(true);
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (stoppedEpoch > 0) say("Epoch " + (stoppedEpoch + 1) + ": early stopping");
    if (!restoreBestWeights || best == null) return;
    if (bestWeights != null) {
      say("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
      model.setWeights(bestWeights);
    } else {
      log.warn("EarlyStopping cannot restore the weights of the best epoch ({}): it came before the resume, and "
          + "checkpoints do not hold them; keeping the final weights", bestEpoch + 1);
    }
  }

  private void say(String message) {
    log.info(message);
    if (verbose > 0) System.out.println(message);
  }

  @Override
  public String stateKey() {
    return "early_stopping/" + monitor;
  }

  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("best", best);
    s.put("wait", wait);
    s.put("best_epoch", bestEpoch);
    s.put("stopped_epoch", stoppedEpoch);
    return s;
  }

  @Override
  public void restore(Map<String, Object> s) {
    best = Monitor.number(s.get("best"));
    wait = Monitor.count(s.get("wait"));
    bestEpoch = Monitor.count(s.get("best_epoch"));
    stoppedEpoch = Monitor.count(s.get("stopped_epoch"));
    // The saved run had stopped: a resume of it trains no further.
    if (stoppedEpoch > 0) model.stopTraining(true);
  }
}
