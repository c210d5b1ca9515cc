package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

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

  /** The three primitives of a layer, given the activation's post-op attributes. */
  interface Primitives {
    primitive_desc forward(dnnl.prop_kind prop, primitive_attr attr);

    primitive_desc backwardWeights(primitive_desc forward);

    primitive_desc backwardData(primitive_desc forward);
  }

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
      bias = new Parameter(name() + "/bias", new int[] {units}, new long[] {units}, memory.format_tag.x, biasInit, 0,
          0);
      ps.add(bias);
    }
    return ps;
  }

  /** Plans forward (primitive, activation) and backward (activation, weights, data) for {@code src}. */
  final void planWith(PlanBuilder b, Tensor src, Primitives p, String problem, double flops) {
    var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
    primitive_desc fwd = p.forward(prop, ActivationPlanner.postOps(activation));
    Tensor x = b.as(src, fwd.src_desc(), "reorder src");
    Tensor dst = b.allocate(fwd.dst_desc());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, x.memory())
        .put(DNNL_ARG_WEIGHTS, b.weights(kernel, fwd.weights_desc())).put(DNNL_ARG_DST, dst.memory());
    if (useBias) args.put(DNNL_ARG_BIAS, b.weights(bias, fwd.weights_desc(1)));
    b.execute(fwd, "forward", problem, flops, args);
    Tensor out = ActivationPlanner.afterPrimitive(b, activation, dst);
    b.output(out);

    b.onBackward(() -> {
      Tensor dy = ActivationPlanner.backward(b, activation, out, b.diffOutput());
      primitive_desc bww = p.backwardWeights(fwd);
      Tensor xW = b.as(x, bww.src_desc(), "reorder src for backward-weights");
      Tensor dyW = b.as(dy, bww.diff_dst_desc(), "reorder diff_dst");
      var wargs = new IntMemoryMap().put(DNNL_ARG_SRC, xW.memory()).put(DNNL_ARG_DIFF_DST, dyW.memory());
      if (useBias) wargs.put(DNNL_ARG_DIFF_BIAS, b.gradient(bias, bww.diff_weights_desc(1)));
      wargs.put(DNNL_ARG_DIFF_WEIGHTS, b.gradient(kernel, bww.diff_weights_desc()));
      b.execute(bww, "backward-weights", problem, flops, wargs);
      if (b.firstLayer()) return; // nothing needs the gradient of the model's input
      primitive_desc bwd = p.backwardData(fwd);
      Tensor dyD = b.as(dy, bwd.diff_dst_desc(), "reorder diff_dst");
      Tensor dx = b.allocate(bwd.diff_src_desc());
      b.execute(bwd, "backward-data", problem, flops, new IntMemoryMap().put(DNNL_ARG_DIFF_DST, dyD.memory())
          .put(DNNL_ARG_WEIGHTS, b.weights(kernel, bwd.weights_desc())).put(DNNL_ARG_DIFF_SRC, dx.memory()));
      b.diffInput(dx);
    });
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
