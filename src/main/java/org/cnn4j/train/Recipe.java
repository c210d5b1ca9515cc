package org.cnn4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.Preprocessing.FillMode;
import org.cnn4j.losses.Loss;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Model;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;
import org.cnn4j.optim.schedules.CosineDecay;
import org.cnn4j.train.callbacks.LearningRateScheduler;

/**
 * A named training recipe: optimizer and learning-rate schedule, weight decay,
 * label smoothing, augmentation, batch size and epochs, and what it expects of
 * the model. {@code cnn4j train --recipe NAME} applies one; options given on
 * the command line override its values.
 *
 * <pre>{@code
 * Recipe r = Recipe.named("cifar10-resnet20-fast");
 * int steps = Batches.batchesPerEpoch(train.size(), r.batchSize(), false);
 * r.compile(model, r.learningRate(), r.epochs(), steps);
 * model.fit(train, r.fitOptions(r.learningRate(), r.epochs(), r.batchSize(), Preprocessing.scaled())
 *     .validationData(test));
 * }</pre>
 */
public final class Recipe {
  /** Builds a run's optimizer (with its schedule and weight decay) from the base rate, epochs and steps per epoch. */
  @FunctionalInterface
  public interface OptimizerFactory {
    Optimizer create(double learningRate, int epochs, int stepsPerEpoch);
  }

  /** A rate per epoch (from 0) for the LearningRateScheduler callback, from the base rate. */
  @FunctionalInterface
  public interface EpochSchedule {
    double rate(int epoch, double learningRate);
  }

  private static final Map<String, Recipe> REGISTRY = new LinkedHashMap<>();

  static {
    register(kerasCifar10Resnet());
    register(cifar10Resnet20Fast());
  }

  private final String name;
  private final String description;
  private final String model;
  private final String expects;
  private final double learningRate;
  private final int batchSize;
  private final int epochs;
  private final float labelSmoothing;
  private final OptimizerFactory optimizer;
  private final EpochSchedule epochSchedule;
  private final UnaryOperator<Preprocessing> preprocessing;

  /**
   * @param model the model-zoo name the recipe was written for (e.g. "resnet20")
   * @param expects what the recipe assumes of that model, in words
   * @param epochSchedule a per-epoch rate set by a LearningRateScheduler, or null
   * @param preprocessing the conversion and augmentation, from the data's plain conversion
   */
  public Recipe(String name, String description, String model, String expects, double learningRate, int batchSize,
      int epochs, float labelSmoothing, OptimizerFactory optimizer, EpochSchedule epochSchedule,
      UnaryOperator<Preprocessing> preprocessing) {
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("a recipe name is lower-case letters, digits and '-', got '" + name + "'");
    }
    if (!(learningRate > 0) || batchSize < 1 || epochs < 1) {
      throw new IllegalArgumentException("recipe " + name + ": learning rate, batch size and epochs must be "
          + "positive, got " + learningRate + ", " + batchSize + ", " + epochs);
    }
    this.name = name;
    this.description = description;
    this.model = model;
    this.expects = expects;
    this.learningRate = learningRate;
    this.batchSize = batchSize;
    this.epochs = epochs;
    this.labelSmoothing = labelSmoothing;
    this.optimizer = Objects.requireNonNull(optimizer);
    this.epochSchedule = epochSchedule;
    this.preprocessing = Objects.requireNonNull(preprocessing);
    loss(); // checks the smoothing now
  }

  /** Adds a recipe to the registry (replacing one of the same name). */
  public static synchronized void register(Recipe r) {
    REGISTRY.put(r.name, r);
  }

  /** The recipe of that name; the error lists the known ones. */
  public static synchronized Recipe named(String name) {
    Recipe r = REGISTRY.get(name.toLowerCase(Locale.ROOT));
    if (r == null) {
      throw new IllegalArgumentException("unknown recipe '" + name + "'; known recipes: "
          + String.join(", ", REGISTRY.keySet()) + " (cnn4j recipes lists them)");
    }
    return r;
  }

  /** Every registered recipe, built-ins first. */
  public static synchronized List<Recipe> all() {
    return Collections.unmodifiableList(new ArrayList<>(REGISTRY.values()));
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  /** The model-zoo name the recipe was written for. */
  public String model() {
    return model;
  }

  /** What the recipe assumes of the model (initialisers, regularisers, normalisation). */
  public String expects() {
    return expects;
  }

  /** The base learning rate (the peak for a warm-up or one-cycle schedule). */
  public double learningRate() {
    return learningRate;
  }

  public int batchSize() {
    return batchSize;
  }

  public int epochs() {
    return epochs;
  }

  public float labelSmoothing() {
    return labelSmoothing;
  }

  /** The optimizer for a run of {@code epochs} epochs of {@code stepsPerEpoch} updates at base rate {@code lr}. */
  public Optimizer optimizer(double lr, int epochs, int stepsPerEpoch) {
    return optimizer.create(lr, epochs, stepsPerEpoch);
  }

  /** Sparse categorical cross-entropy on the model's softmax, with the recipe's smoothing. */
  public Loss loss() {
    return loss(labelSmoothing);
  }

  public Loss loss(float smoothing) {
    return new SparseCategoricalCrossentropy(false, smoothing);
  }

  /** The recipe's conversion and augmentation, given the data's plain one (x / 255). */
  public Preprocessing preprocessing(Preprocessing plain) {
    return preprocessing.apply(plain);
  }

  /** The recipe's callbacks: a LearningRateScheduler when its rate changes per epoch. */
  public List<Callback> callbacks(double lr) {
    if (epochSchedule == null) return List.of();
    return List.of(new LearningRateScheduler((epoch, current) -> epochSchedule.rate(epoch, lr)));
  }

  /** Compiles {@code model} with the recipe's optimizer and loss and the accuracy metric. */
  public void compile(Model model, double lr, int epochs, int stepsPerEpoch) {
    model.compile(optimizer(lr, epochs, stepsPerEpoch), loss(), "accuracy");
  }

  /** Fit options with the recipe's batch size, epochs, preprocessing and callbacks (add validation data). */
  public FitOptions fitOptions(double lr, int epochs, int batchSize, Preprocessing plain) {
    return new FitOptions().batchSize(batchSize).epochs(epochs).preprocessing(preprocessing(plain))
        .callbacks(callbacks(lr).toArray(Callback[]::new));
  }

  @Override
  public String toString() {
    return name;
  }

  /** CIFAR-10's per-channel mean and standard deviation of the [0, 1] pixel values (training set). */
  private static final float[] CIFAR10_MEAN = {0.4914f, 0.4822f, 0.4465f};

  private static final float[] CIFAR10_STD = {0.2470f, 0.2435f, 0.2616f};

  /**
   * Keras's examples/cifar10_resnet.py (ResNet-20 v1 by default): Adam 1e-3,
   * lr_schedule by epoch, batch 32, 200 epochs, shifts of 0.1 with nearest fill
   * and horizontal flips. Its l2(1e-4) kernel regulariser and he_normal
   * initialiser belong to the model. Two departures: the script subtracts the
   * training set's per-pixel mean image, cnn4j the per-channel mean; and its
   * ReduceLROnPlateau is left out, because the script's LearningRateScheduler
   * sets the rate again at the start of every epoch, which undoes any reduction.
   */
  static Recipe kerasCifar10Resnet() {
    return new Recipe("keras-cifar10-resnet",
        "Keras's cifar10_resnet.py: Adam 1e-3, x0.1 after epoch 80, x0.01 after 120, x1e-3 after 160, "
            + "x0.5e-3 after 180; batch 32, 200 epochs; shifts 0.1 (nearest fill) and horizontal flips",
        "resnet20",
        "ResNet v1 with BatchNormalization, he_normal kernels and kernel_regularizer=l2(1e-4), as the script "
            + "builds it",
        1e-3, 32, 200, 0f,
        (lr, epochs, steps) -> new Adam((float) lr),
        (epoch, lr) -> lr * kerasResnetFactor(epoch),
        plain -> Preprocessing.standardized(CIFAR10_MEAN, new float[] {1, 1, 1})
            .withShifts(0.1, 0.1, FillMode.NEAREST).withHorizontalFlip(true));
  }

  /** The script's lr_schedule as a factor of its 1e-3 (epochs from 0, as Keras passes them). */
  static double kerasResnetFactor(int epoch) {
    if (epoch > 180) return 0.5e-3;
    if (epoch > 160) return 1e-3;
    if (epoch > 120) return 1e-2;
    if (epoch > 80) return 1e-1;
    return 1;
  }

  /**
   * ResNet-20 on CIFAR-10 in 80 epochs (README: "Training recipes"): SGD with
   * Nesterov momentum 0.9, batch 64 (62,560 updates, about the 64k of the ResNet
   * paper's schedule), a 2-epoch linear warm-up from 0.01 to 0.1 then cosine decay
   * to 0, decoupled weight decay 2.5e-3 on kernels only, label smoothing 0.1,
   * padded crops (4) and flips, per-channel standardisation.
   */
  static Recipe cifar10Resnet20Fast() {
    return new Recipe("cifar10-resnet20-fast",
        "ResNet-20 in 80 epochs (0.883 on a JPEG copy of CIFAR-10): SGD Nesterov 0.9, batch 64, warm-up 2 epochs 0.01 -> 0.1 then "
            + "cosine to 0, weight decay 2.5e-3 (decoupled) on kernels, label smoothing 0.1, pad-4 crops and flips",
        "resnet20",
        "ResNet v1 with BatchNormalization and he_normal kernels, without kernel_regularizer (the recipe's "
            + "weight decay replaces it)",
        0.1, 64, 80, 0.1f,
        Recipe::fastOptimizer,
        null,
        plain -> Preprocessing.standardized(CIFAR10_MEAN, CIFAR10_STD).withAugmentation(4, true));
  }

  private static Optimizer fastOptimizer(double peak, int epochs, int steps) {
    int warmup = Math.min(2, Math.max(epochs - 1, 0)) * steps;
    long decay = Math.max((long) epochs * steps - warmup, 1);
    CosineDecay schedule = new CosineDecay(peak / 10, decay).warmup(peak, warmup);
    return new SGD(schedule, 0.9f, true).weightDecay(2.5e-3f).excludeVectorsFromWeightDecay();
  }
}
