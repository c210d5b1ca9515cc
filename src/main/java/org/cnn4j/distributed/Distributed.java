package org.cnn4j.distributed;

import java.time.Duration;
import java.util.Map;

/**
 * Synchronous data-parallel training over MPI, the setting of
 * {@code FitOptions.distributed}: the processes that {@code mpirun} (or
 * {@code srun --mpi=pmix}) started each train on their slice of every global
 * batch and sum their gradients before each optimizer step, so N processes with
 * batch B train like one process with batch N * B. Started without an MPI
 * launcher, or with one process, it is a world of one and nothing changes.
 *
 * <pre>{@code
 * // mpirun -np 2 java -cp ... MyTraining
 * model.fit(train, new FitOptions().batchSize(32).distributed(Distributed.mpi()));
 * }</pre>
 *
 * <p>MPI is initialised on first use of {@link #rank} or {@link #size} (or by
 * fit) and finalised when the JVM exits.
 */
public final class Distributed {
  /** The default watchdog bound: long enough for a checkpoint save and a validation pass of a big model. */
  public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(120);

  private static int[] world;

  private Duration watchdog = DEFAULT_WATCHDOG;

  private Distributed() {}

  /** Data parallelism over the processes of the MPI job this process belongs to. */
  public static Distributed mpi() {
    return new Distributed();
  }

  /**
   * How long a collective (a gradient sum, a broadcast, the end-of-epoch check)
   * may wait for the other processes before the job is aborted as hung (default
   * {@link #DEFAULT_WATCHDOG}). A rank that stops responding leaves the others
   * waiting in such a call, so this bounds how long a hung job lives; it must
   * exceed what rank 0 does alone between two steps (checkpoint saves, callbacks).
   */
  public Distributed watchdog(Duration bound) {
    if (bound == null || bound.isNegative() || bound.isZero()) {
      throw new IllegalArgumentException("the watchdog bound must be positive, got " + bound);
    }
    watchdog = bound;
    return this;
  }

  public Duration watchdog() {
    return watchdog;
  }

  /** This process's rank, 0 to size - 1 (0 outside an MPI job). */
  public int rank() {
    return world()[0];
  }

  /** The number of processes of the job (1 outside an MPI job). */
  public int size() {
    return world()[1];
  }

  /**
   * True when an MPI launcher started this process: Open MPI's mpirun, or a
   * PMIx or PMI launcher such as Slurm's srun.
   */
  public static boolean launchedByMpi() {
    Map<String, String> env = System.getenv();
    return env.containsKey("OMPI_COMM_WORLD_SIZE") || env.containsKey("PMIX_RANK") || env.containsKey("PMI_SIZE");
  }

  /** {rank, size}: MPI's once launched by MPI, {0, 1} otherwise (then MPI is never loaded). */
  static synchronized int[] world() {
    if (world == null) {
      if (!launchedByMpi()) {
        world = new int[] {0, 1};
      } else {
        int[] w = Mpi.init();
        world = new int[] {w[0], w[1]};
        Runtime.getRuntime().addShutdownHook(new Thread(Mpi::finish, "cnn4j-mpi-finalize"));
      }
    }
    return world;
  }

  @Override
  public String toString() {
    return "Distributed.mpi(watchdog " + watchdog.toMillis() / 1000.0 + " s)";
  }
}
