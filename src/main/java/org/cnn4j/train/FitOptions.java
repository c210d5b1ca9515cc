package org.cnn4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.Samples;
import org.cnn4j.distributed.Distributed;
import org.cnn4j.io.TrainingState;

/**
 * Settings of {@code Sequential.fit}, with Keras's names and defaults (except
 * verbose, which is 0: a library prints nothing unless asked).
 *
 * <pre>{@code
 * new FitOptions().batchSize(10).epochs(10).validationData(test).verbose(1)
 * }</pre>
 */
public final class FitOptions {
  private int batchSize = 32;
  private int epochs = 1;
  private int verbose;
  private boolean shuffle = true;
  private Long seed;
  private Samples validation;
  private double validationSplit;
  private final List<Callback> callbacks = new ArrayList<>();
  private boolean dropRemainder;
  private Preprocessing preprocessing;
  private int initialEpoch;
  private Map<String, Object> callbackStates = Map.of();
  private boolean deterministic;
  private Distributed distributed;

  /** Samples per training step (default 32, as Keras). */
  public FitOptions batchSize(int n) {
    if (n < 1) throw new IllegalArgumentException("batch size must be positive, got " + n);
    batchSize = n;
    return this;
  }

  /** The epoch to stop at (exclusive; default 1), counting from 0 as Keras does. */
  public FitOptions epochs(int n) {
    if (n < 0) throw new IllegalArgumentException("epochs must be >= 0, got " + n);
    epochs = n;
    return this;
  }

  /** 0 silent, 1 progress bar on a terminal (one line per epoch otherwise), 2 one line per epoch. */
  public FitOptions verbose(int level) {
    if (level < 0 || level > 2) throw new IllegalArgumentException("verbose must be 0, 1 or 2, got " + level);
    verbose = level;
    return this;
  }

  /** Reshuffle the training samples before each epoch (default true). */
  public FitOptions shuffle(boolean s) {
    shuffle = s;
    return this;
  }

  /** Seed of the shuffling (default: the model's seed). */
  public FitOptions seed(long s) {
    seed = s;
    return this;
  }

  /** Data evaluated after each epoch (val_loss, val_accuracy). */
  public FitOptions validationData(Dataset d) {
    validation = Samples.of(d);
    return this;
  }

  /** Data evaluated after each epoch, as samples. */
  public FitOptions validationData(Samples s) {
    validation = s;
    return this;
  }

  /** Holds out the last fraction of the training data for validation, as Keras (before shuffling). */
  public FitOptions validationSplit(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation split must be in [0, 1), got " + fraction);
    }
    validationSplit = fraction;
    return this;
  }

  /** Skip the last batch of an epoch when it is short (default false: train on it too). */
  public FitOptions dropRemainder(boolean drop) {
    dropRemainder = drop;
    return this;
  }

  /**
   * How uint8 images become floats, with optional augmentation (default: the
   * model's, x / 255). The model keeps it, without augmentation, for evaluate and predict.
   */
  public FitOptions preprocessing(Preprocessing p) {
    preprocessing = p;
    return this;
  }

  /**
   * The epoch (from 0) to start at, Keras's initial_epoch: {@link #epochs} stays the
   * total, so {@code initialEpoch(2).epochs(4)} trains epochs 3 and 4, and
   * shuffles them as an uninterrupted run would.
   */
  public FitOptions initialEpoch(int epoch) {
    if (epoch < 0) throw new IllegalArgumentException("initial epoch must be >= 0, got " + epoch);
    initialEpoch = epoch;
    return this;
  }

  /**
   * Continues from a checkpoint's training state: starts at its epoch, and hands
   * each callback its saved state (see {@link Resume}).
   */
  public FitOptions resumeFrom(TrainingState state) {
    initialEpoch(state.epoch());
    callbackStates = state.callbacks();
    return this;
  }

  /**
   * Bitwise reproducible training (default false): with the same seed, data,
   * options and thread count, two runs end with identical weights, and a run
   * killed and resumed from its checkpoint ends with exactly the weights of an
   * uninterrupted one.
   *
   * <p>What it costs: nothing per step, because seeded runs are deterministic
   * already, but for one choice: a Dense layer after Flatten otherwise times its
   * two input forms at the first plan ({@link org.cnn4j.layers.DenseInput}), which
   * can come out differently in another process; a deterministic fit takes a
   * fixed per-ISA rule instead (a model that already ran, or was loaded from a
   * file that records its form, keeps its form). cnn4j's kernels are by construction (a dropout mask is a hash of seed,
   * layer, step and element; shuffling and augmentation depend only on seed and
   * epoch; batches are prepared ahead but consumed in order), and oneDNN's f32 CPU
   * primitives that cnn4j uses give the same bits run to run for a fixed thread
   * count on one machine. The switch adds the checks that keep it so: fit fails if the thread
   * count changes while it runs, and a resume fails if the checkpoint was written
   * with another thread count, seed or batch size. Results are not portable:
   * another CPU instruction set, oneDNN version or thread count gives other, equally
   * valid, bits.
   */
  public FitOptions deterministic(boolean on) {
    deterministic = on;
    return this;
  }

  /**
   * Data-parallel training over the processes of an MPI job (default none): with
   * N processes, {@link #batchSize} is each process's share and the global batch
   * is N times it; every process trains on its slice of each global batch and
   * the gradients are summed before each step, so the weights stay bitwise equal
   * on every process. Logs and history are global; callbacks run on rank 0 only,
   * so that only rank 0 writes files. Outside an MPI job it changes nothing.
   */
  public FitOptions distributed(Distributed d) {
    distributed = d;
    return this;
  }

  /** Adds callbacks, run in the order given (checkpoints last). */
  public FitOptions callbacks(Callback... cs) {
    callbacks.addAll(List.of(cs));
    return this;
  }

  /** Samples per training step. */
  public int batchSize() {
    return batchSize;
  }

  /** The epoch to stop at (exclusive). */
  public int epochs() {
    return epochs;
  }

  /** The progress output level: 0 silent, 1 bar, 2 one line per epoch. */
  public int verbose() {
    return verbose;
  }

  /** Whether the training data is shuffled each epoch. */
  public boolean shuffle() {
    return shuffle;
  }

  /** The seed of shuffling and augmentation, or null for the model's. */
  public Long seed() {
    return seed;
  }

  /** The validation data, or null. */
  public Samples validation() {
    return validation;
  }

  /** The fraction of the training data held out for validation (0: none). */
  public double validationSplit() {
    return validationSplit;
  }

  /** Whether a short last batch is dropped. */
  public boolean dropRemainder() {
    return dropRemainder;
  }

  /** The input conversion for this fit, or null for the model's. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** The epoch (from 0) that fit starts at. */
  public int initialEpoch() {
    return initialEpoch;
  }

  /** Saved callback states by key, from {@link #resumeFrom}; empty otherwise. */
  public Map<String, Object> callbackStates() {
    return callbackStates;
  }

  /** Whether the run must be bitwise reproducible. */
  public boolean deterministic() {
    return deterministic;
  }

  public Distributed distributed() {
    return distributed;
  }

  /** The callbacks, in the order given. */
  public List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }
}
