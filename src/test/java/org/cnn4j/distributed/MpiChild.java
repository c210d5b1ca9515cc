package org.cnn4j.distributed;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.Callback;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;
import org.cnn4j.train.callbacks.CSVLogger;
import org.cnn4j.train.callbacks.ModelCheckpoint;
import org.cnn4j.train.callbacks.ReduceLROnPlateau;

/**
 * The program that {@link DistributedTest} runs under {@code mpirun} (and, for
 * the single-process references, in its own JVM through {@link #fit}). Each
 * rank prints "pid RANK PID" first; rank 0 prints "step N" after each step and
 * "done" at the end.
 *
 * <ul>
 *   <li>{@code fit DIR SAMPLES BATCH}: trains {@link #model} for one epoch of SAMPLES
 *       images, BATCH per process and step, and writes its weights to DIR/weights-RANK.bin.
 *   <li>{@code train DIR EPOCHS SLEEP_MS WATCHDOG_MS}: trains with a checkpoint every
 *       epoch in DIR, resuming from it when it exists; rank 0 sleeps SLEEP_MS after each
 *       step (so that the test can act in the middle of an epoch).
 *   <li>{@code cli ARGS...}: the {@code cnn4j} command with ARGS (no "pid" line).
 * </ul>
 */
public final class MpiChild {
  /** Images per process per step of {@code train}. */
  static final int BATCH = 8;

  private MpiChild() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("cli")) {
      org.cnn4j.cli.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Distributed d = Distributed.mpi();
    System.out.println("pid " + d.rank() + " " + ProcessHandle.current().pid());
    System.out.flush();
    switch (args[0]) {
      case "fit" -> fit(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), d);
      case "fitbn" -> fitBatchNormalization(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), d);
      case "train" -> train(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
          d.watchdog(Duration.ofMillis(Long.parseLong(args[4]))));
      case "mixed" -> mixed(d);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    if (d.rank() == 0) System.out.println("done");
  }

  /** Conv (8 channels: a blocked layout), pool, dropout, flatten, dense; compiled with Adam, seeded. */
  static Sequential model() {
    Sequential m = new Sequential("tiny");
    m.add(new Conv2D(8, 3).padding("same").activation("relu").inputShape(32, 32, 3));
    m.add(new MaxPool2D(2));
    m.add(new Dropout(0.25));
    m.add(new Flatten());
    m.add(new Dense(10).activation("softmax"));
    m.seed(3).compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  /** Shuffled, with random shifts and flips: every per-sample random draw of the pipeline is used. */
  static FitOptions options(int batch) {
    return new FitOptions().batchSize(batch).preprocessing(Preprocessing.scaled().withAugmentation(2, true));
  }

  static void fit(Path dir, int samples, int batch, Distributed d) throws IOException {
    try (Dataset train = SyntheticShapes.generate(samples, 5); Sequential m = model()) {
      m.fit(train, options(batch).epochs(1).distributed(d).callbacks(progress(0)));
      writeWeights(m, dir.resolve("weights-" + d.rank() + ".bin"));
    }
  }

  /** Conv, BatchNormalization, ReLU, pool, dense: one epoch, then every weight and the moving mean alone. */
  static void fitBatchNormalization(Path dir, int samples, int batch, Distributed d) throws IOException {
    try (Dataset train = SyntheticShapes.generate(samples, 5); Sequential m = new Sequential("bn")) {
      m.add(new Conv2D(8, 3).padding("same").inputShape(32, 32, 3));
      m.add(new org.cnn4j.layers.BatchNormalization());
      m.add(new org.cnn4j.layers.ReLU());
      m.add(new MaxPool2D(2));
      m.add(new Flatten());
      m.add(new Dense(10).activation("softmax"));
      m.seed(3).compile("adam", "sparse_categorical_crossentropy", "accuracy");
      m.fit(train, new FitOptions().batchSize(batch).shuffle(false).epochs(1).distributed(d));
      writeWeights(m, dir.resolve("weights-" + d.rank() + ".bin"));
      float[] mean = m.getWeights().get(m.weightNames().indexOf(m.weightNames().stream()
          .filter(n -> n.endsWith("moving_mean")).findFirst().orElseThrow()));
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("mean-" + d.rank()
          + ".bin")))) {
        for (float v : mean) out.writeFloat(v);
      }
    }
  }

  /** Rank 0 reads Flatten's output as a 2-D view, the others as the 4-D tensor: fit must refuse to start. */
  static void mixed(Distributed d) {
    try (Dataset train = SyntheticShapes.generate(16, 5); Sequential m = model()) {
      ((org.cnn4j.layers.Dense) m.layers().get(4)).inputLayout(
          d.rank() == 0 ? org.cnn4j.layers.DenseInput.VIEW : org.cnn4j.layers.DenseInput.FOUR_D);
      m.fit(train, options(8).epochs(1).distributed(d));
    }
  }

  /** The weights of every tensor in order, as float32 (big-endian). */
  static void writeWeights(Model m, Path file) throws IOException {
    try (OutputStream o = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(o)) {
      for (float[] w : m.getWeights()) for (float v : w) out.writeFloat(v);
    }
  }

  static void train(Path dir, int epochs, long sleepMillis, Distributed d) {
    LoadedModel saved = Resume.latest(dir.resolve("last.cnn4j"));
    try (Dataset train = SyntheticShapes.generate(48, 7); Dataset val = SyntheticShapes.generate(20, 8);
        Model m = saved != null ? saved.model() : model()) {
      FitOptions o = options(BATCH).epochs(epochs).validationData(val).deterministic(true).distributed(d)
          .callbacks(new ReduceLROnPlateau("val_loss").factor(0.5).patience(1).cooldown(1).minDelta(1e9),
              new CSVLogger(dir.resolve("log.csv"), true), new ModelCheckpoint(dir.resolve("last.cnn4j")),
              progress(sleepMillis));
      if (saved != null) o.resumeFrom(saved.state());
      m.fit(train, o);
    }
  }

  /** Prints "step N" (N the model's step count) after each step, then sleeps. */
  private static Callback progress(long sleepMillis) {
    return new Callback() {
      private org.cnn4j.train.TrainingRun run;

      @Override
      public void setRun(org.cnn4j.train.TrainingRun r) {
        run = r;
      }

      @Override
      public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        System.out.println("step " + run.model().counter().get());
        System.out.flush();
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
