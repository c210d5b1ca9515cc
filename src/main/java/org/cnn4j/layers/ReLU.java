package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * Keras's ReLU layer: max(x, 0), optionally capped at {@code maxValue}, or with
 * {@code negativeSlope} * x below zero. oneDNN computes both forward and
 * backward for those; a cap together with a slope, and a non-zero threshold,
 * are refused.
 *
 * <pre>{@code
 * new ReLU()                    // max(x, 0)
 * new ReLU().maxValue(6)        // relu6
 * new ReLU().negativeSlope(0.1) // leaky
 * }</pre>
 */
public final class ReLU extends Layer {
  private Float maxValue;
  private float negativeSlope;
  private float threshold;
  private boolean absorbed;

  /** Caps the output at {@code max}; null removes the cap. */
  public ReLU maxValue(Number max) {
    requireUnbuilt();
    Float m = max == null ? null : max.floatValue();
    check(m, negativeSlope, threshold);
    maxValue = m;
    return this;
  }

  public ReLU negativeSlope(double slope) {
    requireUnbuilt();
    check(maxValue, (float) slope, threshold);
    negativeSlope = (float) slope;
    return this;
  }

  /** Keras's threshold: only 0 is supported (oneDNN has no shifted ReLU). */
  public ReLU threshold(double t) {
    requireUnbuilt();
    check(maxValue, negativeSlope, (float) t);
    threshold = (float) t;
    return this;
  }

  private static void check(Float max, float slope, float threshold) {
    if (!(slope >= 0) || Float.isInfinite(slope)) {
      throw new IllegalArgumentException("ReLU negative_slope must be a number >= 0, got " + slope);
    }
    if (max != null && !(max > 0 && !max.isInfinite())) {
      throw new IllegalArgumentException("ReLU max_value must be a positive number, got " + max);
    }
    if (threshold != 0) {
      throw new IllegalArgumentException("ReLU threshold " + threshold + " is not supported: cnn4j supports "
          + "threshold 0 (oneDNN has no shifted ReLU)");
    }
    if (max != null && slope != 0) {
      throw new IllegalArgumentException("ReLU with both max_value (" + max + ") and negative_slope (" + slope
          + ") is not supported: cnn4j supports one or the other");
    }
  }

  /** The layer a Keras ReLU config describes. */
  public static ReLU fromConfig(LayerConfig c) {
    var max = c.get("max_value");
    if (max != null && !max.isNull() && !max.isNumber()) throw c.error("\"max_value\" must be a number, got " + max);
    return new ReLU().maxValue(max == null || max.isNull() ? null : max.doubleValue())
        .negativeSlope(c.number("negative_slope", 0)).threshold(c.number("threshold", 0));
  }

  /** The function oneDNN computes: relu, leaky_relu or clipped_relu. */
  public ActivationFunction function() {
    if (maxValue != null) return ActivationFunction.clippedRelu(maxValue);
    return negativeSlope == 0 ? ActivationFunction.RELU : ActivationFunction.leakyRelu(negativeSlope);
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  @Override
  public ActivationFunction elementwiseFunction() {
    return function();
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
    ActivationFunction f = function();
    Tensor out = ActivationPlanner.forward(b, f, b.input(), false);
    b.output(out);
    b.onBackward(() -> b.diffInput(ActivationPlanner.backward(b, f, out, b.diffOutput())));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("max_value", maxValue);
    c.put("negative_slope", negativeSlope);
    c.put("threshold", threshold);
    return c;
  }
}
