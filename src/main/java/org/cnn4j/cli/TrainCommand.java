package org.cnn4j.cli;

import java.util.concurrent.Callable;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.model.History;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.FitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn4j train}: trains the reference model. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the reference CNN (two 3x3x32 conv + ReLU, max-pool, dropout, dense 128, softmax).",
        "With no --data it uses the embedded generated shapes dataset: no download needed."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training data (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "10", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--train-samples", defaultValue = "6000",
      description = "Generated training images (default ${DEFAULT-VALUE}).")
  int trainSamples;

  @Option(names = "--test-samples", defaultValue = "1000",
      description = "Generated validation images (default ${DEFAULT-VALUE}).")
  int testSamples;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of data, weights, dropout, shuffling.")
  long seed;

  @Option(names = "--threads", description = "Threads for oneDNN and cnn4j kernels (default: all cores).")
  Integer threads;

  @Option(names = "--verbose", defaultValue = "1", description = "0 silent, 1 progress bar, 2 one line per epoch.")
  int verbose;

  @Override
  public Integer call() {
    if (threads != null) Kernels.setNumThreads(threads);
    Dataset[] data = SyntheticShapes.trainTest(trainSamples, testSamples, seed);
    try (Dataset train = data[0]; Dataset test = data[1]; Sequential model = Models.reference(32, 32, 3, 10)) {
      model.seed(seed);
      model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      if (verbose > 0) System.out.print(model.summary());
      History h = model.fit(train, new FitOptions().batchSize(batch).epochs(epochs).verbose(verbose)
          .validationData(test));
      if (verbose > 0 && h.epochs() > 0) {
        System.out.printf("final val_accuracy: %.4f%n", h.get("val_accuracy")[h.epochs() - 1]);
      }
    }
    return 0;
  }
}
