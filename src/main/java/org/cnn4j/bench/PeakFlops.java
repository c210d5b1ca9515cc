package org.cnn4j.bench;

import org.cnn4j.kernels.Kernels;

/**
 * The FP32 peak of this machine at the current thread count, measured rather
 * than taken from a data sheet: every thread runs independent chains of the
 * widest fused multiply-add the CPU has, on registers only. Benchmarks quote
 * their GFLOP/s as a fraction of it.
 *
 * <pre>{@code
 * PeakFlops.Peak peak = PeakFlops.measure(0.5);
 * System.out.printf("%.0f GFLOP/s with %s on %d threads%n", peak.gflops(), peak.isa(), peak.threads());
 * }</pre>
 */
public final class PeakFlops {
  private static final int TRIALS = 5;

  private PeakFlops() {}

  /** The best of several trials; {@code gflops} is 0 on a CPU without FMA. */
  public record Peak(double gflops, int threads, String isa) {}

  /** Measures for about {@code seconds} in all (at least a few milliseconds per trial). */
  public static Peak measure(double seconds) {
    int width = Kernels.peakVectorFloats();
    String isa = width == 0 ? "none" : Kernels.kernelIsa();
    if (width == 0) return new Peak(0, Kernels.maxThreads(), isa);
    // Calibrate: one short run tells how many iterations a trial may take.
    long probe = 100_000;
    long start = System.nanoTime();
    double best = Kernels.peakGflops(probe);
    double probeSeconds = Math.max(1e-6, (System.nanoTime() - start) / 1e9);
    double trialSeconds = Math.max(0.005, seconds / TRIALS);
    long iterations = Math.max(probe, (long) (probe * trialSeconds / probeSeconds));
    for (int i = 0; i < TRIALS; i++) best = Math.max(best, Kernels.peakGflops(iterations));
    return new Peak(best, Kernels.maxThreads(), isa);
  }
}
