package org.cnn4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.model.Model;
import org.cnn4j.train.Callback;
import org.cnn4j.train.TrainingRun;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during training: instead of the JVM's immediate exit,
 * training stops at the end of the current batch (or, if the signal comes between
 * batches, after the epoch's checkpoint), so the command can say where the last
 * finished epoch is saved. A second signal exits at once; saves are atomic, so the
 * last checkpoint stays whole either way.
 *
 * <p>Why sun.misc.Signal (javac warns of it): the JDK has no public way to handle SIGINT without
 * starting the JVM's shutdown, and a shutdown hook cannot let the training loop finish its batch
 * and report; the jdk.unsupported module exports this class for exactly this use.
 */
final class Interruption implements Callback, AutoCloseable {
  /** Thrown from the training loop to stop it in the middle of an epoch. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("training interrupted", null, false, false);
    }
  }

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile String received;
  private Model model;
  private int epochsFinished;

  private Interruption() {}

  /** Catches SIGINT and SIGTERM until closed; signals this JVM may not handle are left alone. */
  static Interruption install() {
    Interruption i = new Interruption();
    for (String name : List.of("INT", "TERM")) {
      Signal s = new Signal(name);
      try {
        SignalHandler old = Signal.handle(s, sig -> i.onSignal(sig.getName()));
        i.signals.add(s);
        i.previous.add(old);
      } catch (IllegalArgumentException e) {
        // ignored by the shell (a background job) or reserved by the JVM (-Xrs): keep its behaviour
      }
    }
    return i;
  }

  private void onSignal(String name) {
    if (received != null) {
      System.exit(exitCode(name)); // the second Ctrl-C: stop now
    }
    received = name;
  }

  /** The signal's name ("INT", "TERM") if one came, else null. */
  String received() {
    return received;
  }

  /** Epochs finished by this process's fit, counted from 0 (a resumed fit starts at its initial epoch). */
  int epochsFinished() {
    return epochsFinished;
  }

  /** The shell's convention: 128 + the signal's number. */
  static int exitCode(String name) {
    return name.equals("TERM") ? 143 : 130;
  }

  @Override
  public void setRun(TrainingRun run) {
    model = run.model();
    epochsFinished = run.initialEpoch();
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (received != null) throw new Stopped();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    epochsFinished = epoch + 1;
    if (received != null) model.stopTraining(true); // this epoch's checkpoint still runs after this callback
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) Signal.handle(signals.get(i), previous.get(i));
  }
}
