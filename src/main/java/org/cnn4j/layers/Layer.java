package org.cnn4j.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;

/**
 * A layer of a model, with Keras's life cycle: the constructor and setters
 * store the configuration, {@link #build} fixes the input shapes and creates
 * the parameters, and {@link #plan} adds the layer's oneDNN primitives,
 * forward and backward, to a model's execution plan.
 *
 * <p>In a {@link org.cnn4j.model.Sequential} model layers are added in order;
 * in a functional {@link org.cnn4j.model.Model} a layer is called on the
 * tensors it reads, as in Keras:
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of(32, 32, 3);
 * SymbolicTensor y = new Conv2D(16, 3).padding("same").call(x);
 * SymbolicTensor z = new Add().call(x, y);
 * }</pre>
 */
public abstract class Layer {
  private String name;
  private List<Shape> inputShapes;
  private Shape outputShape;
  private List<Parameter> parameters = List.of();
  private List<SymbolicTensor> inbound;

  /** Keras's class name, shown in summaries, e.g. "Conv2D" or "MaxPooling2D". */
  public String kerasType() {
    return getClass().getSimpleName();
  }

  /** The Python module Keras records for the class: "keras.layers" (cnn4j's own layers say otherwise). */
  public String kerasModule() {
    return "keras.layers";
  }

  /** Keras's "registered_name": null for Keras's own layers, "package>Class" for custom ones. */
  public String kerasRegisteredName() {
    return null;
  }

  /** Keras's base name for automatic naming: "conv2d", "max_pooling2d", ... */
  public String baseName() {
    return kerasType().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The layer's name: given, or assigned when it is added to a model ("conv2d_1"). */
  public String name() {
    return name;
  }

  /** Names the layer (before it is added to a model). */
  public void setName(String name) {
    requireUnbuilt();
    this.name = name;
  }

  /** The input shape the user declared on this layer, or null. */
  public Shape declaredInputShape() {
    return null;
  }

  /** The (first) input's shape, once built. */
  public Shape inputShape() {
    return inputShapes == null ? null : inputShapes.get(0);
  }

  /** Every input's shape, once built. */
  public List<Shape> inputShapes() {
    return inputShapes;
  }

  /**
   * Calls the layer on the tensors it reads (Keras's functional API): builds
   * it for their shapes, names it within their graph, and returns its output.
   * A layer is called once; to share weights between calls, cnn4j has no support yet.
   */
  public SymbolicTensor call(SymbolicTensor... inputs) {
    if (inputs.length == 0) throw new IllegalArgumentException("layer " + this + " needs at least one input tensor");
    if (inbound != null || built()) {
      throw new IllegalStateException("layer '" + name + "' was already called or added to a model; "
          + "cnn4j does not share a layer between calls: create another layer");
    }
    SymbolicTensor.Graph graph = inputs[0].graph();
    List<Shape> shapes = new java.util.ArrayList<>();
    for (SymbolicTensor t : inputs) {
      if (t.graph() != graph) {
        throw new IllegalArgumentException("layer " + this + ": its inputs come from different Input tensors' "
            + "graphs; a model has one input");
      }
      shapes.add(t.shape());
    }
    build(name != null ? graph.claim(name) : graph.nextName(baseName()), shapes);
    inbound = List.of(inputs);
    return new SymbolicTensor(this, outputShape, graph);
  }

  /** The tensors this layer was called on (empty for a layer added to a Sequential model). */
  public List<SymbolicTensor> inbound() {
    return inbound == null ? List.of() : inbound;
  }

  public Shape outputShape() {
    return outputShape;
  }

  public boolean built() {
    return outputShape != null;
  }

  /** The layer's tensors in Keras's order (kernel, then bias; non-trainable state too). Internal API. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** Values of all the layer's tensors, non-trainable state included (as Keras counts). */
  public long countParams() {
    long n = 0;
    for (Parameter p : parameters) n += p.size();
    return n;
  }

  /** Values of the tensors the optimizer trains. */
  public long countTrainableParams() {
    long n = 0;
    for (Parameter p : parameters) if (p.trainable()) n += p.size();
    return n;
  }

  /**
   * Fixes the input shape, checks it fits, and creates the parameters.
   * Called by the model; throws IllegalArgumentException naming the layer
   * when the input cannot feed this layer.
   */
  public final void build(String assignedName, Shape input) {
    build(assignedName, List.of(input));
  }

  /** Like {@link #build(String, Shape)} for a layer with several inputs (Add, Concatenate). */
  public final void build(String assignedName, List<Shape> inputs) {
    requireUnbuilt();
    if (name == null) name = assignedName;
    Shape out = computeOutputShape(inputs);
    parameters = List.copyOf(createParameters(inputs.get(0)));
    inputShapes = List.copyOf(inputs);
    outputShape = out;
  }

  /** The output shape for an input shape; throws IllegalArgumentException if the input does not fit. */
  protected Shape computeOutputShape(Shape input) {
    throw new UnsupportedOperationException(kerasType() + " overrides computeOutputShape(List)");
  }

  /** The output shape for the input shapes; single-input layers need only {@link #computeOutputShape(Shape)}. */
  protected Shape computeOutputShape(List<Shape> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("layer " + this + " takes one input, got " + inputs.size());
    }
    return computeOutputShape(inputs.get(0));
  }

  protected List<Parameter> createParameters(Shape input) {
    return List.of();
  }

  /**
   * The activation the layer's output has passed through (Dense, Conv2D and
   * Activation say theirs): a final softmax can be fused with the loss.
   */
  public ActivationFunction outputActivation() {
    return ActivationFunction.LINEAR;
  }

  /**
   * Offers to apply {@code f} to this layer's output inside the layer's own
   * primitive (a oneDNN post-op), when an Activation layer is this layer's
   * only reader. True if the layer took it: the model then plans that
   * Activation as a pass-through. The layer's config and summary stay as they
   * are. Internal API, called by the model before its first plan.
   */
  public boolean absorbActivation(ActivationFunction f) {
    return false;
  }

  /**
   * For a layer that only applies an element-wise function (Activation, ReLU):
   * that function, which the layer before may absorb; null for other layers.
   */
  public ActivationFunction elementwiseFunction() {
    return null;
  }

  /**
   * Marks an element-wise layer's function as applied by the layer before (see
   * {@link #absorbActivation}): the layer then passes tensors through. Internal API.
   */
  public void absorbedByInput() {
    throw new UnsupportedOperationException(this + " applies no element-wise function of its own");
  }

  /** Adds this layer's primitives to a plan. Internal API, called by the model. */
  public abstract void plan(PlanBuilder b);

  /**
   * For a normalization that the layer before may fold into its own primitive in inference
   * plans (BatchNormalization), what that layer needs; null for other layers. Internal API.
   */
  public NormalizationFold normalizationFold() {
    return null;
  }

  /**
   * Whether an inference plan may fold a BatchNormalization that alone reads this layer
   * into this layer's own primitive ({@link #planInference}); convolutions without an
   * activation can. Internal API.
   */
  public boolean foldsNormalization() {
    return false;
  }

  /**
   * Whether an inference plan may merge the residual join (a two-input Add) that reads this
   * layer, directly or through a folded BatchNormalization, into this layer's own primitive
   * ({@link #planInference}); convolutions without an activation can. Internal API.
   */
  public boolean takesResidual() {
    return false;
  }

  /**
   * For a residual join (Add of two inputs): the activation it applies after the sum (linear
   * when none), which the layer before may take over with the sum; null for other layers.
   * Internal API.
   */
  public ActivationFunction residualJoin() {
    return null;
  }

  /**
   * Plans this layer's forward pass for inference with, when not null, the BatchNormalization
   * that reads it folded in (the output is the normalization's) and the residual join after
   * it merged in (the output is the join's). Internal API, called by the model.
   */
  public void planInference(PlanBuilder b, NormalizationFold fold, ResidualAdd residual) {
    throw new UnsupportedOperationException(this + " cannot fold a BatchNormalization or a residual join");
  }

  /**
   * The layer's configuration as Keras writes it: "name", then every key of the Keras class in
   * Keras's order, as plain values (maps, lists, strings, numbers, booleans, null). The layer's
   * static {@code fromConfig} reads it back (see {@code org.cnn4j.io.LayerRegistry}).
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    return c;
  }

  /**
   * Why this layer, as configured, has no Keras config (an activation Keras cannot name,
   * say), or null when it has one. Writers of Keras JSON refuse the layer with this message.
   */
  public String kerasFormProblem() {
    return null;
  }

  protected final IllegalArgumentException badInput(Shape input, String expected) {
    String who = name != null ? "'" + name + "' (" + kerasType() + ")" : kerasType();
    return new IllegalArgumentException("layer " + who + " cannot take input of shape "
        + input.withBatch() + ": " + expected);
  }

  protected final void requireUnbuilt() {
    if (built()) {
      throw new IllegalStateException("layer '" + name + "' is already part of a built model; "
          + "configure layers before adding them");
    }
  }

  static int positive(String what, int v) {
    if (v < 1) throw new IllegalArgumentException(what + " must be positive, got " + v);
    return v;
  }

  @Override
  public String toString() {
    return (name == null ? baseName() : name) + " (" + kerasType() + ")";
  }
}
