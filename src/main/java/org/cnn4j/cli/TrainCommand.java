package org.cnn4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.bench.MemoryReport;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.TrainTest;
import org.cnn4j.distributed.Distributed;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.Threads;
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
import org.cnn4j.train.callbacks.ModelCheckpoint;
import picocli.CommandLine.Command;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code cnn4j train}: trains a model and writes the seed's artefacts. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a CNN; write its history, curves, confusion matrix, report and model to --out.",
        "With no options it trains the reference CNN on the embedded shapes dataset (no download).",
        "Example, with CIFAR-10's JPEGs extracted to cifar10-jpeg/{train,test}/CLASS/:",
        "  cnn4j train --data folder:cifar10-jpeg --epochs 10 --batch 10 --out runs/cifar",
        "Data-parallel over MPI (2 processes of 1 thread, global batch 2 x 32):",
        "  mpirun -np 2 -x OMP_NUM_THREADS=1 ./cnn4j train --batch 32 --distributed",
        "With a recipe (cnn4j recipes lists them):",
        "  cnn4j train --data folder:cifar10-jpeg --model resnet20 --recipe cifar10-resnet20-fast", ""})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--data", defaultValue = "shapes", paramLabel = "SPEC", description = "Training data: "
      + DataSpec.HELP + " (default ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--model", paramLabel = "MODEL", description = ModelSpec.HELP
      + " (default: reference, or the recipe's model when the zoo has it).")
  String model;

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

  @Option(names = "--validation-split", defaultValue = "0", paramLabel = "FRACTION",
      description = "Hold out this last fraction of the training data for validation when the data has no test set "
          + "(default: 0.2 then).")
  double validationSplit;

  @Option(names = "--augment", negatable = true, description = "Random 4-pixel shifts (padded crops) and horizontal "
      + "flips while training (with a recipe: instead of the recipe's augmentation; --no-augment: none).")
  Boolean augment;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of data order, weights and dropout (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", description = "Threads for oneDNN and cnn4j's kernels (default: all cores).")
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
          + "time-to-accuracy.csv, confusion-matrix.png/csv, report.txt, model.cnn4j (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (threads != null) Threads.set(threads);
    if (validationSplit != 0 && !(validationSplit > 0 && validationSplit < 1)) {
      throw new IllegalArgumentException("--validation-split " + validationSplit(validationSplit)
          + ": expected a fraction between 0 and 1 (exclusive)");
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
    if (chief) RunOutputs.directory(out, "--out"); // fail now, not after the last epoch
    Path checkpoint = resume == null ? null : resume.resolve("checkpoint.cnn4j");
    if (resume != null && chief) RunOutputs.directory(resume, "--resume");
    Recipe r = recipe == null ? null : Recipe.named(recipe);
    // A recipe's model when the zoo has it and --model is not given (ResNets join the zoo with issue 11).
    String modelSpec = model != null ? model : r != null && Models.NAMES.contains(r.model()) ? r.model() : "reference";
    LoadedModel saved = checkpoint == null ? null : Resume.latest(checkpoint);
    try (TrainTest sets = DataSpec.load(data, seed);
        Model m = saved != null ? saved.model() : ModelSpec.create(modelSpec, sets.train())) {
      Dataset train = sets.train();
      Dataset validation = sets.test();
      if (saved != null) ModelSpec.check(m, train, checkpoint.toString());
      double split = validationSplit > 0 ? validationSplit : validation == null ? 0.2 : 0;
      if (validation != null && validationSplit > 0) {
        throw new IllegalArgumentException("--data " + data + " has a test set; --validation-split is for data "
            + "without one");
      }
      int epochCount = epochs != null ? epochs : r != null ? r.epochs() : 3;
      int batchSize = batch != null ? batch : r != null ? r.batchSize() : 10;
      double rate = lr != null ? lr : r != null ? r.learningRate() : 1e-3;
      if (epochCount < 0) throw new IllegalArgumentException("--epochs must be >= 0, got " + epochCount);
      if (batchSize < 1) throw new IllegalArgumentException("--batch must be positive, got " + batchSize);
      if (!(rate > 0)) throw new IllegalArgumentException("--lr must be positive, got " + rate);
      float smoothing = labelSmoothing != null ? labelSmoothing : r != null ? r.labelSmoothing() : 0f;
      if (!(smoothing >= 0 && smoothing <= 1)) {
        throw new IllegalArgumentException("--label-smoothing must be in [0, 1], got " + smoothing);
      }
      if (saved == null) { // a resumed model keeps its optimizer state, learning rate and seed
        if (r != null) {
          int trainSize = split > 0 ? (int) (train.size() * (1 - split)) : train.size();
          m.compile(r.optimizer(rate, epochCount, Batches.batchesPerEpoch(trainSize, batchSize, false)),
              r.loss(smoothing), "accuracy");
        } else if (m.loss() == null) {
          m.compile(new Adam((float) rate), new SparseCategoricalCrossentropy(false, smoothing), "accuracy");
        } else {
          // A model JSON's compile_config: keep its optimizer; a schedule keeps its rates unless --lr is given.
          if (m.optimizer().schedule() == null || lr != null) m.optimizer().setLearningRate((float) rate);
          if (labelSmoothing != null) {
            m.compile(m.optimizer(), new SparseCategoricalCrossentropy(false, smoothing), "accuracy");
          }
        }
        m.seed(seed);
      } else if (verbose > 0) {
        System.out.println("resuming from " + checkpoint + " after epoch " + saved.state().epoch());
      }
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
      if (checkpoint != null) {
        options.callbacks(new CSVLogger(resume.resolve("log.csv"), true), new ModelCheckpoint(checkpoint));
      }
      if (saved != null) options.resumeFrom(saved.state());
      if (validation != null) options.validationData(validation);
      if (split > 0) options.validationSplit(split);
      History h = m.fit(train, options);
      if (!chief) return 0;

      RunOutputs.history(h, out);
      Dataset evalSet = validation != null ? validation : train.split(split)[1];
      ConfusionMatrix cm = RunOutputs.confusion(m, evalSet, Math.max(batchSize, 64), out);
      m.save(out.resolve("model.cnn4j"));
      RunOutputs.classes(train.classNames(), out.resolve("classes.txt"));
      if (verbose > 0) {
        StringBuilder confused = new StringBuilder();
        for (var c : cm.mostConfused(3)) {
          confused.append(confused.length() > 0 ? ", " : "").append(c.actualName()).append(" as ")
              .append(c.predictedName()).append(" (").append(c.count()).append(')');
        }
        System.out.printf(Locale.ROOT, "validation accuracy %.4f; most confused: %s%n", cm.accuracy(),
            confused.length() > 0 ? confused : "none");
        System.out.println(TimeToAccuracy.summary(h.accuracyMetric(), h.timeToAccuracy()));
        System.out.println("wrote " + out);
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

  /** The value as the user typed it, for -0.3 or 1.5; whole numbers without ".0". */
  private static String validationSplit(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }
}
