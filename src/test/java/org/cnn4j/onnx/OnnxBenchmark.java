package org.cnn4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.Threads;
import org.cnn4j.bench.TrainingBenchmark;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;

/**
 * Inference speed of cnn4j and ONNX Runtime on the same exported model, the same thread count
 * and batch sizes, in one run; prints a table. Not a test: run it on a quiet machine (see the
 * README's "ONNX export" section for the command).
 *
 * <p>Per model and batch size: cnn4j's inference plan (forward passes on a batch already in place,
 * as {@code cnn4j bench} measures), cnn4j's {@code predict(float[], batch)} (input copy, batch
 * preparation, output copy included) and ONNX Runtime's {@code session.run} on the NHWC export
 * (input tensor made once; output tensor made per run), each after a warm-up.
 *
 * <p>Arguments: {@code --models reference,resnet20} (zoo names, built for 32x32x3 images and 10
 * classes), {@code --batches 1,256}, {@code --threads N} (default: the cores this process may use),
 * {@code --seconds S} (per measurement, default 5).
 */
public final class OnnxBenchmark {
  private OnnxBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> models = List.of("reference", "resnet20");
    int[] batches = {1, 256};
    int threads = Runtime.getRuntime().availableProcessors();
    double seconds = 5;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--models" -> models = List.of(v.split(","));
        case "--batches" -> batches = java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--threads" -> threads = Integer.parseInt(v);
        case "--seconds" -> seconds = Double.parseDouble(v);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + ": expected --models, --batches, --threads or --seconds");
      }
      i++;
    }
    Threads.set(threads);
    System.out.printf(Locale.ROOT, "cnn4j vs ONNX Runtime, %d threads, %.1f s per measurement, oneDNN ISA %s%n",
        threads, seconds, Dnnl.cpuIsa());
    System.out.printf(Locale.ROOT, "%-10s %6s %16s %16s %16s %10s%n", "model", "batch", "cnn4j plan",
        "cnn4j predict", "ONNX Runtime", "ORT/cnn4j");
    for (String name : models) {
      for (int batch : batches) {
        try (Model m = Models.byName(name, 32, 32, 3, 10)) {
          if (m == null) throw new IllegalArgumentException("no zoo model named " + name + ": " + Models.NAMES);
          double plan = TrainingBenchmark.infer(m, batch, seconds).imagesPerSecond();
          double predict = predict(m, batch, seconds);
          double ort = onnxRuntime(OnnxExport.toBytes(m, new OnnxOptions()), m.inputShape(), batch, threads, seconds);
          System.out.printf(Locale.ROOT, "%-10s %6d %12.1f i/s %12.1f i/s %12.1f i/s %10.2f%n", name, batch, plan,
              predict, ort, ort / plan);
        }
      }
    }
    System.out.println("i/s: images per second (higher is better); ORT/cnn4j: ONNX Runtime over cnn4j's plan.");
  }

  /** Images per second of model.predict on one batch of random inputs. */
  private static double predict(Model m, int batch, double seconds) {
    float[] x = random(batch * m.inputShape().size());
    return timed(() -> m.predict(x, batch), batch, seconds);
  }

  /** Images per second of ONNX Runtime's session.run, intra-op threads as cnn4j's, one inter-op thread. */
  private static double onnxRuntime(byte[] onnx, Shape in, int batch, int threads, double seconds) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(onnx, threads);
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(random(batch * in.size())),
            new long[] {batch, in.get(0), in.get(1), in.get(2)})) {
      OrtSession session = ort.session();
      Map<String, OnnxTensor> feed = Map.of("input", x);
      return timed(() -> {
        try (OrtSession.Result r = session.run(feed)) {
          if (r.size() != 1) throw new IllegalStateException("one output expected");
        } catch (ai.onnxruntime.OrtException e) {
          throw new IllegalStateException(e);
        }
      }, batch, seconds);
    }
  }

  /** A warm-up of a fifth of the time (at least 3 runs), then runs for {@code seconds} (at least 3). */
  private static double timed(Runnable run, int batch, double seconds) {
    long warm = System.nanoTime() + (long) (seconds / 5 * 1e9);
    for (int i = 0; i < 3 || System.nanoTime() < warm; i++) run.run();
    int runs = 0;
    long start = System.nanoTime();
    while (runs < 3 || System.nanoTime() - start < (long) (seconds * 1e9)) {
      run.run();
      runs++;
    }
    return (double) runs * batch / ((System.nanoTime() - start) / 1e9);
  }

  private static float[] random(long n) {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[(int) n];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    return x;
  }
}
