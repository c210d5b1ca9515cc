package org.cnn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts {@link MpiChild} under {@code mpirun -np N} (or alone, as a plain JVM),
 * one OpenMP thread per process, and hands its output over line by line.
 */
final class Launcher {
  private static final String LOST = "<end of output>";

  private Launcher() {}

  /** Skips the calling test when Open MPI or cnn4j's MPI library is missing (.ci/run installs both). */
  static void assumeMpi() {
    Assumptions.assumeTrue(mpirun() != null, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)");
    Assumptions.assumeTrue(Launcher.class.getResource("/org/cnn4j/kernels/linux-x86_64/libcnn4jmpi.so") != null,
        "cnn4j was built without MPI (libcnn4jmpi.so is missing)");
  }

  private static Path mpirun() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "mpirun");
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }

  /** A running job; its merged standard output arrives in {@code lines}, its errors in {@code log}. */
  record Job(Process process, BlockingQueue<String> lines, Path log) {
    /** Waits for a line starting with {@code prefix}; returns it. */
    String await(String prefix) throws Exception {
      for (String l; (l = lines.poll(60, TimeUnit.SECONDS)) != null; ) {
        if (l.startsWith(prefix)) return l;
        if (l.equals(LOST)) break;
      }
      fail("the job never printed \"" + prefix + "\"; its errors:\n" + Files.readString(log));
      return null;
    }

    /** The process id that rank {@code rank} printed ("pid RANK PID"). */
    long pid(int rank) throws Exception {
      List<String> early = new ArrayList<>();
      while (true) {
        String l = await("pid ");
        String[] f = l.split(" ");
        if (Integer.parseInt(f[1]) == rank) {
          lines.addAll(early); // the other ranks' lines stay readable
          return Long.parseLong(f[2]);
        }
        early.add(l);
      }
    }

    /** The lines not read yet, up to the end of the output. */
    List<String> rest() throws InterruptedException {
      List<String> out = new ArrayList<>();
      for (String l; (l = lines.poll(60, TimeUnit.SECONDS)) != null && !l.equals(LOST); ) out.add(l);
      return out;
    }

    /** Waits for the job to end successfully. */
    void finish() throws Exception {
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the job did not finish");
      assertEquals(0, process.exitValue(), Files.readString(log));
    }

    String errors() throws IOException {
      return Files.readString(log);
    }
  }

  /** {@code mpirun -np processes java ... MpiChild args}, or a plain JVM when processes is 0. */
  static Job start(Path dir, String name, int processes, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    if (processes > 0) {
      command.addAll(List.of(mpirun().toString(), "--oversubscribe", "--bind-to", "none", "-np",
          String.valueOf(processes), "-x", "OMP_NUM_THREADS=1"));
      if ("root".equals(System.getProperty("user.name"))) command.add("--allow-run-as-root");
    }
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss4m",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), MpiChild.class.getName()));
    command.addAll(List.of(args));
    Path log = dir.resolve(name + ".err");
    ProcessBuilder b = new ProcessBuilder(command).redirectError(log.toFile());
    b.environment().put("OMP_NUM_THREADS", "1");
    Process p = b.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) lines.add(l);
      } catch (IOException e) {
        // The job died: the end marker below says so.
      }
      lines.add(LOST);
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
    return new Job(p, lines, log);
  }
}
