package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

/**
 * The plan every {@link KernelLayer} shares: its forward primitive with the
 * activation as a post-op, then, backward, the activation's derivative,
 * backward-weights (kernel and bias gradients) and backward-data.
 */
final class KernelPlanner {
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
}
