package org.cnn4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.ImageFolderReader.ColorMode;
import org.cnn4j.model.Model;
import org.cnn4j.plot.ConfusionMatrix;
import org.cnn4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn4j evaluate}: loss, accuracy, confusion matrix and report of a saved model on a dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a saved model on a dataset's test set (or on all of it when it has none); "
        + "the training set is not read.",
        "Example: cnn4j evaluate --model runs/train/model.cnn4j --data shapes --out runs/eval", ""})
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL.cnn4j",
      description = "A model saved by cnn4j, or the folder cnn4j train wrote it to; a Keras model file "
          + "(MODEL.keras, MODEL.h5); or a Keras JSON or zoo model with --weights.")
  String model;

  @Option(names = "--weights", paramLabel = "WEIGHTS.h5", description = ModelSpec.WEIGHTS_HELP)
  Path weights;

  @Option(names = "--data", required = true, paramLabel = "SPEC", description = "The data to evaluate on: "
      + DataSpec.HELP + ".")
  String data;

  @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--image-size", paramLabel = "WxH", description = ImageSize.HELP
      + " Default: the model's input size, as predict does.")
  String imageSize;

  @Option(names = "--skip-damaged-images", description = "Leave out image files that cannot be decoded (counted "
      + "in a warning) instead of stopping.")
  boolean skipDamaged;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated shapes data (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", description = ThreadsOption.HELP)
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", description = "Also write confusion-matrix.png/csv and report.txt "
      + "here. A folder that holds such files (of a training run, say) is kept: they then go to DIR-2 (or -3, ...).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (batch < 1) throw new IllegalArgumentException("--batch " + batch + ": expected at least 1");
    ImageSize size = ImageSize.parse(imageSize);
    ThreadsOption.apply(threads);
    Path outDir = out == null ? null : RunOutputs.versioned(out, "--out", RunOutputs.EVALUATE_FILES);
    try (Model m = ModelSpec.loadSaved(model, weights)) {
      int h = size != null ? size.height() : m.inputShape().get(0);
      int w = size != null ? size.width() : m.inputShape().get(1);
      ColorMode color = m.inputShape().get(2) == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB;
      try (Dataset set = DataSpec.loadEvaluation(data, new DataSpec.Reading(seed, h, w, color, skipDamaged))) {
        ModelSpec.check(m, set, model);
        ModelSpec.warnIfOtherClasses(m, model, set);
        if (m.loss() == null) m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        Evaluation ev = m.evaluate(set, batch);
        System.out.printf(Locale.ROOT, "%d samples - loss: %.4f - accuracy: %.4f%n", ev.samples(), ev.loss(),
            ev.accuracy());
        if (outDir != null) {
          ConfusionMatrix cm = RunOutputs.confusion(m, set, batch, outDir);
          System.out.print(cm.report().toText());
          System.out.println("wrote " + outDir);
        }
      }
    }
    return 0;
  }
}
