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

  /** Called once when fit starts, before the first epoch. */
  default void onTrainBegin() {}

  /** Called once when fit ends normally, with the last epoch's logs. */
  default void onTrainEnd(Map<String, Double> logs) {}

  /** Called at the start of each epoch (from 0). */
  default void onEpochBegin(int epoch) {}

  /** Called after each epoch with its metrics, validation ones included. */
  default void onEpochEnd(int epoch, Map<String, Double> logs) {}

  /** Called after each training batch with the epoch's running loss and accuracy. */
  default void onTrainBatchEnd(int batch, Map<String, Double> logs) {}
}
