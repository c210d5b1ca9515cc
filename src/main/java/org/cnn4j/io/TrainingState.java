package org.cnn4j.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where training stood when a model file was written: the number of epochs
 * completed (the epoch to resume at) and the state of callbacks, each under
 * its own key ("early_stopping": {"best": 0.41, "wait": 2}, ...). Callback
 * state holds plain values only: maps with string keys, lists, strings,
 * numbers, booleans and null; numbers come back as Long or Double.
 *
 * <p>The model holds the rest of the training state and the model file saves
 * it too: training steps taken, seed, optimizer (with its current learning
 * rate and its slots such as Adam's m and v), loss and metrics.
 */
public record TrainingState(int epoch, Map<String, Object> callbacks) {
  /** Checks the epoch and copies the callback state. */
  public TrainingState {
    if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    callbacks = Collections.unmodifiableMap(new LinkedHashMap<>(callbacks));
  }

  /** {@code epoch} epochs completed, no callback state. */
  public static TrainingState atEpoch(int epoch) {
    return new TrainingState(epoch, Map.of());
  }

  /** This state with one callback's state added or replaced. */
  public TrainingState withCallback(String name, Object state) {
    Map<String, Object> m = new LinkedHashMap<>(callbacks);
    m.put(name, state);
    return new TrainingState(epoch, m);
  }
}
