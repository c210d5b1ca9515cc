package org.cnn4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.bench.MemoryReport;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.TrainTest;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.data.ImageFolderReader.ColorMode;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.Adam;
import org.cnn4j.plot.ConfusionMatrix;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;
import org.cnn4j.train.callbacks.CSVLogger;
import org.cnn4j.train.callbacks.ModelCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code cnn4j train}: trains a model and writes the seed's artefacts. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a CNN; write its history, curves, confusion matrix, report and model to --out.",
        "With no options it trains the reference CNN on the embedded shapes dataset (no download).",
        "Example, with CIFAR-10's JPEGs extracted to cifar10-jpeg/{train,test}/CLASS/:",
        "  cnn4j train --data folder:cifar10-jpeg --epochs 10 --batch 10 --out runs/cifar", ""})
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--data", defaultValue = "shapes", paramLabel = "SPEC", description = "Training data: "
      + DataSpec.HELP + " (default ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--model", defaultValue = "reference", paramLabel = "MODEL", description = ModelSpec.HELP + ".")
  String model;

  @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training data (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "10", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
  float lr;

  @Option(names = "--validation-split", paramLabel = "FRACTION",
      description = "Hold out this last fraction of the training data for validation when the data has no test set "
          + "(default: 0.2 then); 0 trains on all of it, with no validation.")
  Double validationSplit;

  @Option(names = "--augment", description = "Random 4-pixel shifts and horizontal flips while training.")
  boolean augment;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of data order, weights and dropout (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--image-size", paramLabel = "WxH", description = ImageSize.HELP
      + " Without it, the images of a folder must all have one size.")
  String imageSize;

  @Option(names = "--skip-damaged-images", description = "Leave out image files that cannot be decoded (counted "
      + "in a warning) instead of stopping.")
  boolean skipDamaged;

  @Option(names = "--threads", description = ThreadsOption.HELP)
  Integer threads;

  @Option(names = "--verbose", defaultValue = "1", description = "0 silent, 1 progress bar on a terminal, 2 one line per epoch.")
  int verbose;

  @Option(names = "--resume", paramLabel = "DIR", description = {"Checkpoint every epoch into DIR "
      + "(checkpoint.cnn4j, log.csv) and, if DIR already holds a checkpoint, continue from it: the same command "
      + "again after a crash or kill picks up where the last finished epoch left off."})
  Path resume;

  @Option(names = "--deterministic", description = "Refuse anything that would make the run differ bitwise from "
      + "an uninterrupted one with the same seed (a changed thread count, seed or batch size on resume).")
  boolean deterministic;

  @Option(names = "--report-memory", description = "Print the resident set size after each epoch (JSON lines).")
  boolean reportMemory;

  @Option(names = "--out", defaultValue = "runs/train", paramLabel = "DIR",
      description = "Where to write history.csv/json, accuracy.png, loss.png, confusion-matrix.png/csv, report.txt, "
          + "model.cnn4j (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (epochs < 1) throw new IllegalArgumentException("--epochs " + epochs + ": expected at least 1");
    if (batch < 1) throw new IllegalArgumentException("--batch " + batch + ": expected at least 1");
    ImageSize size = ImageSize.parse(imageSize);
    if (size != null && !DataSpec.isFolder(data)) {
      throw new IllegalArgumentException("--image-size is for image folders (--data folder:DIR); the images of --data "
          + data + " have a fixed size");
    }
    ThreadsOption.apply(threads);
    if (validationSplit != null && !(validationSplit >= 0 && validationSplit < 1)) {
      throw new IllegalArgumentException("--validation-split " + validationSplit(validationSplit)
          + ": expected a fraction from 0 (no validation) to 1 (exclusive)");
    }
    RunOutputs.directory(out, "--out"); // fail now, not after the last epoch
    Path checkpoint = resume == null ? null : resume.resolve("checkpoint.cnn4j");
    if (resume != null) RunOutputs.directory(resume, "--resume");
    LoadedModel saved = checkpoint == null ? null : Resume.latest(checkpoint);
    DataSpec.Reading reading = new DataSpec.Reading(seed, size == null ? 0 : size.height(),
        size == null ? 0 : size.width(), ColorMode.RGB, skipDamaged);
    try (TrainTest sets = DataSpec.load(data, reading);
        Sequential m = saved != null ? saved.model() : ModelSpec.create(model, sets.train())) {
      Dataset train = sets.train();
      Dataset validation = sets.test();
      if (train.numClasses() < 2) {
        throw new IllegalArgumentException("the data has one class (" + String.join("", train.classNames())
            + "): a classifier needs at least two, since one output is always right; for a folder, put each "
            + "class's images in a subfolder of its own");
      }
      if (saved != null) ModelSpec.check(m, train, checkpoint.toString());
      double split = validationSplit != null ? validationSplit : validation == null ? 0.2 : 0;
      if (validation != null && split > 0) {
        throw new IllegalArgumentException("--data " + data + " has a test set; --validation-split is for data "
            + "without one");
      }
      if (saved == null) { // a resumed model keeps its optimizer state, learning rate and seed
        // A saved model (MODEL.cnn4j) has run: it keeps its seed of dropout masks (--seed still orders the
        // data) and, unless --lr is given, the learning rate it was saved with.
        boolean savedModel = ModelSpec.isSavedModel(model);
        if (m.loss() == null) m.compile(new Adam(lr), new SparseCategoricalCrossentropy(), "accuracy");
        else if (!savedModel || given("--lr")) m.optimizer().setLearningRate(lr);
        if (!savedModel) m.seed(seed);
      } else if (verbose > 0) {
        System.out.println("resuming from " + checkpoint + " after epoch " + saved.state().epoch());
      }
      if (m.classNames() != null && !m.classNames().equals(train.classNames())) {
        Warnings.warn("the data's classes " + train.classNames() + " differ from the model's " + m.classNames()
            + "; the model goes on with the data's names");
      }
      m.classNames(train.classNames()); // saved in checkpoints and model.cnn4j, for evaluate and predict
      if (verbose > 0) System.out.print(m.summary());
      Preprocessing pre = augment ? Preprocessing.scaled().withAugmentation(4, true) : Preprocessing.scaled();
      FitOptions options = new FitOptions().batchSize(batch).epochs(epochs).verbose(verbose).seed(seed)
          .preprocessing(pre);
      if (reportMemory) options.callbacks(new MemoryReport(System.out));
      options.deterministic(deterministic);
      RunHistory runHistory = new RunHistory();
      options.callbacks(runHistory);
      if (checkpoint != null) {
        options.callbacks(new CSVLogger(resume.resolve("log.csv"), true), new ModelCheckpoint(checkpoint));
      }
      if (saved != null) options.resumeFrom(saved.state());
      if (validation != null) options.validationData(validation);
      if (split > 0) options.validationSplit(split);
      m.fit(train, options);

      RunOutputs.history(runHistory.history(), out); // every epoch of the run, resumed ones included
      // With no validation data (--validation-split 0) the matrix and report are of the training data.
      Dataset evalSet = validation != null ? validation : split > 0 ? train.split(split)[1] : train;
      ConfusionMatrix cm = RunOutputs.confusion(m, evalSet, Math.max(batch, 64), out);
      m.save(out.resolve("model.cnn4j"));
      RunOutputs.classes(train.classNames(), out.resolve("classes.txt"));
      if (verbose > 0) {
        StringBuilder confused = new StringBuilder();
        for (var c : cm.mostConfused(3)) {
          confused.append(confused.length() > 0 ? ", " : "").append(c.actualName()).append(" as ")
              .append(c.predictedName()).append(" (").append(c.count()).append(')');
        }
        System.out.printf(Locale.ROOT, "%s accuracy %.4f; most confused: %s%n",
            validation != null || split > 0 ? "validation" : "training (no validation data)", cm.accuracy(),
            confused.length() > 0 ? confused : "none");
        System.out.println("wrote " + out);
      }
    }
    return 0;
  }

  /** True when the user gave {@code option}, rather than its default. */
  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** The value as the user typed it, for -0.3 or 1.5; whole numbers without ".0". */
  private static String validationSplit(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }
}
