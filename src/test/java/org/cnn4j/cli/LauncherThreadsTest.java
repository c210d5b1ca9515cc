package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's default thread count follows a container's CPU quota (cgroup v2 and v1). */
class LauncherThreadsTest {
  /** Runs the launcher's cpu_quota_threads function against a fake cgroup tree. */
  private static String quotaThreads(Path cgroup) throws IOException, InterruptedException {
    String script = "eval \"$(sed -n '/^cpu_quota_threads()/,/^}/p' cnn4j)\"; cpu_quota_threads";
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    pb.environment().put("CNN4J_CGROUP_ROOT", cgroup.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void quotaOfACgroupBecomesTheThreadCount(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cpu.max"), "150000 100000\n");
    assertEquals("2", quotaThreads(dir), "1.5 CPUs round up to 2 threads");
    Files.writeString(dir.resolve("cpu.max"), "100000 100000\n");
    assertEquals("1", quotaThreads(dir));
    Files.writeString(dir.resolve("cpu.max"), "max 100000\n");
    assertEquals("", quotaThreads(dir), "no quota: OpenMP's own default");
    Files.delete(dir.resolve("cpu.max"));
    Files.createDirectories(dir.resolve("cpu"));
    Files.writeString(dir.resolve("cpu/cpu.cfs_quota_us"), "50000\n");
    Files.writeString(dir.resolve("cpu/cpu.cfs_period_us"), "100000\n");
    assertEquals("1", quotaThreads(dir), "cgroup v1: half a CPU is one thread");
    Files.writeString(dir.resolve("cpu/cpu.cfs_quota_us"), "-1\n");
    assertEquals("", quotaThreads(dir));
  }
}
