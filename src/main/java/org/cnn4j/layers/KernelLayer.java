package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * What Dense, Conv2D and DepthwiseConv2D share: a kernel and an optional bias
 * (their initializers and the kernel's L2 regularizer), an activation fused into
 * the primitive as a post-op, and one plan for the forward primitive, the
 * activation, backward-weights and backward-data.
 *
 * @param <T> the concrete layer, so that the setters chain
 */
public abstract class KernelLayer<T extends KernelLayer<T>> extends Layer {
  private ActivationFunction activation = ActivationFunction.LINEAR;
  private boolean useBias = true;
  private Parameter.Init kernelInit = Parameter.Init.GLOROT_UNIFORM;
  private Parameter.Init biasInit = Parameter.Init.ZEROS;
  private float l2;
  Shape declaredInput;
  Parameter kernel;
  Parameter bias;

  @SuppressWarnings("unchecked")
  final T self() {
    return (T) this;
  }

  /** By Keras name: "relu", "sigmoid", ... (default linear). */
  public T activation(String name) {
    return activation(ActivationFunction.parse(name));
  }

  public T activation(ActivationFunction f) {
    requireUnbuilt();
    activation = f;
    return self();
  }

  public T useBias(boolean use) {
    requireUnbuilt();
    useBias = use;
    return self();
  }

  /** By Keras name: glorot_uniform (the default), glorot_normal, he_normal, he_uniform, zeros, ones. */
  public T kernelInitializer(String name) {
    requireUnbuilt();
    kernelInit = Parameter.Init.parse(name);
    return self();
  }

  /** zeros (the default) or ones. */
  public T biasInitializer(String name) {
    requireUnbuilt();
    biasInit = Parameter.Init.parse(name);
    return self();
  }

  /** Keras's kernel_regularizer=l2(factor): factor * sum(kernel^2) joins the loss. */
  public T kernelRegularizer(double l2Factor) {
    requireUnbuilt();
    if (!(l2Factor >= 0) || Double.isInfinite(l2Factor)) {
      throw new IllegalArgumentException("L2 factor must be a number >= 0, got " + l2Factor);
    }
    l2 = (float) l2Factor;
    return self();
  }

  @Override
  public ActivationFunction outputActivation() {
    return activation;
  }

  public ActivationFunction activation() {
    return activation;
  }

  public boolean useBias() {
    return useBias;
  }

  @Override
  public Shape declaredInputShape() {
    return declaredInput;
  }

  /** "kernel", or "depthwise" for DepthwiseConv2D: the prefix of the kernel's Keras names. */
  String kernelKey() {
    return "kernel";
  }

  /**
   * The kernel (Keras shape, oneDNN dims, the plain tag whose order is Keras's) and a bias of
   * {@code units}; Keras's fans: (in, units) for a matrix, times kh * kw for (kh, kw, in, out).
   */
  final List<Parameter> kernelAndBias(int[] kerasShape, long[] dnnlDims, memory.format_tag tag, int units) {
    int receptive = kerasShape.length == 4 ? kerasShape[0] * kerasShape[1] : 1;
    int r = kerasShape.length;
    String kname = kernelKey().equals("kernel") ? "kernel" : kernelKey() + "_kernel";
    kernel = new Parameter(name() + "/" + kname, kerasShape, dnnlDims, tag, kernelInit,
        kerasShape[r - 2] * receptive, kerasShape[r - 1] * receptive).l2(l2);
    List<Parameter> ps = new ArrayList<>(List.of(kernel));
    if (useBias) {
      // Keras's fans of a vector are its length.
      bias = new Parameter(name() + "/bias", new int[] {units}, new long[] {units}, memory.format_tag.x, biasInit,
          units, units);
      ps.add(bias);
    }
    return ps;
  }

  /** Reads activation, use_bias, initializers and the kernel's L2 regularizer; warns about the rest. */
  final void readKernelOptions(LayerConfig c) {
    String k = kernelKey();
    activation(c.activation("activation"));
    useBias(c.bool("use_bias", true));
    kernelInit = c.initializer(k + "_initializer", Parameter.Init.GLOROT_UNIFORM);
    biasInit = c.initializer("bias_initializer", Parameter.Init.ZEROS);
    kernelRegularizer(c.l2(k + "_regularizer"));
    for (String key : new String[] {"bias_regularizer", "activity_regularizer", k + "_constraint", "bias_constraint"}) {
      c.trainingOnly(key);
    }
    c.requireNull("lora_rank");
    c.get("lora_alpha"); // meaningful only with lora_rank
    c.requireNull("quantization_config");
  }

  /** Plans forward (primitive, activation) and backward (activation, weights, data) for {@code src}. */
  final void planWith(PlanBuilder b, Tensor src, KernelPlanner.Primitives p, String problem, double flops) {
    planWith(b, src, p, problem, flops, null, null);
  }

  /**
   * Like {@link #planWith(PlanBuilder, Tensor, KernelPlanner.Primitives, String, double)}; with a
   * {@code fold} or a {@code residual} (either may be null), inference only.
   */
  final void planWith(PlanBuilder b, Tensor src, KernelPlanner.Primitives p, String problem, double flops,
      NormalizationFold fold, ResidualAdd residual) {
    if (fold != null || residual != null) {
      KernelPlanner.planInference(b, src, p, kernel, useBias ? bias : null, fold, residual, problem, flops);
    } else {
      KernelPlanner.plan(b, src, p, activation, kernel, useBias ? bias : null, problem, flops);
    }
  }

  /** A tag-free "no bias" descriptor, or {@code dims} with layout any. */
  final memory.desc biasDesc(long units) {
    return useBias ? org.cnn4j.dnnl.Dnnl.any(units) : new memory.desc();
  }

  /** Keras's keys from activation on: activation, use_bias, initializers, regularizers, constraints. */
  final void putKernelOptions(Map<String, Object> c, boolean activityRegularizer) {
    String k = kernelKey();
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put(k + "_initializer", Initializers.toConfig(kernelInit));
    c.put("bias_initializer", Initializers.toConfig(biasInit));
    c.put(k + "_regularizer", Initializers.l2Config(l2));
    c.put("bias_regularizer", null);
    if (activityRegularizer) c.put("activity_regularizer", null);
    c.put(k + "_constraint", null);
    c.put("bias_constraint", null);
  }

  /** Why the activation has no Keras name (a leaky_relu or elu with another slope), or null. */
  @Override
  public String kerasFormProblem() {
    ActivationFunction f = activation;
    boolean kerasDefault = switch (f.name()) {
      case "leaky_relu" -> f.alpha() == 0.2f;
      case "elu" -> f.alpha() == 1f;
      case "clipped_relu" -> false;
      default -> true;
    };
    if (kerasDefault) return null;
    return "activation " + f + " has no Keras name (Keras's '" + f.name() + "' means " + f.name()
        + (f.name().equals("elu") ? "(1.0)" : "(0.2)") + "); use a separate Activation layer instead";
  }
}
