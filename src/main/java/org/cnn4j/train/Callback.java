package org.cnn4j.train;

import java.util.Map;

/**
 * Hooks into training, with Keras's hook names. Epochs and batches count from 0;
 * {@code logs} holds the metrics so far ("loss", "accuracy", "val_loss", ...).
 */
public interface Callback {
  /**
   * Called once per fit, before {@link #onTrainBegin}, with the run being trained:
   * its model, epoch range and checkpointable state (Keras's set_model and set_params).
   */
  default void setRun(TrainingRun run) {}

  default void onTrainBegin() {}

  default void onTrainEnd(Map<String, Double> logs) {}

  default void onEpochBegin(int epoch) {}

  default void onEpochEnd(int epoch, Map<String, Double> logs) {}

  default void onTrainBatchEnd(int batch, Map<String, Double> logs) {}
}
