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
 */
public final class Batches implements AutoCloseable {
  /** A prepared batch; its buffers stay valid until {@link #release}. */
  public record Batch(int index, int count, long images, long labels, int slot) {}

  private static final Batch END = new Batch(-1, 0, 0, 0, -1);

  private final Samples samples;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropRemainder;
  private final long seed;
  private final Preprocessing pre;
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
   * @param prefetch batches prepared ahead of the one in use (at least 1)
   */
  public Batches(Samples samples, int batchSize, boolean shuffle, boolean dropRemainder, long seed,
      Preprocessing pre, int prefetch) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    if (prefetch < 1) throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
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
    int slots = prefetch + 1;
    long floats = (long) batchSize * samples.shape().size();
    images = new Tensor[slots];
    labels = new IntPointer[slots];
    indices = new IntPointer[slots];
    shifts = new IntPointer[slots];
    free = new ArrayBlockingQueue<>(slots);
    ready = new ArrayBlockingQueue<>(slots + 1);
    for (int s = 0; s < slots; s++) {
      images[s] = Tensor.allocateUnscoped(new long[] {floats}, memory.format_tag.x);
      labels[s] = new IntPointer((long) batchSize);
      indices[s] = new IntPointer((long) batchSize);
      shifts[s] = new IntPointer(3L * batchSize);
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
    producer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cnn4j-batches");
      t.setDaemon(true);
      return t;
    });
  }

  /** Batches in each epoch (the last one short unless dropped). */
  public int batchesPerEpoch() {
    return batchesPerEpoch(samples.size(), batchSize, dropRemainder);
  }

  /** Batches in one pass over {@code n} samples. */
  public static int batchesPerEpoch(int n, int batchSize, boolean dropRemainder) {
    return dropRemainder ? n / batchSize : (int) ((n + (long) batchSize - 1) / batchSize);
  }

  /** Starts preparing the batches of an epoch (0-based) in the background. */
  public void startEpoch(int epoch) {
    if (running != null && !running.isDone()) abandonEpoch();
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
    running = producer.submit(() -> produce(epoch));
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
      int[] batchShifts = new int[3 * batchSize];
      for (int b = 0; b < batchesPerEpoch(); b++) {
        int slot = free.take();
        int from = b * batchSize;
        int count = Math.min(batchSize, order.length - from);
        long shiftAddress = 0;
        if (pre.augments()) {
          SplittableRandom r = new SplittableRandom((seed ^ 0x5DEECE66DL) * 31 + epoch * 1_000_003L + b);
          int p = pre.cropPadding();
          for (int i = 0; i < count; i++) {
            batchShifts[3 * i] = p == 0 ? 0 : r.nextInt(2 * p + 1) - p;
            batchShifts[3 * i + 1] = p == 0 ? 0 : r.nextInt(2 * p + 1) - p;
            batchShifts[3 * i + 2] = pre.horizontalFlip() && r.nextBoolean() ? 1 : 0;
          }
          shifts[slot].put(batchShifts, 0, 3 * count);
          shiftAddress = shifts[slot].address();
        }
        samples.gather(order, from, count, images[slot].address(),
            new Samples.Conversion(pre, address(mean), address(invStd), shiftAddress, indices[slot]));
        if (y != null) {
          for (int i = 0; i < count; i++) batchLabels[i] = y[order[from + i]];
          labels[slot].put(batchLabels, 0, count);
        }
        ready.put(new Batch(b, count, images[slot].address(), labels[slot].address(), slot));
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
    producer.shutdownNow();
    try {
      if (!producer.awaitTermination(10, TimeUnit.SECONDS)) {
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
