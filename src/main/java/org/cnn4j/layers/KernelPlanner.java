package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_SCALES;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.function.LongSupplier;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.dnnl.reorder;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.kernels.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan every {@link KernelLayer} shares: its forward primitive with the
 * activation as a post-op, then, backward, the activation's derivative,
 * backward-weights (kernel and bias gradients) and backward-data.
 */
final class KernelPlanner {
  private static final Logger log = LoggerFactory.getLogger(KernelPlanner.class);

  private KernelPlanner() {}

  /** The three primitives of a layer, given the activation's post-op attributes. */
  interface Primitives {
    primitive_desc forward(dnnl.prop_kind prop, primitive_attr attr);

    primitive_desc backwardWeights(primitive_desc forward);

    primitive_desc backwardData(primitive_desc forward);
  }

  /** Plans forward and backward for {@code src}; {@code bias} null means none. */
  static void plan(PlanBuilder b, Tensor src, Primitives p, ActivationFunction activation, Parameter kernel,
      Parameter bias, String problem, double flops) {
    boolean useBias = bias != null;
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
      // A non-linear activation's backward runs in place on diff_dst; without one it is only read.
      Tensor dy = ActivationPlanner.backward(b, activation, out,
          activation.isLinear() ? b.diffOutputToRead() : b.diffOutput());
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

  /**
   * Plans an inference forward pass with a BatchNormalization folded in, a residual join merged
   * in, or both ({@code fold} or {@code residual} may be null).
   *
   * <p>Folding: a first step recomputes the folded kernel and bias whenever the arena's version
   * moved (an optimizer step, new weights, moved statistics): the per-channel scale and bias by a
   * cnn4j kernel, the kernel by one reorder from the arena that multiplies each output channel by
   * its scale. The normalization's activation becomes a post-op.
   *
   * <p>Residual join: a binary post-op adds the shortcut (in the convolution's output layout) and
   * the join's activation follows as one more post-op, so convolution, normalization, sum and ReLU
   * write the block's output in one pass. Where that would change the convolution's
   * implementation or output layout, the sum runs as its own binary primitive after it.
   */
  static void planInference(PlanBuilder b, Tensor src, Primitives p, Parameter kernel, Parameter bias,
      NormalizationFold fold, ResidualAdd residual, String problem, double flops) {
    var inference = dnnl.prop_kind.forward_inference;
    ActivationFunction own = fold == null ? ActivationFunction.LINEAR : fold.activation();
    primitive_desc fwd = p.forward(inference, ActivationPlanner.postOps(own));
    Tensor shortcut = null;
    int shortcutArg = 0;
    if (residual != null && (own.isLinear() || ActivationPlanner.fusable(own))) {
      memory.desc layout = fwd.dst_desc();
      primitive_desc merged = p.forward(inference, ActivationPlanner.residualPostOps(own, layout, residual.activation()));
      String impl = Dnnl.implementation(merged);
      if (impl.equals(Dnnl.implementation(fwd)) && merged.dst_desc().equals(layout)
          && merged.src_desc().equals(fwd.src_desc()) && merged.weights_desc().equals(fwd.weights_desc())) {
        fwd = merged;
        shortcut = b.as(b.outputOf(residual.shortcut()), layout, "reorder shortcut");
        shortcutArg = ActivationPlanner.residualArgument(own);
      } else {
        log.debug("{}: residual sum as its own step ({} with the sum post-op, {} without)", b.layer(), impl,
            Dnnl.implementation(fwd));
      }
    }
    Tensor x = b.as(src, fwd.src_desc(), "reorder src");
    Tensor dst = b.allocate(fwd.dst_desc());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, x.memory()).put(DNNL_ARG_DST, dst.memory());
    if (fold != null) {
      putFolded(b, fwd, kernel, bias, fold, problem, args);
    } else {
      args.put(DNNL_ARG_WEIGHTS, b.weights(kernel, fwd.weights_desc()));
      if (bias != null) args.put(DNNL_ARG_BIAS, b.weights(bias, fwd.weights_desc(1)));
    }
    if (shortcut != null) args.put(shortcutArg, shortcut.memory());
    b.execute(fwd, shortcut != null ? "forward + add" : "forward", problem, flops, args);
    Tensor out = ActivationPlanner.afterPrimitive(b, own, dst);
    if (residual != null && shortcut == null) {
      out = Add.binaryAdd(b, out, b.outputOf(residual.shortcut()), residual.activation());
    }
    b.output(out);
  }

  /**
   * Adds the step that folds {@code fold} into the kernel and bias (when the weights moved) and
   * puts the folded kernel and bias into the forward primitive's {@code args}.
   */
  private static void putFolded(PlanBuilder b, primitive_desc fwd, Parameter kernel, Parameter bias,
      NormalizationFold fold, String problem, IntMemoryMap args) {
    memory.desc wDesc = fwd.weights_desc();
    memory.desc bDesc = fwd.weights_desc(1);
    long channels = bDesc.get_size() / Float.BYTES;
    memory.desc vector = Dnnl.desc(new long[] {channels}, memory.format_tag.x);
    memory stored = b.storedWeights(kernel, wDesc);
    Tensor foldedKernel = b.allocate(wDesc);
    Tensor foldedBias = b.allocate(bDesc); // a vector is plain in any layout
    Tensor scale = b.allocate(vector);
    memory gamma = fold.gamma() == null ? null : b.weights(fold.gamma(), vector);
    memory beta = fold.beta() == null ? null : b.weights(fold.beta(), vector);
    memory mean = b.weights(fold.mean(), vector);
    memory variance = b.weights(fold.variance(), vector);
    memory biasValues = bias == null ? null : b.weights(bias, vector);
    // The scale runs along the output channels: {O, I, KH, KW}'s first dimension, or {G, O/G, ...}'s first two.
    primitive_attr attr = new primitive_attr();
    attr.set_scales_mask(DNNL_ARG_SRC, kernel.dnnlDims().length == 5 ? 3 : 1);
    reorder.primitive_desc rpd = new reorder.primitive_desc(Dnnl.engine(), stored.get_desc(), Dnnl.engine(), wDesc,
        attr, false);
    String role = "fold batch normalization";
    Dnnl.requireOptimized(rpd, b.layer(), role);
    reorder r = new reorder(rpd);
    IntMemoryMap rargs = new IntMemoryMap().put(DNNL_ARG_SRC, stored)
        .put(DNNL_ARG_DST, foldedKernel.memory())
        .put(DNNL_ARG_ATTR_SCALES | DNNL_ARG_SRC, scale.memory());
    LongSupplier version = b.weightsVersion();
    float epsilon = fold.epsilon();
    long[] foldedAt = {Long.MIN_VALUE};
    b.kernel(role, problem, () -> {
      long now = version.getAsLong();
      if (now == foldedAt[0]) return;
      Kernels.foldNormalization(address(gamma), address(beta), address(mean), address(variance), address(biasValues),
          epsilon, channels, scale.address(), foldedBias.address());
      r.execute(Dnnl.stream(), rargs);
      foldedAt[0] = now;
    });
    args.put(DNNL_ARG_WEIGHTS, foldedKernel.memory()).put(DNNL_ARG_BIAS, foldedBias.memory());
  }

  private static long address(memory m) {
    return m == null ? 0 : m.get_data_handle().address();
  }
}
