package org.cnn4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.cnn4j.dnnl.Dnnl;
import org.junit.jupiter.api.Test;

/**
 * The ISA cap that `mvn test`'s second run sets (ONEDNN_MAX_CPU_ISA=AVX2) reaches
 * both oneDNN and cnn4j's own kernels; without it both use what the CPU has.
 */
class IsaTest {
  @Test
  void oneDnnAndOurKernelsFollowTheCpuAndTheCap() throws IOException {
    Set<String> flags = cpuFlags();
    boolean avx512 = flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"));
    boolean avx2 = flags.containsAll(Set.of("avx2", "fma"));
    String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
    String kernels = Kernels.kernelIsa();
    String onednn = Dnnl.cpuIsa();
    if (cap != null && cap.toUpperCase(Locale.ROOT).startsWith("AVX2")) {
      assertEquals(avx2 ? "avx2" : "baseline", kernels, "cnn4j kernels under cap " + cap);
      assertTrue(onednn.startsWith("avx2") || !avx2, "oneDNN under cap " + cap + ": " + onednn);
    } else if (cap == null) {
      assertEquals(avx512 ? "avx512" : avx2 ? "avx2" : "baseline", kernels, "cnn4j kernels, CPU flags " + flags);
      if (avx512) assertTrue(onednn.startsWith("avx512"), "oneDNN on an AVX-512 CPU: " + onednn);
    }
  }

  private static Set<String> cpuFlags() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("flags")) return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
    }
    throw new IllegalStateException("no flags line in /proc/cpuinfo");
  }
}
