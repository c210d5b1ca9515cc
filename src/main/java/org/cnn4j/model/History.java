package org.cnn4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.train.TimeToAccuracy;

/**
 * Per-epoch metrics of a fit, Keras's History: "loss", "accuracy", "val_loss",
 * "val_accuracy" and "learning_rate" (the rate of the next update, as Keras 3
 * logs it) for each epoch, with its timings: "seconds" (the whole epoch),
 * "train_seconds", "eval_seconds" (validation), "data_wait_seconds" (training
 * blocked on batches) and "elapsed_seconds" (since the run's first epoch,
 * across resumes); and when each validation-accuracy threshold was first passed.
 */
public final class History {
  private final List<Map<String, Double>> epochs = new ArrayList<>();
  private String accuracyMetric = "val_accuracy";
  private List<TimeToAccuracy.Milestone> timeToAccuracy = List.of();

  /** Records one epoch's metrics. */
  public void add(Map<String, Double> logs) {
    epochs.add(Collections.unmodifiableMap(new LinkedHashMap<>(logs)));
  }

  /** The number of epochs recorded. */
  public int epochs() {
    return epochs.size();
  }

  /** The metrics of epoch {@code i} (from 0). */
  public Map<String, Double> epoch(int i) {
    return epochs.get(i);
  }

  /** One metric across epochs, e.g. {@code get("val_accuracy")}; NaN where an epoch lacks it. */
  public double[] get(String metric) {
    double[] out = new double[epochs.size()];
    for (int i = 0; i < out.length; i++) out[i] = epochs.get(i).getOrDefault(metric, Double.NaN);
    return out;
  }

  /** The metric names in the order they were first recorded. */
  public List<String> metrics() {
    LinkedHashMap<String, Boolean> names = new LinkedHashMap<>();
    for (Map<String, Double> e : epochs) for (String k : e.keySet()) names.put(k, true);
    return new ArrayList<>(names.keySet());
  }

  /** Sets what {@link #timeToAccuracy()} returns; fit calls this. */
  public void timeToAccuracy(String metric, List<TimeToAccuracy.Milestone> milestones) {
    accuracyMetric = metric;
    timeToAccuracy = List.copyOf(milestones);
  }

  /**
   * The epoch and wall time at which the run's validation accuracy first reached
   * each of {@link TimeToAccuracy#THRESHOLDS}, lowest first (with a resume: since
   * the first epoch of the whole run).
   */
  public List<TimeToAccuracy.Milestone> timeToAccuracy() {
    return timeToAccuracy;
  }

  /** The log key the thresholds are about, e.g. "val_accuracy". */
  public String accuracyMetric() {
    return accuracyMetric;
  }

  @Override
  public String toString() {
    return epochs.toString();
  }
}
