package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * Applies an activation function on its own, Keras's Activation layer (and its
 * LeakyReLU, ELU and Softmax layers, which read into this one).
 *
 * <pre>{@code
 * new Activation("tanh")
 * }</pre>
 */
public final class Activation extends Layer {
  private final ActivationFunction function;
  private boolean absorbed;

  public Activation(String name) {
    this(ActivationFunction.parse(name));
  }

  public Activation(ActivationFunction function) {
    this.function = function;
  }

  /** The layer a Keras Activation config describes. */
  public static Activation fromConfig(LayerConfig c) {
    return new Activation(c.activation("activation"));
  }

  /** Keras's LeakyReLU: Keras 3 says negative_slope, Keras 2 said alpha; both default to 0.3. */
  public static Activation leakyReluFromConfig(LayerConfig c) {
    String key = c.has("negative_slope") || !c.has("alpha") ? "negative_slope" : "alpha";
    return new Activation(ActivationFunction.leakyRelu(alpha(c, key, 0.3)));
  }

  public static Activation eluFromConfig(LayerConfig c) {
    return new Activation(ActivationFunction.elu(alpha(c, "alpha", 1.0)));
  }

  /** Keras's Softmax layer, over the last axis only. */
  public static Activation softmaxFromConfig(LayerConfig c) {
    var axis = c.get("axis");
    boolean last = axis == null || axis.isNull() || axis.asInt() == -1 && axis.isIntegralNumber()
        || axis.isArray() && axis.size() == 1 && axis.get(0).asInt() == -1;
    if (!last) throw c.unsupported("axis", axis, "-1 (the last axis)");
    return new Activation(ActivationFunction.SOFTMAX);
  }

  private static float alpha(LayerConfig c, String key, double otherwise) {
    double a = c.number(key, otherwise);
    if (!(a >= 0)) throw c.unsupported(key, c.get(key), "a value >= 0");
    return (float) a;
  }

  public ActivationFunction function() {
    return function;
  }

  /** "Activation", or "LeakyReLU" / "ELU" for slopes Keras's activation names do not have. */
  @Override
  public String kerasType() {
    if (function.name().equals("leaky_relu") && function.alpha() != 0.2f) return "LeakyReLU";
    if (function.name().equals("elu") && function.alpha() != 1f) return "ELU";
    return "Activation";
  }

  @Override
  public String baseName() {
    return "activation";
  }

  @Override
  public String kerasFormProblem() {
    return function.name().equals("clipped_relu") ? "activation " + function + " has no Keras name; use a ReLU "
        + "layer with max_value instead" : null;
  }

  @Override
  public ActivationFunction outputActivation() {
    return function;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  @Override
  public ActivationFunction elementwiseFunction() {
    return function;
  }

  @Override
  public void absorbedByInput() {
    absorbed = true;
  }

  @Override
  public void plan(PlanBuilder b) {
    if (absorbed) { // the layer before applies the function
      b.passThrough();
      return;
    }
    Tensor out = ActivationPlanner.forward(b, function, b.input(), false);
    b.output(out);
    b.onBackward(() -> b.diffInput(ActivationPlanner.backward(b, function, out, b.diffOutput())));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    switch (kerasType()) {
      case "LeakyReLU" -> c.put("negative_slope", function.alpha());
      case "ELU" -> c.put("alpha", function.alpha());
      default -> c.put("activation", function.name());
    }
    return c;
  }
}
