package org.cnn4j.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.Samples;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.StepCounter;
import org.cnn4j.layers.InputLayer;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Shape;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.losses.Loss;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.train.Evaluation;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Trainer;

/**
 * A graph of layers trained on oneDNN primitives, Keras's functional Model:
 * built from an input tensor and the output tensor that layers called on it
 * produced. {@link Sequential} is its linear case.
 *
 * <pre>{@code
 * SymbolicTensor in = Input.of(32, 32, 3);
 * SymbolicTensor x = new Conv2D(16, 3).padding("same").activation("relu").call(in);
 * SymbolicTensor y = new Conv2D(16, 3).padding("same").call(x);
 * SymbolicTensor out = new Dense(10).activation("softmax").call(new Flatten().call(new Add().call(x, y)));
 * try (Model model = new Model(in, out)) {
 *   model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
 *   History h = model.fit(train, new FitOptions().batchSize(32).epochs(5).validationData(test));
 * }
 * }</pre>
 *
 * <p>The model owns native memory (weights, optimizer state, cached oneDNN
 * primitives): close it when done.
 */
public class Model implements AutoCloseable {
  private final String name;
  /** Layers in topological order, Keras's {@code model.layers}. */
  private final List<Layer> layers = new ArrayList<>();
  /** For each layer, the indices of the layers it reads ({@link PlanBuilder#MODEL_INPUT}: the model's input). */
  private final List<int[]> reads = new ArrayList<>();
  private final Executor executor = new Executor(this);
  private Shape inputShape;
  private Optimizer optimizer;
  private Loss loss;
  private List<String> metrics = List.of();
  private long seed = 42;
  private Preprocessing preprocessing = Preprocessing.scaled();
  private List<String> classNames;
  private boolean stopTraining;
  private boolean closed;

  /** A functional model from one input to one output, named "functional". */
  public Model(SymbolicTensor input, SymbolicTensor output) {
    this(input, output, "functional");
  }

  public Model(SymbolicTensor input, SymbolicTensor output, String name) {
    this(name);
    if (!(input.layer() instanceof InputLayer)) {
      throw new IllegalArgumentException("a model's input must come from Input.of(...), got " + input);
    }
    inputShape = input.shape();
    for (Layer l : Graphs.kerasOrder(input, output)) {
      int[] from = new int[l.inbound().size()];
      for (int k = 0; k < from.length; k++) from[k] = layers.indexOf(l.inbound().get(k).layer());
      if (l == input.layer()) from = new int[] {PlanBuilder.MODEL_INPUT};
      append(l, from);
    }
  }

  /** An empty model that a subclass fills with {@link #append}. */
  protected Model(String name) {
    this.name = name;
  }

  /** Appends a built layer that reads the given earlier layers (MODEL_INPUT for the input). */
  void append(Layer layer, int[] from) {
    layers.add(layer);
    reads.add(from.clone());
  }

  void inputShape(Shape s) {
    inputShape = s;
  }

  /** The seed of initial weights, dropout masks and shuffling (default 42); settable until the model first runs. */
  public Model seed(long seed) {
    if (executor.started() && seed != this.seed) {
      throw new IllegalStateException("model '" + name + "' has already run with seed " + this.seed
          + "; set the seed before the model first runs");
    }
    this.seed = seed;
    return this;
  }

  public long seed() {
    return seed;
  }

  /** Keras's compile with names: e.g. ("adam", "sparse_categorical_crossentropy", "accuracy"). */
  public Model compile(String optimizer, String loss, String... metrics) {
    return compile(Optimizer.parse(optimizer), Loss.parse(loss), metrics);
  }

  public Model compile(Optimizer optimizer, Loss loss, String... metrics) {
    requireOpen();
    for (String m : metrics) {
      if (!m.equals("accuracy") && !m.equals("sparse_categorical_accuracy") && !m.equals("acc")) {
        throw new IllegalArgumentException("unknown metric '" + m
            + "': expected 'accuracy' or 'sparse_categorical_accuracy'");
      }
    }
    boolean fusedBefore = lossFusesSoftmax();
    this.optimizer = optimizer;
    this.loss = loss;
    this.metrics = List.of(metrics);
    if (fusedBefore != lossFusesSoftmax()) executor.closePlans();
    return this;
  }

  /** How uint8 images become the model's input (default x / 255); fit sets it from its options. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  public Model preprocessing(Preprocessing p) {
    this.preprocessing = Objects.requireNonNull(p);
    return this;
  }

  /** The names of the output classes, in label order, or null when unknown; model files keep them. */
  public List<String> classNames() {
    return classNames;
  }

  /** Names the output classes (one per output unit; null for unknown), e.g. from the training data. */
  public Model classNames(List<String> names) {
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

  /** The layers in topological order (for a functional model, its InputLayer first). */
  public List<Layer> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** For layer i of {@link #layers()}, the indices of the layers it reads (-1: the model's input). */
  public int[] inboundIndices(int i) {
    return reads.get(i).clone();
  }

  /** Whether this is a functional model (Keras's "Functional"), not a Sequential one. */
  public boolean functional() {
    return !(this instanceof Sequential);
  }

  public String name() {
    return name;
  }

  public Shape inputShape() {
    return inputShape;
  }

  /** The layer whose output is the model's. */
  public Layer outputLayer() {
    requireBuilt();
    return layers.get(layers.size() - 1);
  }

  public Shape outputShape() {
    return outputLayer().outputShape();
  }

  /** All weights' values, non-trainable ones included (Keras's "Total params"). */
  public long countParams() {
    long n = 0;
    for (Layer l : layers) n += l.countParams();
    return n;
  }

  /** The values the optimizer trains (Keras's "Trainable params"). */
  public long countTrainableParams() {
    long n = 0;
    for (Layer l : layers) n += l.countTrainableParams();
    return n;
  }

  /**
   * Floating-point operations of one sample's forward pass, two per
   * multiply-add, in the layers that do nearly all of them (convolutions and
   * Dense), as the primitives of an inference plan at batch 1 count them.
   * Builds that plan (and lays out the weights) if the model has not run yet.
   */
  public double forwardFlopsPerSample() {
    double flops = 0;
    for (org.cnn4j.dnnl.Step s : plan(1, false).forwardSteps()) flops += s.flops();
    return flops;
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
   * file, atomically (see {@link org.cnn4j.io.ModelFile}); a name ending in
   * {@code .keras} writes a Keras 3 {@code .keras} file instead (see {@link org.cnn4j.io.KerasFile}).
   */
  public void save(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".keras")) {
      org.cnn4j.io.KerasFile.save(this, file);
    } else if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
      throw new IllegalArgumentException(file + ": cnn4j writes Keras models as .keras files (Keras 3's format), "
          + "not as HDF5; name the file MODEL.keras, or MODEL.cnn4j for cnn4j's own format");
    } else {
      org.cnn4j.io.ModelFile.save(this, file);
    }
  }

  /**
   * Loads a model, Sequential or functional: saved by {@link #save} (it then predicts bitwise as the saved
   * one did), a Keras 3 {@code .keras} file or a Keras 2 whole-model HDF5 file ({@code model.save("m.h5")}).
   */
  public static Model load(Path file) {
    if (org.cnn4j.io.KerasFile.isKerasFile(file)) return org.cnn4j.io.KerasFile.load(file);
    return org.cnn4j.io.ModelFile.load(file).model();
  }

  /**
   * Writes the inference graph and weights as an ONNX file (opset 13) taking NHWC input, as the
   * model does; see {@link org.cnn4j.onnx.OnnxExport}.
   */
  public void exportOnnx(Path file) {
    exportOnnx(file, new org.cnn4j.onnx.OnnxOptions());
  }

  /** Like {@link #exportOnnx(Path)}, with the input layout (NHWC or NCHW) from {@code options}. */
  public void exportOnnx(Path file, org.cnn4j.onnx.OnnxOptions options) {
    requireOpen();
    requireBuilt();
    org.cnn4j.onnx.OnnxExport.write(this, file, options);
  }

  /**
   * Sets this built model's weights from a Keras file: weights alone (Keras's {@code save_weights}, 2 or 3),
   * a whole-model {@code .h5} or a {@code .keras} file; see {@link org.cnn4j.io.KerasFile#loadWeights}.
   */
  public void loadWeights(Path file) {
    requireOpen();
    org.cnn4j.io.KerasFile.loadWeights(this, file);
  }

  /**
   * All weights in Keras's order and layouts, as Keras's get_weights(): per layer kernel and
   * bias, or gamma, beta, moving_mean, moving_variance (non-trainable state included); kernels HWIO.
   */
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

  /** Gradients of the last training step, of the trainable weights in {@link #getWeights()} order and layouts. */
  public List<float[]> getGradients() {
    ParameterArena a = arena();
    List<float[]> out = new ArrayList<>();
    for (Parameter p : a.trainableParameters()) out.add(a.getGradient(p));
    return out;
  }

  /** Names of the weight tensors, e.g. "conv2d/kernel", in {@link #getWeights()} order. */
  public List<String> weightNames() {
    List<String> out = new ArrayList<>();
    for (Layer l : layers) for (Parameter p : l.parameters()) out.add(p.name());
    return out;
  }

  /** The engine that owns this model's plans, arenas and training step. Internal API. */
  public Executor executor() {
    requireOpen();
    requireBuilt();
    return executor;
  }

  /** The cached execution plan for a batch size, built on first use. Internal API. */
  public Plan plan(int batch, boolean training) {
    return executor().plan(batch, training, false);
  }

  /** Like {@link #plan(int, boolean)}; with {@code inputGradient} a training plan also computes d/dinput. */
  public Plan plan(int batch, boolean training, boolean inputGradient) {
    return executor().plan(batch, training, inputGradient);
  }

  /** The parameter arena, laid out by a first plan if the model has not run yet. Internal API. */
  public ParameterArena arena() {
    return executor().arena();
  }

  /** Training steps taken so far. Internal API. */
  public StepCounter counter() {
    return executor.counter();
  }

  /** True when the compiled loss takes the gradient w.r.t. the logits of the final softmax. Internal API. */
  public boolean lossFusesSoftmax() {
    return loss != null && !loss.fromLogits() && !layers.isEmpty() && outputLayer().outputActivation().isSoftmax();
  }

  /** The number of classes (units of the output). */
  public int outputUnits() {
    Shape out = outputShape();
    return out.get(out.rank() - 1);
  }

  /** The graph as the plan builder reads it. */
  PlanBuilder.Topology topology() {
    int n = layers.size();
    boolean[] params = new boolean[n];
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      params[i] = !layers.get(i).parameters().isEmpty();
      names[i] = layers.get(i).name();
    }
    return new PlanBuilder.Topology(reads.toArray(new int[0][]), params, names, n - 1);
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

  void requireBuilt() {
    if (layers.isEmpty()) throw new IllegalStateException("model '" + name + "' has no layers");
    if (inputShape == null) {
      throw new IllegalStateException("model '" + name + "' has no input shape: declare it on the first layer "
          + "(e.g. inputShape(32, 32, 3)) or call build(Shape.of(h, w, c))");
    }
  }

  void requireOpen() {
    if (closed) throw new IllegalStateException("model '" + name + "' is closed");
  }

  boolean started() {
    return executor.started();
  }

  /** Frees the model's native memory: plans, primitives, weights and optimizer state. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    executor.close();
  }

  /** Ordering a functional graph's layers as Keras does. */
  static final class Graphs {
    private Graphs() {}

    /**
     * The layers between input and output, deepest (farthest from the output)
     * first and, at equal depth, in the order a depth-first walk from the
     * output first meets them: Keras's order for {@code model.layers}.
     */
    static List<Layer> kerasOrder(SymbolicTensor input, SymbolicTensor output) {
      List<Layer> preorder = new ArrayList<>();
      List<Layer> postorder = new ArrayList<>();
      walk(output.layer(), input.layer(), new HashSet<>(), new HashSet<>(), preorder, postorder);
      if (!preorder.contains(input.layer())) {
        throw new IllegalArgumentException("the output " + output + " does not depend on the input " + input);
      }
      Map<Layer, Integer> depth = new IdentityHashMap<>();
      depth.put(output.layer(), 0);
      for (int i = postorder.size() - 1; i >= 0; i--) { // consumers before producers
        Layer l = postorder.get(i);
        int d = depth.getOrDefault(l, 0);
        for (SymbolicTensor t : l.inbound()) depth.merge(t.layer(), d + 1, Math::max);
      }
      Map<Layer, Integer> first = new HashMap<>();
      for (int i = 0; i < preorder.size(); i++) first.put(preorder.get(i), i);
      List<Layer> out = new ArrayList<>(preorder);
      out.sort((a, b) -> depth.get(a).equals(depth.get(b)) ? Integer.compare(first.get(a), first.get(b))
          : Integer.compare(depth.get(b), depth.get(a)));
      return out;
    }

    private static void walk(Layer l, Layer input, Set<Layer> done, Set<Layer> active, List<Layer> preorder,
        List<Layer> postorder) {
      if (done.contains(l)) return;
      if (!active.add(l)) throw new IllegalArgumentException("the layer graph has a cycle through " + l);
      preorder.add(l);
      if (l != input) {
        if (l.inbound().isEmpty()) {
          throw new IllegalArgumentException("layer " + l + " is not connected to the model's input: "
              + (l instanceof InputLayer ? "it is another Input" : "it was never called on a tensor"));
        }
        for (SymbolicTensor t : l.inbound()) walk(t.layer(), input, done, active, preorder, postorder);
      }
      active.remove(l);
      done.add(l);
      postorder.add(l);
    }
  }
}
