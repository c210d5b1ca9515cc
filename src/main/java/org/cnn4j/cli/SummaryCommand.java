package org.cnn4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cnn4j.model.Models;
import org.cnn4j.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn4j summary}: Keras's summary table of a model. */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = {"Print a model's layers, output shapes and parameter counts, as Keras's model.summary().",
        "Example: cnn4j summary --model model.json"})
final class SummaryCommand implements Callable<Integer> {
  @Option(names = "--model", defaultValue = "reference", paramLabel = "MODEL", description = ModelSpec.HELP
      + " (default ${DEFAULT-VALUE}, shown for 32x32x3 images and 10 classes).")
  String model;

  @Option(names = "--weights", paramLabel = "WEIGHTS.h5", description = ModelSpec.WEIGHTS_HELP)
  Path weights;

  @Override
  public Integer call() {
    try (Model m = ModelSpec.load(model, weights)) {
      System.out.print(m.summary());
    }
    return 0;
  }
}
