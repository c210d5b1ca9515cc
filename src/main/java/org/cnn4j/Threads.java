package org.cnn4j;

import org.cnn4j.kernels.Kernels;

/**
 * The one thread count that oneDNN's primitives and cnn4j's own kernels obey
 * (both run on the same OpenMP runtime). The default is OMP_NUM_THREADS, or
 * all cores; the {@code cnn4j} command's {@code --threads} sets both.
 *
 * <pre>{@code
 * Threads.set(1);   // from this thread on, every primitive and kernel runs single-threaded
 * }</pre>
 *
 * <p>OpenMP keeps the setting per calling thread: call it from the thread that
 * trains (primitives built before the call keep working and pick it up).
 */
public final class Threads {
  private Threads() {}

  /** Sets the number of threads, at least 1. */
  public static void set(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    Kernels.setNumThreads(threads);
  }

  /** The number of threads the next parallel primitive or kernel will use. */
  public static int get() {
    return Kernels.maxThreads();
  }
}
