package org.cnn4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.bench.BusyNeighbour;
import org.cnn4j.bench.DistributedBenchmark;
import org.cnn4j.bench.PeakFlops;
import org.cnn4j.bench.TrainingBenchmark;
import org.cnn4j.bench.TrainingBenchmark.Result;
import org.cnn4j.bench.TrainingBenchmark.StepTime;
import org.cnn4j.Threads;
import org.cnn4j.distributed.DataParallel;
import org.cnn4j.distributed.Distributed;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DenseInput;
import org.cnn4j.layers.DenseInputChoice;
import org.cnn4j.layers.Layer;
import org.cnn4j.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn4j bench}: training and inference throughput, and where a step's time goes. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Benchmark training and inference of a model on synthetic data (fixed seed), warm-up excluded.",
        "Prints the FP32 peak measured at this thread count, one JSON line per measurement, then per batch "
            + "size one line per primitive (time per step, GFLOP/s, oneDNN implementation, problem in benchdnn "
            + "notation) and the split of the step's time.",
        "Example: cnn4j bench --batch 10,64,256 --seconds 5 --threads 2,1",
        "Data-parallel: --distributed compares 2 processes x 1 thread (started through mpirun) with 1 process "
            + "x 1 thread and 1 process x 2 threads, e.g. cnn4j bench --distributed --batch 64 --seconds 10.",
        "Run it on an idle machine: other busy processes stall oneDNN's threads.", ""})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--batch", split = ",", defaultValue = "10,64,256", description = "Batch sizes (default ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--seconds", defaultValue = "5", description = "Timed seconds per measurement (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--threads", split = ",", description = "Threads for oneDNN and cnn4j's kernels (default: all "
      + "cores); several (--threads 2,1) are measured one after the other for each batch size, with their ratio.")
  List<Integer> threads;

  @Option(names = "--model", defaultValue = "reference", paramLabel = "MODEL", description = ModelSpec.HELP
      + " (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Print the per-primitive profile and the step's time split (default on; --no-profile: off).")
  boolean profile;

  @Option(names = "--neighbour", description = "Measure with a busy single-threaded process (a shell loop) running "
      + "beside the benchmark, as on a shared server (default off).")
  boolean neighbour;

  @Option(names = "--dense-input", paramLabel = "FORM", description = "How Dense after Flatten reads its input: "
      + "view (a 2-D view), 4d (the 4-D blocked tensor) or auto (time both at the first plan and take the faster; "
      + "the default, or -Dcnn4j.denseInput). The profile's 'dense_input' line says what was taken.")
  String denseInput;

  @Option(names = "--distributed", description = {"Measure data-parallel training over MPI: under mpirun, every "
      + "process trains on its own batch with the gradient sum (rank 0 prints); otherwise run 1 process x 1 "
      + "thread, 1 process x --processes threads, then mpirun -np --processes with 1 thread each, and print the "
      + "scaling efficiency."})
  boolean distributed;

  @Option(names = "--processes", defaultValue = "2", description = "With --distributed: processes to start "
      + "(default ${DEFAULT-VALUE}).")
  int processes;

  @Override
  public Integer call() throws Exception {
    List<Integer> counts = threads == null ? List.of(Threads.get()) : threads;
    for (int t : counts) {
      if (t < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + t);
      ThreadsOption.warnIfOversubscribed(t);
    }
    for (int batch : batches) {
      if (batch < 1) throw new IllegalArgumentException("--batch sizes must be positive, got " + batch);
    }
    if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
    DenseInput form = null;
    if (denseInput != null) {
      try {
        form = DenseInput.parse(denseInput);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--dense-input: " + e.getMessage(), e);
      }
    }
    // A bad --model fails now, with its message, rather than after the peak measurement.
    ModelSpec.load(model).close();
    int callerThreads = Threads.get();
    String callerDenseInput = System.getProperty(DenseInput.PROPERTY);
    if (form != null) System.setProperty(DenseInput.PROPERTY, form.keyword()); // read by each Dense's first plan
    try (BusyNeighbour busy = neighbour ? BusyNeighbour.start() : null) {
      if (distributed) {
        measureDistributed();
        return 0;
      }
      measure(counts);
    } finally {
      Threads.set(callerThreads);
      if (callerDenseInput == null) System.clearProperty(DenseInput.PROPERTY);
      else System.setProperty(DenseInput.PROPERTY, callerDenseInput);
    }
    return 0;
  }

  private void measure(List<Integer> counts) {
    Map<Integer, Double> peaks = new LinkedHashMap<>();
    for (int t : counts) {
      Threads.set(t);
      PeakFlops.Peak peak = PeakFlops.measure(Math.min(1.0, seconds / 5));
      peaks.put(t, peak.gflops());
      System.out.println(String.format(Locale.ROOT,
          "{\"mode\":\"peak\",\"threads\":%d,\"isa\":\"%s\",\"gflops\":%.1f,\"neighbour\":%b}",
          peak.threads(), peak.isa(), peak.gflops(), neighbour));
    }
    for (int batch : batches) {
      Map<Integer, double[]> rates = new LinkedHashMap<>();
      for (int t : counts) {
        Threads.set(t);
        try (Model m = createModel()) {
          Result train = TrainingBenchmark.train(m, batch, seconds);
          Result infer = TrainingBenchmark.infer(m, batch, seconds);
          System.out.println(TrainingBenchmark.json(train));
          System.out.println(TrainingBenchmark.json(infer));
          if (profile) {
            printDenseInputs(m, batch, t);
            printProfile(train, peaks.get(t));
          }
          rates.put(t, new double[] {train.imagesPerSecond(), infer.imagesPerSecond()});
        }
      }
      if (counts.size() > 1) printScaling(batch, rates);
    }
  }

  private Model createModel() {
    Model m = ModelSpec.load(model);
    if (m.loss() == null) m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  /**
   * Under mpirun: this process's part of the data-parallel measurement. Otherwise
   * the single-process references, then the same command under mpirun.
   */
  private void measureDistributed() throws IOException, InterruptedException {
    if (processes < 2) throw new IllegalArgumentException("--processes must be at least 2, got " + processes);
    if (Distributed.launchedByMpi()) {
      try (DataParallel dp = DataParallel.of(Distributed.mpi())) {
        for (int batch : batches) {
          try (Model m = createModel()) {
            DistributedBenchmark.Result r = DistributedBenchmark.train(m, batch, seconds, dp);
            if (dp.chief()) System.out.println(r.json());
          }
        }
      }
      return;
    }
    for (int batch : batches) {
      double[] single = new double[2];
      int[] threadCounts = {1, processes};
      for (int i = 0; i < 2; i++) {
        Threads.set(threadCounts[i]);
        try (Model m = createModel()) {
          Result r = TrainingBenchmark.train(m, batch, seconds);
          single[i] = r.imagesPerSecond();
          System.out.println(TrainingBenchmark.json(r));
        }
      }
      DistributedBenchmark.Result r = runUnderMpirun(batch);
      System.out.println(r.json());
      System.out.println(String.format(Locale.ROOT, "{\"mode\":\"distributed_scaling\",\"batch_per_process\":%d,"
          + "\"processes\":%d,\"efficiency\":%.3f,\"vs_one_process_%d_threads\":%.3f}", batch, processes,
          r.imagesPerSecond() / (processes * single[0]), processes, r.imagesPerSecond() / single[1]));
    }
  }

  /** {@code mpirun -np P -x OMP_NUM_THREADS=1} this command for one batch size; rank 0's result. */
  private DistributedBenchmark.Result runUnderMpirun(int batch) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("mpirun", "-np", String.valueOf(processes), "-x",
        "OMP_NUM_THREADS=1"));
    if ("root".equals(System.getProperty("user.name"))) command.add("--allow-run-as-root");
    if (processes > Runtime.getRuntime().availableProcessors()) command.add("--oversubscribe");
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench",
        "--distributed", "--processes", String.valueOf(processes), "--batch", String.valueOf(batch), "--seconds",
        String.valueOf(seconds), "--model", model));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start mpirun (install Open MPI: apt-get install -y openmpi-bin "
          + "libopenmpi-dev): " + e.getMessage(), e);
    }
    String json = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) if (l.startsWith("{\"mode\":\"distributed\"")) json = l;
    }
    int status = p.waitFor();
    if (status != 0 || json == null) {
      throw new IllegalStateException("the distributed run failed (mpirun exit status " + status + "): "
          + String.join(" ", command));
    }
    return DistributedBenchmark.Result.parse(json);
  }

  /** Throughput at each thread count relative to the most threads measured. */
  private static void printScaling(int batch, Map<Integer, double[]> rates) {
    int most = rates.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
    double[] base = rates.get(most);
    rates.forEach((t, r) -> {
      if (t != most) {
        System.out.println(String.format(Locale.ROOT,
            "{\"mode\":\"scaling\",\"batch\":%d,\"threads\":%d,\"of_threads\":%d,\"train_ratio\":%.3f,"
                + "\"infer_ratio\":%.3f}", batch, t, most, r[0] / base[0], r[1] / base[1]));
      }
    });
  }

  /** Per Dense layer after Flatten: the form its first (training) plan took, why, and the times when measured. */
  private static void printDenseInputs(Model m, int batch, int threads) {
    for (Layer l : m.layers()) {
      if (!(l instanceof Dense d) || d.inputChoice() == null || d.inputChoice().reason().equals("only form")) continue;
      DenseInputChoice c = d.inputChoice();
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
          "{\"mode\":\"dense_input\",\"batch\":%d,\"threads\":%d,\"layer\":\"%s\",\"taken\":\"%s\",\"reason\":\"%s\"",
          batch, threads, d.name(), c.taken().keyword(), c.reason()));
      if (!Double.isNaN(c.viewSeconds())) {
        s.append(String.format(Locale.ROOT, ",\"view_ms\":%.4f,\"4d_ms\":%.4f,\"view_impl\":\"%s\",\"4d_impl\":\"%s\"",
            c.viewSeconds() * 1e3, c.fourDSeconds() * 1e3, c.viewImplementations(), c.fourDImplementations()));
      }
      System.out.println(s.append('}'));
    }
  }

  private static void printProfile(Result r, double peakGflops) {
    double reorders = 0;
    double primitives = 0;
    double ours = 0;
    double flops = 0;
    for (StepTime t : r.profile()) {
      System.out.println(String.format(Locale.ROOT,
          "{\"mode\":\"profile\",\"batch\":%d,\"layer\":\"%s\",\"pass\":\"%s\",\"ms\":%.4f,\"gflops\":%.1f,"
              + "\"impl\":\"%s\",\"problem\":\"%s\"}",
          r.batch(), t.layer(), t.role(), t.seconds() * 1e3, t.gflops(), t.implementation(), t.problem()));
      if (t.role().startsWith("reorder")) reorders += t.seconds();
      else if (t.implementation().equals("cnn4j")) ours += t.seconds();
      else primitives += t.seconds();
      flops += t.flops();
    }
    double step = r.stepSeconds();
    double parts = reorders + primitives + ours + r.lossSeconds() + r.optimizerSeconds();
    System.out.println(String.format(Locale.ROOT,
        "{\"mode\":\"split\",\"batch\":%d,\"step_ms\":%.3f,\"primitives_ms\":%.3f,\"reorders_ms\":%.3f,"
            + "\"cnn4j_kernels_ms\":%.3f,\"loss_ms\":%.3f,\"optimizer_ms\":%.3f,\"java_jni_ms\":%.3f,\"data_ms\":0,"
            + "\"step_gflops\":%.1f,\"percent_of_peak\":%.1f,\"kernel_limit_images_per_s\":%.0f,"
            + "\"percent_of_kernel_limit\":%.1f}",
        r.batch(), step * 1e3, primitives * 1e3, reorders * 1e3, ours * 1e3, r.lossSeconds() * 1e3,
        r.optimizerSeconds() * 1e3, Math.max(0, step - parts) * 1e3, flops / step / 1e9,
        peakGflops > 0 ? 100 * flops / step / 1e9 / peakGflops : 0,
        r.batch() / (primitives + reorders), 100 * (primitives + reorders) / step));
  }
}
