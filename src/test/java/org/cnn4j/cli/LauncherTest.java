package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cnn4j launcher script, run beside a stand-in build so that it neither builds nor trains. */
class LauncherTest {
  private static String stderr(Path root, String threadsEnv, String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add("bash");
    pb.command().add(root.resolve("cnn4j").toString());
    pb.command().addAll(java.util.List.of(args));
    pb.environment().put("CNN4J_THREADS", threadsEnv);
    pb.environment().put("CNN4J_JAVA_OPTS", "-Xshare:auto"); // the stand-in classpath has no Main: java fails fast
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return err;
  }

  /** Issue 15, item 12: a CNN4J_THREADS above the cores is warned of, as --threads is by the command. */
  @Test
  void warnsOfMoreThreadsThanCoresFromTheEnvironment(@TempDir Path root) throws Exception {
    Files.copy(Path.of("cnn4j"), root.resolve("cnn4j"));
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/classpath.txt"), "");
    Files.write(root.resolve("target/cnn4j.jar"), new byte[0]);
    int cores = Runtime.getRuntime().availableProcessors();
    String many = stderr(root, Integer.toString(cores + 1), "--version");
    assertTrue(many.contains("warning: CNN4J_THREADS=" + (cores + 1) + " is more than the " + cores + " cores"), many);
    String given = stderr(root, Integer.toString(cores + 1), "--threads", "1", "--version");
    assertFalse(given.contains("warning: CNN4J_THREADS"), "--threads wins over the variable: " + given);
    String fine = stderr(root, "1", "--version");
    assertFalse(fine.contains("warning"), fine);
  }
}
