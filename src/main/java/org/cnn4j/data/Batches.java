package org.cnn4j.data;

import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.cnn4j.dnnl.Tensor;

/**
 * Batches for a training or evaluation loop: a per-epoch seeded shuffle, and
 * conversion to float (plus augmentation) done ahead on a background thread
 * into a ring of native buffers that the model reads in place.
 *
 * <pre>{@code
 * try (Batches batches = new Batches(samples, 64, true, false, 42, Preprocessing.scaled(), 2)) {
 *   batches.startEpoch(0);
 *   for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) {
 *     ... b.images() holds b.count() NHWC float images, b.labels() their int labels ...
 *   }
 * }
 * }</pre>
 *
 * <p>Data-parallel training gives each of R processes its slice of every global
 * batch: all of them draw the same permutation, and rank r takes samples
 * [r * g / R, (r + 1) * g / R) of a global batch of g (so a short last batch may
 * leave a rank none). Augmentation draws stay those of the sample's position in
 * the global batch, so the slices see what one process would have seen.
 */
public final class Batches implements AutoCloseable {
  /**
   * A prepared batch; its buffers stay valid until {@link #release}. {@code first}
   * is the position of its first sample in the global batch (0 for one process).
   */
  public record Batch(int index, int count, long images, long labels, int slot, int first) {}

  private static final Batch END = new Batch(-1, 0, 0, 0, -1, 0);

  private final Samples samples;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropRemainder;
  private final long seed;
  private final Preprocessing pre;
  private final int rank;
  private final int ranks;
  private final Tensor[] images;
  private final IntPointer[] labels;
  private final IntPointer[] indices;
  private final IntPointer[] shifts;
  private final FloatPointer mean;
  private final FloatPointer invStd;
  private final BlockingQueue<Integer> free;
  private final BlockingQueue<Object> ready;
  private final ExecutorService producer;
  private final int[] order;
  private Future<?> running;
  private long waitNanos;
  private boolean epochDone = true;

  /**
   * @param prefetch batches prepared ahead of the one in use, on a thread of
   *     their own; 0 prepares them on the caller's thread, which is allowed only
   *     when the samples fit in one batch (a single predict call: no thread to
   *     start and one buffer instead of three)
   */
  public Batches(Samples samples, int batchSize, boolean shuffle, boolean dropRemainder, long seed,
      Preprocessing pre, int prefetch) {
    this(samples, batchSize, shuffle, dropRemainder, seed, pre, prefetch, 0, 1);
  }

  /**
   * The batches of one of {@code ranks} data-parallel processes: its slice of
   * each global batch of {@code batchSize} samples.
   */
  public Batches(Samples samples, int batchSize, boolean shuffle, boolean dropRemainder, long seed,
      Preprocessing pre, int prefetch, int rank, int ranks) {
    if (ranks < 1 || rank < 0 || rank >= ranks) {
      throw new IllegalArgumentException("rank " + rank + " of " + ranks + " processes is out of range");
    }
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    if (prefetch < 0 || prefetch == 0 && samples.size() > batchSize) {
      throw new IllegalArgumentException("prefetch must be at least 1 (0 only when the samples fit in one batch), "
          + "got " + prefetch);
    }
    if (pre.mean() != null && pre.mean().length != samples.shape().get(samples.shape().rank() - 1)) {
      throw new IllegalArgumentException("the normalisation has " + pre.mean().length + " channels but the images have "
          + samples.shape().get(samples.shape().rank() - 1));
    }
    this.samples = samples;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropRemainder = dropRemainder;
    this.seed = seed;
    this.pre = pre;
    this.rank = rank;
    this.ranks = ranks;
    int slots = prefetch + 1;
    int local = (batchSize + ranks - 1) / ranks;
    long floats = (long) local * samples.shape().size();
    images = new Tensor[slots];
    labels = new IntPointer[slots];
    indices = new IntPointer[slots];
    shifts = new IntPointer[slots];
    free = new ArrayBlockingQueue<>(slots);
    ready = new ArrayBlockingQueue<>(slots + 1);
    for (int s = 0; s < slots; s++) {
      images[s] = Tensor.allocateUnscoped(new long[] {floats}, memory.format_tag.x);
      labels[s] = new IntPointer((long) local);
      indices[s] = new IntPointer((long) local);
      shifts[s] = new IntPointer((long) AugmentationDraw.INTS * local);
      free.add(s);
    }
    mean = pre.mean() == null ? null : new FloatPointer(pre.mean());
    float[] inv = null;
    if (pre.std() != null) {
      inv = new float[pre.std().length];
      for (int i = 0; i < inv.length; i++) inv[i] = 1f / pre.std()[i];
    }
    invStd = inv == null ? null : new FloatPointer(inv);
    order = new int[samples.size()];
    producer = prefetch == 0 ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cnn4j-batches");
      t.setDaemon(true);
      return t;
    });
  }

  /** The prefetch for {@code samples} in batches of {@code batchSize}: 0 when they fit in one, else {@code n}. */
  public static int prefetchFor(Samples samples, int batchSize, int n) {
    return samples.size() <= batchSize ? 0 : n;
  }

  /** Batches in each epoch (the last one short unless dropped). */
  public int batchesPerEpoch() {
    return batchesPerEpoch(samples.size(), batchSize, dropRemainder);
  }

  /** Batches in one pass over {@code n} samples. */
  public static int batchesPerEpoch(int n, int batchSize, boolean dropRemainder) {
    return dropRemainder ? n / batchSize : (int) ((n + (long) batchSize - 1) / batchSize);
  }

  /** Starts preparing the batches of an epoch (0-based) in the background (with prefetch 0: at once). */
  public void startEpoch(int epoch) {
    if (producer == null) {
      ready.clear();
      free.clear();
      free.add(0);
    } else if (running != null && !running.isDone()) {
      abandonEpoch();
    }
    for (int i = 0; i < order.length; i++) order[i] = i;
    if (shuffle) {
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
      for (int i = order.length - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    waitNanos = 0;
    epochDone = false;
    if (producer == null) {
      produce(epoch); // at most one batch: it and the end mark fit in the queue
    } else {
      running = producer.submit(() -> produce(epoch));
    }
  }

  /** Stops preparing a half-consumed epoch and takes every buffer back. */
  private void abandonEpoch() {
    running.cancel(true);
    try {
      producer.submit(() -> {}).get(); // the single producer thread has left the old epoch
    } catch (Exception e) {
      throw new IllegalStateException("the batch thread failed while stopping", e);
    }
    ready.clear();
    free.clear();
    for (int s = 0; s < images.length; s++) free.add(s);
  }

  private void produce(int epoch) {
    try {
      int[] y = samples.labels();
      int[] batchLabels = new int[batchSize];
      int[] draws = new int[AugmentationDraw.INTS * batchSize];
      int height = samples.shape().get(0);
      int width = samples.shape().rank() > 1 ? samples.shape().get(1) : 1;
      for (int b = 0; b < batchesPerEpoch(); b++) {
        int slot = free.take();
        int global = Math.min(batchSize, order.length - b * batchSize);
        int first = (int) ((long) rank * global / ranks); // this rank's slice [first, end) of the global batch
        int end = (int) ((long) (rank + 1) * global / ranks);
        int from = b * batchSize + first;
        int count = end - first;
        long shiftAddress = 0;
        if (pre.augments()) {
          for (int i = 0; i < count; i++) { // keyed by the position in the global batch: any rank count draws alike
            AugmentationDraw.draw(pre, height, width, seed, epoch, from + i, draws, AugmentationDraw.INTS * i);
          }
          shifts[slot].put(draws, 0, AugmentationDraw.INTS * count);
          shiftAddress = shifts[slot].address();
        }
        if (count > 0) {
          samples.gather(order, from, count, images[slot].address(),
              new Samples.Conversion(pre, address(mean), address(invStd), shiftAddress, indices[slot]));
        }
        if (y != null) {
          for (int i = 0; i < count; i++) batchLabels[i] = y[order[from + i]];
          labels[slot].put(batchLabels, 0, count);
        }
        ready.put(new Batch(b, count, images[slot].address(), labels[slot].address(), slot, first));
      }
      ready.put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      ready.offer(e);
    }
  }

  /** The next batch of the epoch, or null when the epoch is done. Blocks while it is being prepared. */
  public Batch next() {
    if (epochDone) return null;
    long start = System.nanoTime();
    Object o;
    try {
      o = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    }
    waitNanos += System.nanoTime() - start;
    if (o instanceof RuntimeException e) {
      epochDone = true;
      throw e;
    }
    if (o instanceof Error e) {
      epochDone = true;
      throw e;
    }
    Batch b = (Batch) o;
    if (b != END) return b;
    epochDone = true;
    return null;
  }

  /** Hands a batch's buffers back for the next ones to be prepared in. */
  public void release(Batch b) {
    free.add(b.slot());
  }

  /** Seconds the consumer spent blocked in {@link #next} during the current epoch. */
  public double waitSeconds() {
    return waitNanos / 1e9;
  }

  private static long address(FloatPointer p) {
    return p == null ? 0 : p.address();
  }

  @Override
  public void close() {
    if (producer != null) producer.shutdownNow();
    try {
      if (producer != null && !producer.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the batch thread did not stop; not freeing its buffers");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (int s = 0; s < images.length; s++) {
      images[s].close();
      labels[s].close();
      indices[s].close();
      shifts[s].close();
    }
    if (mean != null) mean.close();
    if (invStd != null) invStd.close();
  }
}
