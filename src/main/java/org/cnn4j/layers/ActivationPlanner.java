package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.dnnl.softmax_backward;
import org.bytedeco.dnnl.softmax_forward;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.kernels.Kernels;

/**
 * Plans activations: as a post-op of the layer before (eltwise functions), or
 * as their own primitive (softmax, or the Activation layer). Backward passes
 * read the forward output ("use_dst_for_bwd"), so no pre-activation copy is kept,
 * and run in place on the incoming gradient.
 */
final class ActivationPlanner {
  /**
   * Fusing eltwise activations into the convolution or inner product before
   * them; -Dcnn4j.fusion=false plans them as their own primitives instead, to
   * measure what fusion gains.
   */
  static final boolean FUSION = !"false".equals(System.getProperty("cnn4j.fusion"));

  private ActivationPlanner() {}

  /** Whether f can run as a post-op of the primitive before it. */
  static boolean fusable(ActivationFunction f) {
    return fused(f);
  }

  private static boolean fused(ActivationFunction f) {
    return FUSION && !f.isLinear() && !f.isSoftmax();
  }

  /** Attributes that fuse an eltwise activation into a convolution or inner product. */
  static primitive_attr postOps(ActivationFunction f) {
    primitive_attr attr = new primitive_attr();
    if (fused(f)) {
      post_ops ops = new post_ops();
      ops.append_eltwise(f.forwardAlgorithm(), f.alpha(), f.beta());
      attr.set_post_ops(ops);
    }
    return attr;
  }

  /**
   * Attributes that add a residual shortcut after a convolution: {@code own} (when fused), then
   * a binary add of a tensor in layout {@code shortcut} (its argument: {@link #residualArgument}),
   * then {@code after} (when not linear).
   */
  static primitive_attr residualPostOps(ActivationFunction own, memory.desc shortcut, ActivationFunction after) {
    post_ops ops = new post_ops();
    if (fused(own)) ops.append_eltwise(own.forwardAlgorithm(), own.alpha(), own.beta());
    ops.append_binary(dnnl.algorithm.binary_add, shortcut);
    if (!after.isLinear()) ops.append_eltwise(after.forwardAlgorithm(), after.alpha(), after.beta());
    primitive_attr attr = new primitive_attr();
    attr.set_post_ops(ops);
    return attr;
  }

  /** The execution argument of the shortcut of {@link #residualPostOps} with the same {@code own}. */
  static int residualArgument(ActivationFunction own) {
    int index = fused(own) ? 1 : 0; // the binary post-op comes after own's eltwise
    return DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (index + 1) | DNNL_ARG_SRC_1;
  }

  /**
   * The activation's output after the convolution or inner product that wrote
   * {@code dst} with {@link #postOps}: dst itself when fused (or linear), else
   * the output of the activation's own primitive (softmax in place).
   */
  static Tensor afterPrimitive(PlanBuilder b, ActivationFunction f, Tensor dst) {
    if (f.isLinear() || fused(f)) return dst;
    return forward(b, f, dst, f.isSoftmax());
  }

  /** Applies f to t in its own primitive; in place when {@code inPlace}, else into a new tensor. */
  static Tensor forward(PlanBuilder b, ActivationFunction f, Tensor t, boolean inPlace) {
    if (f.isLinear()) return t;
    var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
    primitive_desc pd = forwardDesc(f, prop, t.desc());
    if (Dnnl.implementation(pd).startsWith("ref")) {
      // oneDNN's JIT element-wise kernels skip some blocked layouts (few channels padded
      // to a block of 8 or 16): run on a channels-last copy instead.
      t = b.as(t, Dnnl.plain(t.desc()), "reorder to channels-last for " + f.name());
      pd = forwardDesc(f, prop, t.desc());
    }
    Tensor dst = inPlace ? t : b.allocate(t.desc()).flatOrder(t.flatOrder());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, t.memory()).put(DNNL_ARG_DST, dst.memory());
    b.execute(pd, f.name() + " forward", "", args);
    return dst;
  }

  private static primitive_desc forwardDesc(ActivationFunction f, dnnl.prop_kind prop, memory.desc d) {
    if (f.isSoftmax()) {
      return new softmax_forward.primitive_desc(Dnnl.engine(), prop, dnnl.algorithm.softmax_accurate, d, d, 1);
    }
    return new eltwise_forward.primitive_desc(Dnnl.engine(), prop, f.forwardAlgorithm(), d, d, f.alpha(), f.beta());
  }

  /**
   * Turns the gradient w.r.t. an activation's output into the gradient w.r.t.
   * its input, in place. {@code dst} is the activation's forward output.
   */
  static Tensor backward(PlanBuilder b, ActivationFunction f, Tensor dst, Tensor diffDst) {
    if (f.isLinear()) return diffDst;
    if (f.isSoftmax() && b.lossFusesSoftmax()) return diffDst; // the loss gave d/dlogits already
    if (f.isSoftmax()) {
      // The backward descriptor wants dst's layout for diff_dst as well.
      var hint = new softmax_forward.primitive_desc(Dnnl.engine(), dnnl.prop_kind.forward_training,
          dnnl.algorithm.softmax_accurate, dst.desc(), dst.desc(), 1);
      var pd = new softmax_backward.primitive_desc(Dnnl.engine(), dnnl.algorithm.softmax_accurate,
          dst.desc(), dst.desc(), dst.desc(), 1, hint);
      if (Dnnl.implementation(pd).startsWith("ref")) return softmaxBackwardKernel(b, dst, diffDst);
      Tensor dy = b.as(diffDst, dst.desc(), "reorder diff_dst");
      b.execute(pd, "softmax backward", "", inPlaceArgs(dst, dy));
      return dy;
    }
    Tensor dy = b.as(diffDst, dst.desc(), "reorder diff_dst");
    var hint = new eltwise_forward.primitive_desc(Dnnl.engine(), dnnl.prop_kind.forward_training,
        f.backwardAlgorithm(), dst.desc(), dst.desc(), f.alpha(), f.beta());
    var pd = new eltwise_backward.primitive_desc(Dnnl.engine(), f.backwardAlgorithm(),
        dy.desc(), dy.desc(), dst.desc(), f.alpha(), f.beta(), hint);
    b.execute(pd, f.name() + " backward", "", inPlaceArgs(dst, dy));
    return dy;
  }

  private static IntMemoryMap inPlaceArgs(Tensor dst, Tensor dy) {
    return new IntMemoryMap().put(DNNL_ARG_DST, dst.memory()).put(DNNL_ARG_DIFF_DST, dy.memory())
        .put(DNNL_ARG_DIFF_SRC, dy.memory());
  }

  /**
   * Softmax backward in cnn4j's own kernel, where oneDNN has only its reference
   * one (below AVX-512): on channels-last copies of y and dy, in place on dy.
   */
  private static Tensor softmaxBackwardKernel(PlanBuilder b, Tensor dst, Tensor diffDst) {
    long[] dims = Dnnl.dims(dst.desc());
    var plain = Dnnl.plain(dst.desc());
    Tensor y = b.as(dst, plain, "reorder dst for softmax backward");
    Tensor dy = b.as(diffDst, plain, "reorder diff_dst for softmax backward");
    int k = (int) dims[1];
    long rows = dy.floats() / k;
    b.kernel("softmax backward", "", () -> Kernels.softmaxBackward(y.address(), dy.address(), dy.address(), rows, k));
    return dy;
  }
}
