package org.cnn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.bench.MemoryReport;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.TrainTest;
import org.cnn4j.distributed.Distributed;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.data.ImageFolderReader.ColorMode;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.History;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.cnn4j.optim.Adam;
import org.cnn4j.plot.ConfusionMatrix;
import org.cnn4j.data.Batches;
import org.cnn4j.train.Callback;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Recipe;
import org.cnn4j.train.Resume;
import org.cnn4j.train.TimeToAccuracy;
import org.cnn4j.train.callbacks.CSVLogger;
import org.cnn4j.train.callbacks.EarlyStopping;
import org.cnn4j.train.callbacks.ModelCheckpoint;
import org.cnn4j.train.callbacks.ReduceLROnPlateau;
import picocli.CommandLine.Command;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code cnn4j train}: trains a model and writes the seed's artefacts. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a CNN; write its history, curves, confusion matrix, report and model to --out.",
        "With no options it trains the reference CNN on the embedded shapes dataset (no download).",
        "Data-parallel over MPI (2 processes of 1 thread, global batch 2 x 32):",
        "  mpirun -np 2 -x OMP_NUM_THREADS=1 ./cnn4j train --batch 32 --distributed",
        "With a recipe (cnn4j recipes lists them):",
        "  cnn4j train --data folder:cifar10-jpeg --recipe cifar10-resnet20-fast",

        "Ctrl-C stops at the end of the current batch and says where the last finished epoch is saved.",
        "Examples, with CIFAR-10's JPEGs in cifar10-jpeg/{train,test}/CLASS/ or in their archive (the last one "
            + "trains a saved model on):",
        "  cnn4j train --data folder:cifar10-jpeg --epochs 10 --out runs/cifar",
        "  cnn4j train --data folder:cifar10-jpeg.tar.gz --early-stopping 3",
        "  cnn4j train --model runs/cifar --data folder:cifar10-jpeg --epochs 2", ""})
final class TrainCommand implements Callable<Integer> {
  /** The subfolder of --out that holds the last finished epoch while training runs. */
  static final String BACKUP = "backup";

  @Spec
  CommandSpec spec;

  @Option(names = "--data", defaultValue = "shapes", paramLabel = "SPEC", description = "Training data: "
      + DataSpec.HELP + " (default ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--model", paramLabel = "MODEL", description = ModelSpec.HELP
      + " (default: reference, or the recipe's model when the zoo has it).")
  String model;

  @Option(names = "--weights", paramLabel = "WEIGHTS.h5", description = ModelSpec.WEIGHTS_HELP)
  Path weights;

  @Option(names = "--recipe", paramLabel = "NAME", description = "Train with a named recipe (optimizer, schedule, "
      + "weight decay, label smoothing, augmentation, batch size, epochs; see cnn4j recipes): "
      + "${COMPLETION-CANDIDATES}. Options given here override its values.", completionCandidates = RecipeNames.class)
  String recipe;

  @Option(names = "--epochs", description = "Passes over the training data (default 3, or the recipe's).")
  Integer epochs;

  @Option(names = "--batch", description = "Batch size (default 10, or the recipe's).")
  Integer batch;

  @Option(names = "--lr", description = "Learning rate (default: Adam's 0.001, or the recipe's base rate).")
  Float lr;

  @Option(names = "--label-smoothing", paramLabel = "LS", description = "Label smoothing of the loss, in [0, 1] "
      + "(default 0, or the recipe's).")
  Float labelSmoothing;

  @Option(names = "--validation-split", paramLabel = "FRACTION",
      description = "Hold out this last fraction of the training data for validation when the data has no test set "
          + "(default: 0.2 then); 0 trains on all of it, with no validation.")
  Double validationSplit;

  @Option(names = "--augment", negatable = true, description = "Random 4-pixel shifts (padded crops) and horizontal "
      + "flips while training (with a recipe: instead of the recipe's augmentation; --no-augment: none).")
  Boolean augment;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of data order, weights and dropout (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--image-size", paramLabel = "WxH", description = ImageSize.HELP
      + " Without it, the images of a folder must all have one size.")
  String imageSize;

  @Option(names = "--color-mode", paramLabel = "MODE", description = "rgb or grayscale: the channels image "
      + "folders are read into, whatever the files hold (default: rgb, or the resumed model's).")
  String colorMode;

  @Option(names = "--skip-damaged-images", description = "Leave out image files that cannot be decoded (counted "
      + "in a warning) instead of stopping.")
  boolean skipDamaged;

  @Option(names = "--threads", description = ThreadsOption.HELP)
  Integer threads;

  @Option(names = "--verbose", defaultValue = "1", description = "0 silent, 1 a progress bar on a terminal (one "
      + "line per epoch elsewhere), 2 one line per epoch (default ${DEFAULT-VALUE}).")
  int verbose;

  @Option(names = "--resume", paramLabel = "DIR", description = "Checkpoint every epoch into DIR "
      + "(checkpoint.cnn4j, log.csv) and, if DIR already holds a checkpoint, continue from it: the same command "
      + "again after a crash or kill picks up where the last finished epoch left off.")
  Path resume;

  @Option(names = "--deterministic", description = "Refuse anything that would make the run differ bitwise from "
      + "an uninterrupted one with the same seed (a changed thread count, seed or batch size on resume).")
  boolean deterministic;

  @Option(names = "--distributed", description = {"Data-parallel training over the processes of the MPI job "
      + "that runs this command (mpirun -np N ...): --batch is each process's share of the global batch; rank 0 "
      + "alone prints, checkpoints and writes --out. Without an MPI launcher it changes nothing."})
  boolean distributed;

  @Option(names = "--watchdog", defaultValue = "120", paramLabel = "SECONDS", description = {"With --distributed: "
      + "abort the job when a collective waits this long for the other processes (default ${DEFAULT-VALUE})."})
  double watchdog;

  @Option(names = "--report-memory", description = "Print the resident set size after each epoch (JSON lines).")
  boolean reportMemory;

  @Option(names = "--out", defaultValue = "runs/train", paramLabel = "DIR",
      description = "Where to write history.csv/json, accuracy.png, loss.png, learning-rate.png, "
          + "time-to-accuracy.csv, confusion-matrix.png/csv, report.txt and model.cnn4j (default ${DEFAULT-VALUE}). "
          + "A folder that holds an earlier run is kept: the run then writes to DIR-2 (or -3, ...) and says so. "
          + "Without --resume, each finished epoch is saved in DIR/" + BACKUP + "/ until the run ends, so that after "
          + "Ctrl-C or a crash --resume DIR/" + BACKUP + " goes on.")
  Path out;

  @Option(names = "--early-stopping", paramLabel = "PATIENCE", description = "Stop when val_loss (loss without "
      + "validation data) has not improved for PATIENCE epochs, and keep the best epoch's weights.")
  Integer earlyStopping;

  @Option(names = "--reduce-lr", paramLabel = "PATIENCE", description = "Multiply the learning rate by "
      + "--reduce-lr-factor when val_loss (loss without validation data) has not improved for PATIENCE epochs.")
  Integer reduceLr;

  @Option(names = "--reduce-lr-factor", defaultValue = "0.5", paramLabel = "FACTOR",
      description = "See --reduce-lr (default ${DEFAULT-VALUE}).")
  double reduceLrFactor;

  @Override
  public Integer call() throws Exception {
    if (epochs != null && epochs < 1) throw new IllegalArgumentException("--epochs " + epochs + ": expected at least 1");
    if (batch != null && batch < 1) throw new IllegalArgumentException("--batch " + batch + ": expected at least 1");
    if (earlyStopping != null && earlyStopping < 1) {
      throw new IllegalArgumentException("--early-stopping " + earlyStopping + ": expected at least 1 epoch");
    }
    if (reduceLr != null && reduceLr < 1) {
      throw new IllegalArgumentException("--reduce-lr " + reduceLr + ": expected at least 1 epoch");
    }
    if (!(reduceLrFactor > 0 && reduceLrFactor < 1)) {
      throw new IllegalArgumentException("--reduce-lr-factor " + reduceLrFactor + ": expected a factor between 0 and 1");
    }
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
    if (!(watchdog > 0)) throw new IllegalArgumentException("--watchdog must be positive, got " + watchdog);
    Distributed cluster = distributed ? Distributed.mpi().watchdog(Duration.ofMillis((long) (watchdog * 1000)))
        : null;
    if (cluster == null && Distributed.launchedByMpi()) {
      LoggerFactory.getLogger(TrainCommand.class).warn("started by an MPI launcher without --distributed: every "
          + "process trains alone and writes the same --out");
    }
    boolean chief = cluster == null || cluster.rank() == 0; // only rank 0 prints and writes
    if (!chief) verbose = 0;
    if (resume != null && chief) RunOutputs.directory(resume, "--resume");
    Recipe r = recipe == null ? null : Recipe.named(recipe);
    // A recipe's model when --model is not given.
    String modelSpec = model != null ? model : r != null && Models.NAMES.contains(r.model()) ? r.model() : "reference";
    // A folder holding an earlier run is kept: this run then writes to DIR-2 (or -3, ...). Nothing is created
    // before the first epoch ends, so a run that fails early leaves no empty folder.
    boolean resumesBackup = resume != null
        && resume.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize().resolve(BACKUP));
    List<String> earlier = new ArrayList<>(RunOutputs.TRAIN_FILES);
    if (!resumesBackup) earlier.add(BACKUP + "/checkpoint.cnn4j"); // an interrupted run's state is kept too
    Path outDir = resumesBackup || !chief ? out : RunOutputs.versioned(out, "--out", earlier);
    if (resumesBackup && chief) RunOutputs.versioned(out, "--out", List.of()); // checks only
    boolean outExisted = Files.exists(outDir);
    // Every epoch is checkpointed, as Keras's BackupAndRestore: into --resume, else into --out's backup/.
    Path checkpointDir = resume != null ? resume : outDir.resolve(BACKUP);
    Path checkpoint = checkpointDir.resolve("checkpoint.cnn4j");
    LoadedModel saved = resume == null ? null : Resume.latest(checkpoint);
    ColorMode color = colorMode != null ? parseColorMode(colorMode)
        : saved != null && saved.model().inputShape().get(2) == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB;
    DataSpec.Reading reading = new DataSpec.Reading(seed, size == null ? 0 : size.height(),
        size == null ? 0 : size.width(), color, skipDamaged);
    try (TrainTest sets = DataSpec.load(data, reading);
        Model m = saved != null ? saved.model() : ModelSpec.create(modelSpec, weights, sets.train())) {
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
      int epochCount = epochs != null ? epochs : r != null ? r.epochs() : 3;
      int batchSize = batch != null ? batch : r != null ? r.batchSize() : 10;
      double rate = lr != null ? lr : r != null ? r.learningRate() : 1e-3;
      if (!(rate > 0)) throw new IllegalArgumentException("--lr must be positive, got " + rate);
      float smoothing = labelSmoothing != null ? labelSmoothing : r != null ? r.labelSmoothing() : 0f;
      if (!(smoothing >= 0 && smoothing <= 1)) {
        throw new IllegalArgumentException("--label-smoothing must be in [0, 1], got " + smoothing);
      }
      boolean validated = validation != null || split > 0;
      if (saved == null) { // a resumed model keeps its optimizer state, learning rate and seed
        // A saved model (MODEL.cnn4j) has run: it keeps its seed of dropout masks (--seed still orders the
        // data) and, unless --lr is given, the learning rate it was saved with.
        boolean savedModel = ModelSpec.isSavedModel(modelSpec) || weights != null;
        if (r != null) {
          int trainSize = split > 0 ? (int) (train.size() * (1 - split)) : train.size();
          m.compile(r.optimizer(rate, epochCount, Batches.batchesPerEpoch(trainSize, batchSize, false)),
              r.loss(smoothing), "accuracy");
        } else if (m.loss() == null) {
          m.compile(new Adam((float) rate), new SparseCategoricalCrossentropy(false, smoothing), "accuracy");
        } else {
          // A saved model's or a model JSON's compile settings: the optimizer stays; its rate changes with --lr
          // (and a JSON's plain rate takes the default), a schedule keeps its rates unless --lr is given.
          boolean keepRate = savedModel || m.optimizer().schedule() != null;
          if (!keepRate || lr != null) m.optimizer().setLearningRate((float) rate);
          if (labelSmoothing != null) {
            m.compile(m.optimizer(), new SparseCategoricalCrossentropy(false, smoothing), "accuracy");
          }
        }
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
      if (verbose > 0 && r != null) {
        System.out.println("recipe " + r.name() + ": " + r.description());
        System.out.println("it expects model " + r.model() + ": " + r.expects());
        if (model == null && !modelSpec.equals(r.model())) {
          System.out.println("model " + r.model() + " is not in this build's zoo; training the " + modelSpec
              + " model instead (give --model to choose)");
        }
      }
      Preprocessing base = r != null ? r.preprocessing(Preprocessing.scaled()) : Preprocessing.scaled();
      Preprocessing pre = augment == null ? base
          : augment ? base.withoutAugmentation().withAugmentation(4, true) : base.withoutAugmentation();
      FitOptions options = new FitOptions().batchSize(batchSize).epochs(epochCount).verbose(verbose).seed(seed)
          .preprocessing(pre).distributed(cluster);
      if (r != null) options.callbacks(r.callbacks(rate).toArray(Callback[]::new));
      if (reportMemory) options.callbacks(new MemoryReport(System.out));
      options.deterministic(deterministic);
      RunHistory runHistory = new RunHistory();
      options.callbacks(runHistory);
      String monitor = validated ? "val_loss" : "loss";
      if (reduceLr != null) options.callbacks(new ReduceLROnPlateau(monitor).factor(reduceLrFactor).patience(reduceLr));
      if (earlyStopping != null) {
        options.callbacks(new EarlyStopping(monitor).patience(earlyStopping).restoreBestWeights(true));
      }
      if (resume != null) options.callbacks(new CSVLogger(resume.resolve("log.csv"), true));
      options.callbacks(new ModelCheckpoint(checkpoint));
      if (saved != null) options.resumeFrom(saved.state());
      if (validation != null) options.validationData(validation);
      if (split > 0) options.validationSplit(split);
      History h = null;
      try (Interruption interruption = Interruption.install()) {
        options.callbacks(interruption);
        try {
          h = m.fit(train, options);
        } catch (Interruption.Stopped stopped) {
          // reported below
        } catch (RuntimeException | Error e) {
          if (chief) leftBehind(outDir, outExisted, checkpoint, resume);
          throw e;
        }
        if (interruption.received() != null) {
          return interrupted(interruption, checkpoint, outDir);
        }
      }
      if (!chief) return 0;

      History whole = runHistory.history(); // every epoch of the run, resumed ones included
      whole.timeToAccuracy(h.accuracyMetric(), h.timeToAccuracy()); // fit's, which a checkpoint carries across resumes
      RunOutputs.history(whole, outDir);
      // With no validation data (--validation-split 0) the matrix and report are of the training data.
      Dataset evalSet = validation != null ? validation : split > 0 ? train.split(split)[1] : train;
      ConfusionMatrix cm = RunOutputs.confusion(m, evalSet, Math.max(batchSize, 64), outDir);
      m.save(outDir.resolve("model.cnn4j"));
      RunOutputs.classes(train.classNames(), outDir.resolve("classes.txt"));
      if (resume == null || resumesBackup) deleteBackup(checkpoint); // the run is whole in --out now
      if (verbose > 0) {
        StringBuilder confused = new StringBuilder();
        for (var c : cm.mostConfused(3)) {
          confused.append(confused.length() > 0 ? ", " : "").append(c.actualName()).append(" as ")
              .append(c.predictedName()).append(" (").append(c.count()).append(')');
        }
        System.out.printf(Locale.ROOT, "%s accuracy %.4f; most confused: %s%n",
            validated ? "validation" : "training (no validation data)", cm.accuracy(),
            confused.length() > 0 ? confused : "none");
        System.out.println(TimeToAccuracy.summary(h.accuracyMetric(), h.timeToAccuracy()));
        System.out.println("wrote " + outDir);
      }
    }
    return 0;
  }

  /** The registered recipes' names, for the help text. */
  static final class RecipeNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Recipe.all().stream().map(Recipe::name).iterator();
    }
  }

  /** After Ctrl-C or SIGTERM: where the last finished epoch is, and how to go on from it. */
  private int interrupted(Interruption interruption, Path checkpoint, Path outDir) {
    if (verbose == 1 && System.console() != null) System.out.println(); // end the progress bar's line
    int done = interruption.epochsFinished();
    String what = "cnn4j train: interrupted (SIG" + interruption.received() + ")";
    if (done == 0 || !Files.isRegularFile(checkpoint)) {
      System.err.println(what + " before the first epoch ended; nothing was saved");
    } else {
      Path dir = checkpoint.getParent();
      System.err.println(what + "; the last finished epoch, " + done + ", is saved in " + checkpoint + "; to go on "
          + "from there, "
          + (resume != null ? "run the same command again" : "run the same command with --resume " + dir
          + (outDir.equals(out) ? "" : " --out " + outDir)));
    }
    return Interruption.exitCode(interruption.received());
  }

  /** After a failure: no empty folders; a checkpoint of finished epochs is kept, and said where. */
  private static void leftBehind(Path outDir, boolean outExisted, Path checkpoint, Path resume) {
    if (Files.isRegularFile(checkpoint)) {
      Warnings.warn("the last finished epoch is saved in " + checkpoint + (resume != null ? ""
          : "; to go on from it, run the command again with --resume " + checkpoint.getParent()));
      return;
    }
    if (resume == null) deleteEmpty(checkpoint.getParent());
    if (!outExisted) deleteEmpty(outDir);
  }

  /** The backup folder's checkpoint and, after a resume from it, its log.csv: history.csv holds every epoch. */
  private static void deleteBackup(Path checkpoint) {
    try {
      Files.deleteIfExists(checkpoint);
      Files.deleteIfExists(checkpoint.resolveSibling("log.csv"));
    } catch (IOException e) {
      Warnings.warn("cannot delete the backup " + checkpoint + ": " + e);
    }
    deleteEmpty(checkpoint.getParent());
  }

  private static void deleteEmpty(Path dir) {
    try (var children = Files.list(dir)) {
      if (children.findAny().isEmpty()) Files.delete(dir);
    } catch (IOException e) {
      // absent, or not empty: nothing to tidy
    }
  }

  /** True when the user gave {@code option}, rather than its default. */
  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** The value as the user typed it, for -0.3 or 1.5; whole numbers without ".0". */
  private static String validationSplit(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }

  static ColorMode parseColorMode(String text) {
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "rgb" -> ColorMode.RGB;
      case "grayscale" -> ColorMode.GRAYSCALE;
      default -> throw new IllegalArgumentException("--color-mode " + text + ": expected rgb or grayscale");
    };
  }
}
