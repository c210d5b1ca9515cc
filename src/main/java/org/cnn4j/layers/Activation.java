package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

/**
 * Applies an activation function on its own, Keras's Activation layer.
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

  public ActivationFunction function() {
    return function;
  }

  @Override
  public ActivationFunction outputActivation() {
    return function;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  /**
   * Marks the function as applied by the layer before (see {@link
   * Layer#absorbActivation}): this layer then passes tensors through. Internal API.
   */
  public void absorbedByInput() {
    absorbed = true;
  }

  @Override
  public void plan(PlanBuilder b) {
    if (absorbed) {
      b.output(b.input());
      b.onBackward(() -> b.diffInput(b.diffOutput()));
      return;
    }
    Tensor out = ActivationPlanner.forward(b, function, b.input(), false);
    b.output(out);
    b.onBackward(() -> b.diffInput(ActivationPlanner.backward(b, function, out, b.diffOutput())));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("activation", function.name());
    return c;
  }
}
