package org.cnn4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-epoch metrics of a fit, Keras's History: "loss", "accuracy", "val_loss",
 * "val_accuracy" and "seconds" for each epoch.
 */
public final class History {
  private final List<Map<String, Double>> epochs = new ArrayList<>();

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

  @Override
  public String toString() {
    return epochs.toString();
  }
}
