package org.cnn4j.bench;

import java.io.IOException;

/**
 * A busy single-threaded process beside the benchmark (a shell loop), as on a
 * shared server or a laptop: {@code cnn4j bench --neighbour} measures with one
 * running, so the figure beside a neighbour can be taken on any machine.
 *
 * <pre>{@code
 * try (BusyNeighbour n = BusyNeighbour.start()) { ... measure ... }
 * }</pre>
 */
public final class BusyNeighbour implements AutoCloseable {
  private final Process process;
  private final Thread killer;

  private BusyNeighbour(Process process) {
    this.process = process;
    // Ends the loop even when the JVM is stopped without closing this.
    this.killer = new Thread(process::destroyForcibly, "cnn4j-neighbour-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Starts the loop; it runs until {@link #close}. */
  public static BusyNeighbour start() {
    try {
      Process p = new ProcessBuilder("sh", "-c", "while :; do :; done").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return new BusyNeighbour(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the busy neighbour process (sh): " + e.getMessage(), e);
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
  }
}
