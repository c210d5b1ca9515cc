package org.cnn4j.distributed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.model.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fit's side of data-parallel training: what the training loop calls at
 * the few points where the processes meet. With one process every call returns
 * at once and changes nothing. Internal API (fit and the benchmark use it).
 *
 * <p>Every rank makes the same calls in the same order (the batches give each
 * rank the same number of steps, possibly with no samples), so no rank ever
 * waits on a collective that the others will not call. A watchdog thread aborts
 * the job when one collective waits longer than {@link Distributed#watchdog}.
 */
public final class DataParallel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataParallel.class);

  /** MPI_Abort's error codes, so that the exit status says why. */
  static final int FAILED = 1, HUNG = 3;

  private static final DataParallel LOCAL = new DataParallel(0, 1, null);

  private final int rank;
  private final int size;
  private final Duration bound;
  private Thread watchdog;
  private volatile long waitingSince;
  private volatile String waitingFor = "";
  private volatile boolean closed;
  private long step;

  private DataParallel(int rank, int size, Duration bound) {
    this.rank = rank;
    this.size = size;
    this.bound = bound;
  }

  /** The coordinator of a fit with this setting; a no-op one for null or a world of one process. */
  public static DataParallel of(Distributed d) {
    if (d == null || d.size() == 1) return LOCAL;
    return new DataParallel(d.rank(), d.size(), d.watchdog());
  }

  public int rank() {
    return rank;
  }

  public int size() {
    return size;
  }

  /** Rank 0, which alone runs callbacks and writes outputs. */
  public boolean chief() {
    return rank == 0;
  }

  /**
   * Makes every rank start from rank 0's state: the weights, every optimizer
   * slot, the step count and the epoch to start at (a resumed rank 0 may be the
   * only one that has the checkpoint). Returns the epoch to start at.
   */
  public int begin(Model model, int initialEpoch) {
    if (size == 1) return initialEpoch;
    watchdog = new Thread(this::watch, "cnn4j-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    ParameterArena arena = model.arena();
    checkSameLayout(arena);
    List<String> slots = arena.slotNames();
    byte[] names = String.join("\n", slots).getBytes(StandardCharsets.UTF_8);
    long[] head = {initialEpoch, model.counter().get(), names.length};
    enter("broadcast of the training state");
    Mpi.broadcastLongs(head, 0);
    names = Arrays.copyOf(names, (int) head[2]);
    Mpi.broadcastBytes(names, 0);
    long bytes = arena.floats() * Float.BYTES;
    Mpi.broadcast(arena.weightsAddress(), bytes, 0);
    Mpi.broadcast(arena.stateAddress(), arena.stateFloats() * Float.BYTES, 0); // BatchNormalization's statistics
    arena.modified();
    List<String> chiefSlots = head[2] == 0 ? List.of()
        : List.of(new String(names, StandardCharsets.UTF_8).split("\n"));
    for (String s : chiefSlots) Mpi.broadcast(arena.slot(s), bytes, 0);
    leave();
    for (String s : arena.slotNames()) {
      if (!chiefSlots.contains(s)) zero(arena.slot(s), arena.floats()); // a slot rank 0 has not used yet
    }
    model.counter().set(head[1]);
    return (int) head[0];
  }

  private void checkSameLayout(ParameterArena arena) {
    List<Parameter> ps = arena.parameters();
    long[] mine = new long[2 + 2 * ps.size()];
    mine[0] = arena.floats();
    mine[1] = arena.stateFloats();
    for (int i = 0; i < ps.size(); i++) {
      Parameter p = ps.get(i);
      // Each tensor's offset in its buffer (trainable or state), and its oneDNN dims (a Dense kernel read
      // as 2-D on one rank, 4-D on another).
      mine[2 * i + 2] = arena.weightAddress(p) - (p.trainable() ? arena.weightsAddress() : arena.stateAddress());
      mine[2 * i + 3] = p.planShapeHash();
    }
    enter("comparison of the parameter layouts");
    long[] all = Mpi.allgatherLongs(mine);
    leave();
    for (int r = 1; r < size; r++) {
      if (!Arrays.equals(all, r * mine.length, (r + 1) * mine.length, all, 0, mine.length)) {
        throw new IllegalStateException("rank " + r + " lays out the model's parameters differently from rank 0 "
            + "(another CPU type picks other oneDNN layouts, or -Dcnn4j.denseInput differs): run every rank on the "
            + "same kind of CPU with the same options");
      }
    }
  }

  /**
   * Before the optimizer step: sums {@code sums} (loss sum, correct count and
   * sample count of this rank's slice, in place) over the ranks, gives every rank
   * rank 0's learning rate (a callback on rank 0 may have changed it), and sums
   * the gradient arena so that it holds the gradient of the global batch's mean
   * loss. The loss kernel divided this rank's gradient by its own sample count
   * n, so each rank first scales it by n / (global count): exact for equal
   * slices of a power-of-two count, and right for a short last batch too.
   */
  public void reduceGradients(Model model, double[] sums) {
    if (size == 1) return;
    step++;
    double local = sums[2];
    double[] all = Arrays.copyOf(sums, sums.length + 1);
    all[sums.length] = chief() ? model.optimizer().learningRate() : 0;
    enter("sum of the losses and counts");
    Mpi.allreduceDoubles(all);
    leave();
    System.arraycopy(all, 0, sums, 0, sums.length);
    float lr = (float) all[sums.length];
    if (lr != model.optimizer().learningRate()) model.optimizer().setLearningRate(lr);
    ParameterArena arena = model.arena();
    enter("sum of the gradients");
    Mpi.allreduceFloats(arena.gradientsAddress(), arena.floats(), (float) (local / sums[2]));
    leave();
  }

  /**
   * Replaces every rank's non-trainable state (BatchNormalization's moving mean
   * and variance, which each rank updates from its own slices, as replicas do
   * under Keras's MirroredStrategy) by the mean over the ranks, as reading such
   * a variable does there. Called after each epoch's training steps, so that
   * evaluation, checkpoints and the end-of-epoch hash see one model.
   */
  public void averageState(Model model) {
    if (size == 1) return;
    ParameterArena arena = model.arena();
    enter("mean of the BatchNormalization statistics");
    Mpi.allreduceFloats(arena.stateAddress(), arena.stateFloats(), 1f / size);
    arena.modified();
    leave();
  }

  /** Sums a few values over the ranks, in place (evaluation's loss and counts). */
  public void sum(double[] values) {
    if (size == 1) return;
    enter("sum of the evaluation results");
    Mpi.allreduceDoubles(values);
    leave();
  }

  /** Rank 0's value of a long, on every rank. */
  public long fromChief(long value) {
    if (size == 1) return value;
    long[] v = {value};
    enter("broadcast of a count");
    Mpi.broadcastLongs(v, 0);
    leave();
    return v[0];
  }

  /**
   * After an epoch's callbacks (which ran on rank 0 only): checks that every
   * rank's weights and state are bitwise rank 0's, and gives every rank rank 0's stop flag
   * and learning rate.
   */
  public void endEpoch(Model model, int epoch) {
    if (size == 1) return;
    ParameterArena arena = model.arena();
    long hash = Mpi.hash(arena.weightsAddress(), arena.floats() * Float.BYTES) * 31
        + Mpi.hash(arena.stateAddress(), arena.stateFloats() * Float.BYTES);
    long[] mine = {hash, model.stopTraining() ? 1 : 0,
        Float.floatToIntBits(model.optimizer().learningRate())};
    enter("end-of-epoch check of the weights");
    long[] all = Mpi.allgatherLongs(mine);
    leave();
    for (int r = 1; r < size; r++) {
      if (all[3 * r] != all[0]) {
        throw new IllegalStateException("after epoch " + (epoch + 1) + " the weights or BatchNormalization statistics of rank " + r
            + " differ from rank 0's (hash " + Long.toHexString(all[3 * r]) + " against " + Long.toHexString(all[0])
            + "): the ranks no longer train one model; the gradient sum gave them different bits");
      }
    }
    model.stopTraining(all[1] != 0);
    model.optimizer().setLearningRate(Float.intBitsToFloat((int) all[2]));
  }

  /**
   * Ends the whole job after an error on this rank (the others would wait for
   * it forever): logs the error, then MPI_Abort. Returns the error unchanged for
   * a single process, so that the caller can rethrow it.
   */
  public RuntimeException fail(Throwable e) {
    if (size > 1) {
      log.error("rank {} of {}: training failed; aborting every process of the job", rank, size, e);
      Mpi.abort(FAILED);
    }
    if (e instanceof RuntimeException r) return r;
    if (e instanceof Error err) throw err;
    return new IllegalStateException(e);
  }

  private void enter(String what) {
    waitingFor = what + " (step " + step + ")";
    waitingSince = System.nanoTime();
  }

  private void leave() {
    waitingSince = 0;
  }

  /** Aborts the job when a collective has waited longer than the bound: some rank stopped responding. */
  private void watch() {
    long boundNanos = bound.toNanos();
    long poll = Math.max(10, Math.min(1000, bound.toMillis() / 10));
    while (!closed) {
      try {
        TimeUnit.MILLISECONDS.sleep(poll);
      } catch (InterruptedException e) {
        return;
      }
      long since = waitingSince;
      if (since != 0 && !closed && System.nanoTime() - since > boundNanos) {
        log.error("rank {} of {}: the {} has waited more than {} s for the other processes; one of them hangs "
            + "(stopped, deadlocked or cut off): aborting the job (Distributed.watchdog sets the bound)", rank,
            size, waitingFor, bound.toMillis() / 1000.0);
        Mpi.abort(HUNG);
      }
    }
  }

  private static void zero(long address, long floats) {
    try (PointerScope scope = new PointerScope()) {
      new FloatPointer(Tensor.at(address)).capacity(floats).fill(0);
    }
  }

  /** Stops the watchdog. */
  @Override
  public void close() {
    closed = true;
    if (watchdog != null) watchdog.interrupt();
  }
}
