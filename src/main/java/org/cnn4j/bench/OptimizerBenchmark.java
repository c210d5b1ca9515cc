package org.cnn4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.AdamW;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;

/**
 * Times one optimizer update over the reference model's parameter arena
 * (1.06 M floats) without weight decay, with decay on every parameter, and
 * with decay on kernels only (the ranges path), so that the cost of decoupled
 * weight decay can be read on an idle machine. Variants alternate in slices, so
 * that all see the same state of the machine; one JSON line per variant with
 * the median microseconds per update.
 *
 * <pre>
 * java -cp target/cnn4j.jar:$(cat target/classpath.txt) org.cnn4j.bench.OptimizerBenchmark [updates, default 3000]
 * </pre>
 */
public final class OptimizerBenchmark {
  private static final int SLICES = 10;

  private OptimizerBenchmark() {}

  public static void main(String[] args) {
    int updates = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    if (updates < SLICES) throw new IllegalArgumentException("give at least " + SLICES + " updates, got " + updates);
    Map<String, Optimizer> variants = new LinkedHashMap<>();
    variants.put("adam", new Adam());
    variants.put("adamw_all", new AdamW());
    variants.put("adamw_kernels", new AdamW().excludeVectorsFromWeightDecay());
    variants.put("sgd_nesterov", new SGD(0.1f, 0.9f, true));
    variants.put("sgd_nesterov_wd_kernels", new SGD(0.1f, 0.9f, true).weightDecay(5e-3f)
        .excludeVectorsFromWeightDecay());
    try (Sequential model = Models.reference(32, 32, 3, 10)) {
      model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      ParameterArena arena = model.arena();
      fillGradients(arena);
      Map<String, List<Double>> micros = new LinkedHashMap<>();
      long[] t = new long[variants.size()];
      for (int slice = 0; slice < SLICES; slice++) {
        int v = 0;
        for (Map.Entry<String, Optimizer> e : variants.entrySet()) {
          int n = updates / SLICES;
          long start = System.nanoTime();
          for (int i = 0; i < n; i++) e.getValue().step(arena, ++t[v]);
          micros.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e3 / n);
          v++;
        }
      }
      for (Map.Entry<String, List<Double>> e : micros.entrySet()) {
        double[] sorted = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "{\"mode\":\"optimizer\",\"variant\":\"%s\",\"floats\":%d,\"updates\":%d,"
            + "\"median_us\":%.1f,\"min_us\":%.1f}%n", e.getKey(), arena.floats(), updates,
            sorted[sorted.length / 2], Arrays.stream(sorted).min().orElse(0));
      }
    }
  }

  /** Small nonzero gradients, so that the moments stay in the normal range. */
  private static void fillGradients(ParameterArena arena) {
    SplittableRandom r = new SplittableRandom(1);
    float[] g = new float[(int) arena.floats()];
    for (int i = 0; i < g.length; i++) g[i] = (float) ((r.nextDouble() - 0.5) * 1e-2);
    new FloatPointer(Tensor.at(arena.gradientsAddress())).capacity(g.length).put(g);
  }
}
