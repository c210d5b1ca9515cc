package org.cnn4j.cli;

import org.cnn4j.Threads;

/** The {@code --threads} option of every command. */
final class ThreadsOption {
  static final String HELP = "Threads for oneDNN and cnn4j's kernels (default: all cores, or CNN4J_THREADS).";

  private ThreadsOption() {}

  /** Sets the thread count when given, warning when it is more than the cores: oneDNN then runs far slower. */
  static void apply(Integer threads) {
    if (threads == null) return;
    if (threads < 1) throw new IllegalArgumentException("--threads " + threads + ": expected at least 1");
    warnIfOversubscribed(threads);
    Threads.set(threads);
  }

  static void warnIfOversubscribed(int threads) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (threads > cores) {
      Warnings.warn("--threads " + threads + " is more than the " + cores + " cores this process may use; "
          + "oneDNN's threads then wait for each other and training runs many times slower");
    }
  }
}
