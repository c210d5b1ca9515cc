package org.cnn4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.Step;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.model.Executor;
import org.cnn4j.model.Model;

/**
 * Measures a model's training and inference throughput on synthetic data, and
 * where a training step's time goes: each oneDNN primitive and cnn4j kernel
 * timed inside real steps, the loss and the optimizer, against the whole step.
 *
 * <pre>{@code
 * TrainingBenchmark.Result r = TrainingBenchmark.train(model, 64, 5.0);
 * System.out.println(r.imagesPerSecond());
 * }</pre>
 */
public final class TrainingBenchmark {
  /** Slices of plain steps, each followed by as many profiled steps. */
  private static final int SLICES = 10;

  private TrainingBenchmark() {}

  /** Time per step of one step of a plan (primitive or kernel), averaged over the timed steps. */
  public record StepTime(String layer, String role, String implementation, String problem, double seconds,
      double flops) {
    /** Billions of floating-point operations per second of this step. */
    public double gflops() {
      return seconds > 0 ? flops / seconds / 1e9 : 0;
    }
  }

  /** One measurement; {@code profile} is filled for training runs. */
  public record Result(String mode, int batch, int threads, int steps, double seconds, List<StepTime> profile,
      double lossSeconds, double optimizerSeconds, long planBytes) {
    /** Images trained (or inferred) per second. */
    public double imagesPerSecond() {
      return batch * steps / seconds;
    }

    /** Seconds per step. */
    public double stepSeconds() {
      return seconds / steps;
    }

    /** Sum of the oneDNN primitives' and cnn4j kernels' time per step. */
    public double kernelSeconds() {
      double s = 0;
      for (StepTime t : profile) s += t.seconds();
      return s;
    }
  }

  /**
   * Trains on random images for about {@code seconds} after a warm-up, in
   * slices: whole steps timed together, then as many steps with each part timed.
   */
  public static Result train(Model model, int batch, double seconds) {
    Executor ex = model.executor();
    Plan plan = ex.plan(batch, true, false);
    fill(model, plan, batch);
    long labels = plan.labels().address();
    Runnable step = () -> ex.trainStep(plan, labels, batch);
    warmUp(step, seconds);
    // Plain and profiled steps alternate in slices, so that both see the same
    // state of a shared machine and their ratio (the kernel limit) holds even
    // when the machine's speed drifts during the run.
    List<Step> all = plan.steps();
    int forward = plan.forwardSteps().size();
    long[] nanos = new long[all.size()];
    long lossNanos = 0;
    long optNanos = 0;
    long plainNanos = 0;
    int steps = 0;
    long slice = (long) (seconds * 1e9 / SLICES);
    for (int round = 0; round < SLICES; round++) {
      int n = 0;
      long start = System.nanoTime();
      while (System.nanoTime() - start < slice || n < 1) {
        step.run();
        n++;
      }
      plainNanos += System.nanoTime() - start;
      steps += n;
      // The same steps with each part timed: the plan's steps one by one, the loss, the update.
      for (int s = 0; s < n; s++) {
        for (int i = 0; i < all.size(); i++) {
          if (i == forward) {
            long t = System.nanoTime();
            ex.loss(plan, labels, batch);
            lossNanos += System.nanoTime() - t;
          }
          long t = System.nanoTime();
          all.get(i).run();
          nanos[i] += System.nanoTime() - t;
        }
        long t = System.nanoTime();
        ex.regularize();
        ex.update();
        optNanos += System.nanoTime() - t;
      }
    }
    double total = plainNanos / 1e9;
    List<StepTime> profile = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Step s = all.get(i);
      profile.add(new StepTime(s.layer(), s.role(), s.implementation(), s.problem(), nanos[i] / 1e9 / steps,
          s.flops()));
    }
    return new Result("train", batch, Kernels.maxThreads(), steps, total, profile, lossNanos / 1e9 / steps,
        optNanos / 1e9 / steps, plan.bytes());
  }

  /** Forward passes in inference mode on random images for about {@code seconds} after a warm-up. */
  public static Result infer(Model model, int batch, double seconds) {
    Plan plan = model.executor().plan(batch, false, false);
    fill(model, plan, batch);
    warmUp(plan::forward, seconds);
    int steps = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < (long) (seconds * 1e9) || steps < 3) {
      plan.forward();
      steps++;
    }
    return new Result("infer", batch, Kernels.maxThreads(), steps, (System.nanoTime() - start) / 1e9, List.of(), 0,
        0, plan.bytes());
  }

  /** The measurement as one JSON line (the harness's output format). */
  public static String json(Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", r.mode());
    m.put("batch", r.batch());
    m.put("threads", r.threads());
    m.put("isa", Dnnl.cpuIsa());
    m.put("kernels_isa", Kernels.kernelIsa());
    m.put("images_per_s", round(r.imagesPerSecond()));
    m.put("steps", r.steps());
    m.put("seconds", round(r.seconds()));
    m.put("rss_mb", round(rssMegabytes("VmRSS")));
    m.put("peak_rss_mb", round(rssMegabytes("VmHWM")));
    m.put("plan_kb_per_image", round(r.planBytes() / 1024.0 / r.batch()));
    StringBuilder s = new StringBuilder("{");
    m.forEach((key, v) -> s.append(s.length() > 1 ? "," : "").append('"').append(key).append("\":")
        .append(v instanceof String ? "\"" + v + "\"" : v));
    return s.append('}').toString();
  }

  /** Resident set size from /proc/self/status (VmRSS now, VmHWM peak), or NaN where there is none. */
  public static double rssMegabytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void warmUp(Runnable step, double seconds) {
    long end = System.nanoTime() + (long) (Math.min(1.0, seconds / 5) * 1e9);
    for (int i = 0; i < 5 || System.nanoTime() < end; i++) step.run();
  }

  /** Random pixels in [0, 1) and labels, in place: the numbers do not matter, only the work. */
  static void fill(Model model, Plan plan, int batch) {
    SplittableRandom r = new SplittableRandom(model.seed());
    float[] x = new float[(int) plan.input().floats()];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    plan.input().write(x);
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) y[i] = i % model.outputUnits();
    plan.labels().put(y);
  }
}
