package org.cnn4j.train.callbacks;

import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.cnn4j.model.Model;
import org.cnn4j.train.Callback;
import org.cnn4j.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the learning rate at the start of every epoch, Keras's
 * LearningRateScheduler: the schedule maps (epoch from 0, current rate) to the
 * epoch's rate, and the rate is recorded as "learning_rate" in the epoch's logs.
 * The optimizer's rate must be a number (a rate given as a schedule object is
 * not settable, as in Keras).
 *
 * <pre>{@code
 * new LearningRateScheduler(epoch -> epoch < 10 ? 1e-3 : 1e-4)
 * new LearningRateScheduler((epoch, lr) -> epoch < 10 ? lr : lr * Math.exp(-0.1))
 * }</pre>
 *
 * <p>A resumed run continues exactly: the schedule is a function of the epoch
 * and of the rate, which the checkpoint saves with the optimizer.
 */
public final class LearningRateScheduler implements Callback {
  private static final Logger log = LoggerFactory.getLogger(LearningRateScheduler.class);

  /** The rate of an epoch, from its number (from 0) and the rate in force. */
  @FunctionalInterface
  public interface Schedule {
    double rate(int epoch, double currentRate);
  }

  private final Schedule schedule;
  private int verbose;
  private Model model;

  public LearningRateScheduler(Schedule schedule) {
    this.schedule = schedule;
  }

  /** A schedule of the epoch alone. */
  public LearningRateScheduler(IntToDoubleFunction schedule) {
    this((epoch, lr) -> schedule.applyAsDouble(epoch));
  }

  /** 1 prints each epoch's rate (default 0: log only). */
  public LearningRateScheduler verbose(int level) {
    verbose = level;
    return this;
  }

  @Override
  public void setRun(TrainingRun run) {
    model = run.model();
  }

  @Override
  public void onTrainBegin() {
    if (model == null || model.optimizer() == null) {
      throw new IllegalStateException("LearningRateScheduler needs a compiled model");
    }
  }

  @Override
  public void onEpochBegin(int epoch) {
    double lr = schedule.rate(epoch, model.optimizer().learningRate());
    if (!(lr > 0) || Double.isInfinite(lr) || (float) lr == 0) {
      throw new IllegalArgumentException("LearningRateScheduler: the schedule gave " + lr + " for epoch "
          + (epoch + 1) + "; expected a positive finite rate");
    }
    model.optimizer().setLearningRate((float) lr);
    String message = "Epoch " + (epoch + 1) + ": LearningRateScheduler setting learning rate to " + (float) lr + ".";
    log.debug(message);
    if (verbose > 0) System.out.println(message);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    try {
      logs.put("learning_rate", (double) model.optimizer().learningRate());
    } catch (UnsupportedOperationException e) {
      // Read-only logs from a hand-written loop: nothing to record into.
    }
  }
}
