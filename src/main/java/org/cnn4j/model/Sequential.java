package org.cnn4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.memory;
import org.cnn4j.data.Dataset;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.StepCounter;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.ActivationFunction;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Shape;
import org.cnn4j.losses.Loss;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.train.Evaluation;
import org.cnn4j.train.FitOptions;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.Samples;
import org.cnn4j.train.Trainer;

/**
 * A linear stack of layers, Keras's Sequential, trained on oneDNN primitives.
 *
 * <pre>{@code
 * try (Sequential model = new Sequential()) {
 *   model.add(new Conv2D(32, 3).padding("same").activation("relu").inputShape(32, 32, 3));
 *   model.add(new MaxPool2D(2));
 *   model.add(new Flatten());
 *   model.add(new Dense(10).activation("softmax"));
 *   model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
 *   History h = model.fit(train, new FitOptions().batchSize(32).epochs(5).validationData(test));
 * }
 * }</pre>
 *
 * <p>The model owns native memory (weights, optimizer state, cached oneDNN
 * primitives): close it when done.
 */
public final class Sequential implements AutoCloseable {
  private final String name;
  private final List<Layer> layers = new ArrayList<>();
  private final Map<String, Integer> nameCounts = new HashMap<>();
  private final Map<Long, Plan> plans = new HashMap<>();
  private final StepCounter counter = new StepCounter();
  private Shape inputShape;
  private ParameterArena arena;
  private Optimizer optimizer;
  private Loss loss;
  private List<String> metrics = List.of();
  private long seed = 42;
  private Preprocessing preprocessing = Preprocessing.scaled();
  private List<String> classNames;
  private boolean stopTraining;
  private boolean closed;

  public Sequential() {
    this("sequential");
  }

  public Sequential(String name) {
    this.name = name;
  }

  /** Adds a layer; the first layer declares the input shape (or call {@link #build}). */
  public Sequential add(Layer layer) {
    requireOpen();
    if (arena != null) throw new IllegalStateException("cannot add layers after the model has run");
    if (layers.isEmpty() && layer.declaredInputShape() != null) inputShape = layer.declaredInputShape();
    String base = layer.baseName();
    int k = nameCounts.merge(base, 1, Integer::sum) - 1;
    String assigned = k == 0 ? base : base + "_" + k;
    Shape in = layers.isEmpty() ? inputShape : layers.get(layers.size() - 1).outputShape();
    if (in != null) {
      layer.build(assigned, in);
    } else {
      layer.setName(layer.name() == null ? assigned : layer.name());
    }
    layers.add(layer);
    return this;
  }

  /** Sets the input shape (height, width, channels) when the first layer did not declare it. */
  public Sequential build(Shape input) {
    requireOpen();
    if (inputShape != null && !inputShape.equals(input)) {
      throw new IllegalArgumentException("model '" + name + "' already has input shape " + inputShape
          + ", got " + input);
    }
    inputShape = input;
    Shape in = input;
    for (Layer l : layers) {
      if (!l.built()) l.build(l.name(), in);
      in = l.outputShape();
    }
    return this;
  }

  /** The seed of initial weights, dropout masks and shuffling (default 42). */
  public Sequential seed(long seed) {
    if (arena != null) throw new IllegalStateException("set the seed before the model first runs");
    this.seed = seed;
    return this;
  }

  public long seed() {
    return seed;
  }

  /** Keras's compile with names: e.g. ("adam", "sparse_categorical_crossentropy", "accuracy"). */
  public Sequential compile(String optimizer, String loss, String... metrics) {
    return compile(Optimizer.parse(optimizer), Loss.parse(loss), metrics);
  }

  public Sequential compile(Optimizer optimizer, Loss loss, String... metrics) {
    requireOpen();
    for (String m : metrics) {
      if (!m.equals("accuracy") && !m.equals("sparse_categorical_accuracy") && !m.equals("acc")) {
        throw new IllegalArgumentException("unknown metric '" + m
            + "': expected 'accuracy' or 'sparse_categorical_accuracy'");
      }
    }
    if (this.loss != null && fusesSoftmax(this.loss) != fusesSoftmax(loss)) closePlans();
    this.optimizer = optimizer;
    this.loss = loss;
    this.metrics = List.of(metrics);
    return this;
  }

  /** How uint8 images become the model's input (default x / 255); fit sets it from its options. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  public Sequential preprocessing(Preprocessing p) {
    this.preprocessing = java.util.Objects.requireNonNull(p);
    return this;
  }

  /** The names of the output classes, in label order, or null when unknown; model files keep them. */
  public List<String> classNames() {
    return classNames;
  }

  /** Names the output classes (one per output unit; null for unknown), e.g. from the training data. */
  public Sequential classNames(List<String> names) {
    classNames = names == null ? null : List.copyOf(names);
    return this;
  }

  /** Asks fit to stop after the current epoch (callbacks such as EarlyStopping use this). */
  public void stopTraining(boolean stop) {
    stopTraining = stop;
  }

  public boolean stopTraining() {
    return stopTraining;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public Loss loss() {
    return loss;
  }

  public List<String> metrics() {
    return metrics;
  }

  public List<Layer> layers() {
    return Collections.unmodifiableList(layers);
  }

  public String name() {
    return name;
  }

  public Shape inputShape() {
    return inputShape;
  }

  public Shape outputShape() {
    requireBuilt();
    return layers.get(layers.size() - 1).outputShape();
  }

  public long countParams() {
    long n = 0;
    for (Layer l : layers) n += l.countParams();
    return n;
  }

  /** Keras's summary table: layer (type), output shape, parameter count, totals. */
  public String summary() {
    requireBuilt();
    return Summary.of(this);
  }

  /** Trains the model; see {@link FitOptions}. Images are NHWC uint8, converted by {@link #preprocessing()}. */
  public History fit(Dataset train, FitOptions options) {
    return Trainer.fit(this, Samples.of(train), options);
  }

  /** Trains on NHWC float images (already scaled as the model expects) with integer labels. */
  public History fit(float[] x, int[] y, FitOptions options) {
    return Trainer.fit(this, samples(x, y), options);
  }

  /** Trains on NHWC uint8 images, scaled by 1/255, with integer labels. */
  public History fit(byte[] x, int[] y, FitOptions options) {
    try (Dataset d = Samples.bytesDataset(x, y, requireInput(), outputUnits())) {
      return fit(d, options);
    }
  }

  public Evaluation evaluate(Dataset data, int batchSize) {
    return Trainer.evaluate(this, Samples.of(data), batchSize);
  }

  public Evaluation evaluate(float[] x, int[] y, int batchSize) {
    return Trainer.evaluate(this, samples(x, y), batchSize);
  }

  /** The model's outputs (class probabilities for a softmax model), one row per sample. */
  public float[][] predict(float[] x, int batchSize) {
    return Trainer.predict(this, samples(x, null), batchSize);
  }

  public float[][] predict(Dataset data, int batchSize) {
    return Trainer.predict(this, Samples.of(data), batchSize);
  }

  /** The most likely class of each sample. */
  public int[] predictClasses(float[] x, int batchSize) {
    return Trainer.argmax(predict(x, batchSize));
  }

  public int[] predictClasses(Dataset data, int batchSize) {
    return Trainer.argmax(predict(data, batchSize));
  }

  /**
   * Saves architecture, weights, optimizer state and training progress to one
   * file, atomically (see {@link org.cnn4j.io.ModelFile}).
   */
  public void save(java.nio.file.Path file) {
    org.cnn4j.io.ModelFile.save(this, file);
  }

  /** Loads a model saved by {@link #save}; it predicts bitwise as the saved one did. */
  public static Sequential load(java.nio.file.Path file) {
    return org.cnn4j.io.ModelFile.load(file).model();
  }

  /** All parameters in Keras's order and layouts (kernel, bias per layer; kernels HWIO). */
  public List<float[]> getWeights() {
    ParameterArena a = arena();
    List<float[]> out = new ArrayList<>();
    for (Parameter p : a.parameters()) out.add(a.get(p));
    return out;
  }

  /** Replaces all parameters, given as {@link #getWeights()} returns them. */
  public void setWeights(List<float[]> weights) {
    ParameterArena a = arena();
    if (weights.size() != a.parameters().size()) {
      throw new IllegalArgumentException("model '" + name + "' has " + a.parameters().size()
          + " weight tensors, got " + weights.size());
    }
    for (int i = 0; i < weights.size(); i++) a.set(a.parameters().get(i), weights.get(i));
  }

  /** Gradients of the last training step, in {@link #getWeights()} order and layouts. */
  public List<float[]> getGradients() {
    ParameterArena a = arena();
    List<float[]> out = new ArrayList<>();
    for (Parameter p : a.parameters()) out.add(a.getGradient(p));
    return out;
  }

  /** Names of the weight tensors, e.g. "conv2d/kernel", in {@link #getWeights()} order. */
  public List<String> weightNames() {
    List<String> out = new ArrayList<>();
    for (Layer l : layers) for (Parameter p : l.parameters()) out.add(p.name());
    return out;
  }

  /**
   * The cached execution plan for a batch size, built on first use. Internal API,
   * for the trainer and the benchmark harness.
   */
  public Plan plan(int batch, boolean training) {
    return plan(batch, training, false);
  }

  /**
   * Like {@link #plan(int, boolean)}; with {@code inputGradient} a training plan
   * also computes the gradient w.r.t. the model's input. Internal API.
   */
  public Plan plan(int batch, boolean training, boolean inputGradient) {
    requireOpen();
    requireBuilt();
    if (batch < 1) throw new IllegalArgumentException("batch size must be positive, got " + batch);
    if (training && loss == null) throw new IllegalStateException("call compile() before fit()");
    long key = (long) batch << 2 | (training ? 1 : 0) | (inputGradient ? 2 : 0);
    Plan plan = plans.get(key);
    if (plan == null) {
      plan = buildPlan(batch, training, inputGradient);
      plans.put(key, plan);
    }
    return plan;
  }

  private Plan buildPlan(int batch, boolean training, boolean inputGradient) {
    if (arena == null) {
      List<Parameter> params = new ArrayList<>();
      for (Layer l : layers) params.addAll(l.parameters());
      arena = new ParameterArena(params);
    }
    Shape out = outputShape();
    PlanBuilder b = new PlanBuilder(batch, training, inputShape.dnnlDims(batch), plainTag(inputShape), arena, seed,
        counter);
    try {
      b.lossFusesSoftmax(loss != null && fusesSoftmax(loss));
      b.inputGradient(inputGradient);
      for (int i = 0; i < layers.size(); i++) {
        b.beginLayer(layers.get(i).name(), i, layers.size());
        layers.get(i).plan(b);
      }
      return b.build(out.dnnlDims(batch), plainTag(out));
    } catch (RuntimeException | Error e) {
      b.abandon();
      throw e;
    }
  }

  private static memory.format_tag plainTag(Shape s) {
    return switch (s.rank()) {
      case 1 -> memory.format_tag.nc;
      case 3 -> memory.format_tag.nhwc;
      default -> throw new IllegalArgumentException("unsupported tensor rank " + s.rank() + " for " + s);
    };
  }

  /** True when the compiled loss takes the gradient w.r.t. the logits of the final softmax. Internal API. */
  public boolean lossFusesSoftmax() {
    return loss != null && fusesSoftmax(loss);
  }

  private boolean fusesSoftmax(Loss l) {
    return !l.fromLogits() && finalActivation().isSoftmax();
  }

  private ActivationFunction finalActivation() {
    Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
    if (last instanceof Dense d) return d.activation();
    if (last instanceof Conv2D c) return c.activation();
    if (last instanceof Activation a) return a.function();
    return ActivationFunction.LINEAR;
  }

  /**
   * The parameter arena. If the model has not run yet, a plan of batch 32
   * (training if compiled) lays it out; fit's own first plan does otherwise.
   * Internal API.
   */
  public ParameterArena arena() {
    requireBuilt();
    if (arena == null || !arena.allocated()) plan(32, loss != null);
    return arena;
  }

  /** Training steps taken so far. Internal API. */
  public StepCounter counter() {
    return counter;
  }

  /** The number of classes (units of the output). */
  public int outputUnits() {
    Shape out = outputShape();
    return out.get(out.rank() - 1);
  }

  /** Float samples shaped like the model's input, checked with a message naming the first layer. */
  private Samples samples(float[] x, int[] y) {
    Shape in = requireInput();
    long per = in.size();
    if (x.length % per != 0) {
      throw new IllegalArgumentException("x has " + x.length + " floats, not a whole number of samples of shape "
          + in + " (" + per + " floats each) that the first layer '" + layers.get(0).name() + "' expects");
    }
    return Samples.of(x, y, in);
  }

  private Shape requireInput() {
    requireBuilt();
    return inputShape;
  }

  private void requireBuilt() {
    if (layers.isEmpty()) throw new IllegalStateException("model '" + name + "' has no layers");
    if (inputShape == null) {
      throw new IllegalStateException("model '" + name + "' has no input shape: declare it on the first layer "
          + "(e.g. inputShape(32, 32, 3)) or call build(Shape.of(h, w, c))");
    }
  }

  private void requireOpen() {
    if (closed) throw new IllegalStateException("model '" + name + "' is closed");
  }

  private void closePlans() {
    plans.values().forEach(Plan::close);
    plans.clear();
  }

  /** Frees the model's native memory: plans, primitives, weights and optimizer state. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    closePlans();
    if (arena != null) arena.close();
  }
}
