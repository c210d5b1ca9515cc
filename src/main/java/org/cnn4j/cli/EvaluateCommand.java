package org.cnn4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.TrainTest;
import org.cnn4j.Threads;
import org.cnn4j.model.Model;
import org.cnn4j.plot.ConfusionMatrix;
import org.cnn4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn4j evaluate}: loss, accuracy, confusion matrix and report of a saved model on a dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a saved model on a dataset's test set (or all of it when it has none).",
        "Example: cnn4j evaluate --model runs/train/model.cnn4j --data shapes --out runs/eval"})
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL.cnn4j", description = "A model saved by cnn4j.")
  String model;

  @Option(names = "--data", defaultValue = "shapes", paramLabel = "SPEC", description = DataSpec.HELP
      + " (default ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated shapes data (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", description = "Threads for oneDNN and cnn4j's kernels (default: all cores).")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", description = "Also write confusion-matrix.png/csv and report.txt here.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (threads != null) Threads.set(threads);
    if (out != null) RunOutputs.directory(out, "--out");
    try (TrainTest sets = DataSpec.load(data, seed); Model m = ModelSpec.loadSaved(model)) {
      Dataset set = sets.test() != null ? sets.test() : sets.train();
      ModelSpec.check(m, set, model);
      if (m.loss() == null) m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      Evaluation ev = m.evaluate(set, batch);
      System.out.printf(Locale.ROOT, "%d samples - loss: %.4f - accuracy: %.4f%n", ev.samples(), ev.loss(),
          ev.accuracy());
      if (out != null) {
        ConfusionMatrix cm = RunOutputs.confusion(m, set, batch, out);
        System.out.print(cm.report().toText());
        System.out.println("wrote " + out);
      }
    }
    return 0;
  }
}
