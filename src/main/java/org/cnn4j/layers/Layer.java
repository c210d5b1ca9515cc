package org.cnn4j.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;

/**
 * A layer of a {@link org.cnn4j.model.Sequential} model, with Keras's life cycle:
 * the constructor and setters store the configuration, {@link #build} fixes the
 * input shape and creates the parameters, and {@link #plan} adds the layer's
 * oneDNN primitives, forward and backward, to a model's execution plan.
 */
public abstract class Layer {
  private String name;
  private Shape inputShape;
  private Shape outputShape;
  private List<Parameter> parameters = List.of();

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

  public Shape inputShape() {
    return inputShape;
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
    requireUnbuilt();
    if (name == null) name = assignedName;
    Shape out = computeOutputShape(input);
    parameters = List.copyOf(createParameters(input));
    inputShape = input;
    outputShape = out;
  }

  /** The output shape for an input shape; throws IllegalArgumentException if the input does not fit. */
  protected abstract Shape computeOutputShape(Shape input);

  protected List<Parameter> createParameters(Shape input) {
    return List.of();
  }

  /** Adds this layer's primitives to a plan. Internal API, called by the model. */
  public abstract void plan(PlanBuilder b);

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
