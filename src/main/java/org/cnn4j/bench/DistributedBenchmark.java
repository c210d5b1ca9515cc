package org.cnn4j.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Locale;
import org.cnn4j.distributed.DataParallel;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.kernels.Kernels;
import java.util.function.Consumer;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.model.Executor;
import org.cnn4j.model.Model;

/**
 * Data-parallel training throughput, run in every process of an MPI job: real
 * training steps on random images (a batch per process) with the gradient sum
 * of {@link DataParallel}, and how long that sum takes per step.
 *
 * <pre>{@code
 * // under mpirun -np 2: every rank calls it, rank 0 prints the result
 * DistributedBenchmark.Result r = DistributedBenchmark.train(model, 64, 10.0, DataParallel.of(Distributed.mpi()));
 * }</pre>
 */
public final class DistributedBenchmark {
  private static final int WARM_UP_STEPS = 10;

  private DistributedBenchmark() {}

  /**
   * One measurement: images per second of the whole job, and the per-step time
   * of the reduction (loss and counts, then the gradient arena; it includes
   * waiting for the slowest process) as median and 90th percentile, and its
   * share of the step.
   */
  public record Result(int processes, int threads, int batch, int steps, double seconds, double reduceMedianMs,
      double reduceP90Ms, double reduceShare) {
    public double imagesPerSecond() {
      return (double) processes * batch * steps / seconds;
    }

    public String json() {
      return String.format(Locale.ROOT, "{\"mode\":\"distributed\",\"processes\":%d,\"threads_per_process\":%d,"
          + "\"batch_per_process\":%d,\"images_per_s\":%.1f,\"steps\":%d,\"seconds\":%.2f,"
          + "\"allreduce_ms_median\":%.3f,\"allreduce_ms_p90\":%.3f,\"allreduce_share\":%.3f}", processes, threads,
          batch, imagesPerSecond(), steps, seconds, reduceMedianMs, reduceP90Ms, reduceShare);
    }

    /** Reads {@link #json}'s line back. */
    public static Result parse(String json) {
      try {
        JsonNode n = new ObjectMapper().readTree(json);
        return new Result(n.get("processes").asInt(), n.get("threads_per_process").asInt(),
            n.get("batch_per_process").asInt(), n.get("steps").asInt(), n.get("seconds").asDouble(),
            n.get("allreduce_ms_median").asDouble(), n.get("allreduce_ms_p90").asDouble(),
            n.get("allreduce_share").asDouble());
      } catch (JsonProcessingException | NullPointerException e) {
        throw new IllegalArgumentException("not a distributed benchmark result: " + json, e);
      }
    }
  }

  /**
   * Trains for about {@code seconds} after a warm-up; every rank runs the step
   * count that rank 0 chooses, so that all of them make the same collective calls.
   */
  public static Result train(Model model, int batch, double seconds, DataParallel dp) {
    Executor ex = model.executor();
    Plan plan = ex.plan(batch, true, false);
    TrainingBenchmark.fill(model, plan, batch);
    dp.begin(model, 0);
    long labels = plan.labels().address();
    long[] reduce = new long[1];
    double[] sums = new double[3];
    // The reduction is the executor's gradient hook, as in fit; timed on its own.
    Consumer<ParameterArena> hook = arena -> {
      long t = System.nanoTime();
      dp.reduceGradients(model, sums);
      reduce[0] = System.nanoTime() - t;
    };
    Runnable step = () -> {
      sums[0] = ex.forward(plan, labels, batch);
      sums[1] = 0;
      sums[2] = batch;
      plan.backward();
      ex.update();
    };
    ex.addGradientHook(hook);
    try {
      return measure(step, reduce, batch, seconds, dp);
    } finally {
      ex.removeGradientHook(hook);
    }
  }

  private static Result measure(Runnable step, long[] reduce, int batch, double seconds, DataParallel dp) {
    long start = System.nanoTime();
    for (int i = 0; i < WARM_UP_STEPS; i++) step.run();
    double perStep = (System.nanoTime() - start) / 1e9 / WARM_UP_STEPS;
    int steps = (int) dp.fromChief(Math.max(10, Math.round(seconds / perStep)));
    long[] nanos = new long[steps];
    start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      step.run();
      nanos[i] = reduce[0];
    }
    double total = (System.nanoTime() - start) / 1e9;
    long sum = Arrays.stream(nanos).sum();
    Arrays.sort(nanos);
    return new Result(dp.size(), Kernels.maxThreads(), batch, steps, total, nanos[steps / 2] / 1e6,
        nanos[Math.min(steps - 1, (int) Math.ceil(0.9 * steps) - 1)] / 1e6, sum / 1e9 / total);
  }
}
