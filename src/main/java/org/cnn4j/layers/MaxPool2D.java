package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.cnn4j.dnnl.Dnnl.any;

import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

/**
 * Max pooling over 2-D windows, Keras's MaxPool2D (summaries call it MaxPooling2D).
 * Strides default to the pool size. Padded positions never win the maximum.
 *
 * <pre>{@code
 * new MaxPool2D(2).strides(2).padding("valid")
 * }</pre>
 */
public final class MaxPool2D extends Layer {
  private final int ph;
  private final int pw;
  private int sh;
  private int sw;
  private Padding padding = Padding.VALID;

  public MaxPool2D(int poolSize) {
    this(poolSize, poolSize);
  }

  public MaxPool2D(int poolHeight, int poolWidth) {
    ph = positive("pool height", poolHeight);
    pw = positive("pool width", poolWidth);
    sh = ph;
    sw = pw;
  }

  public MaxPool2D strides(int s) {
    return strides(s, s);
  }

  public MaxPool2D strides(int strideHeight, int strideWidth) {
    requireUnbuilt();
    sh = positive("stride", strideHeight);
    sw = positive("stride", strideWidth);
    return this;
  }

  public MaxPool2D padding(String p) {
    return padding(Padding.parse(p));
  }

  public MaxPool2D padding(Padding p) {
    requireUnbuilt();
    padding = p;
    return this;
  }

  @Override
  public String kerasType() {
    return "MaxPooling2D";
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.rank() != 3) throw badInput(in, "expected (height, width, channels)");
    if (padding == Padding.VALID && (in.get(0) < ph || in.get(1) < pw)) {
      throw badInput(in, "the " + ph + "x" + pw + " pool is larger than the input with padding 'valid'");
    }
    return Shape.of(padding.outputSize(in.get(0), ph, sh), padding.outputSize(in.get(1), pw, sw), in.get(2));
  }

  @Override
  public void plan(PlanBuilder b) {
    Shape in = inputShape();
    int n = b.batch();
    // {N, C, H, W} -> {N, C, OH, OW}, in the layout the input already has
    long[] dstDims = outputShape().dnnlDims(n);
    int[] padH = padding.pads(in.get(0), ph, sh);
    int[] padW = padding.pads(in.get(1), pw, sw);
    long[] strides = {sh, sw};
    long[] kernel = {ph, pw};
    long[] dilation = {0, 0};
    long[] padL = {padH[0], padW[0]};
    long[] padR = {padH[1], padW[1]};
    var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
    Tensor src = b.input();
    var fwd = new pooling_forward.primitive_desc(Dnnl.engine(), prop, dnnl.algorithm.pooling_max, src.desc(),
        any(dstDims), strides, kernel, dilation, padL, padR);
    String problem = "mb" + n + "ic" + in.get(2) + "ih" + in.get(0) + "oh" + outputShape().get(0)
        + "kh" + ph + "sh" + sh + "ph" + padH[0];
    Tensor dst = b.allocate(fwd.dst_desc());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, src.memory()).put(DNNL_ARG_DST, dst.memory());
    // The workspace records each window's winner for the backward pass.
    Tensor workspace = b.training() ? b.allocate(fwd.workspace_desc()) : null;
    if (workspace != null) args.put(DNNL_ARG_WORKSPACE, workspace.memory());
    b.execute(fwd, "forward", problem, args);
    b.output(dst);

    b.onBackward(() -> {
      var bwd = new pooling_backward.primitive_desc(Dnnl.engine(), dnnl.algorithm.pooling_max, src.desc(),
          dst.desc(), strides, kernel, dilation, padL, padR, fwd);
      Tensor dy = b.as(b.diffOutput(), bwd.diff_dst_desc(), "reorder diff_dst");
      Tensor dx = b.allocate(bwd.diff_src_desc());
      b.execute(bwd, "backward-data", problem, new IntMemoryMap().put(DNNL_ARG_DIFF_DST, dy.memory())
          .put(DNNL_ARG_WORKSPACE, workspace.memory()).put(DNNL_ARG_DIFF_SRC, dx.memory()));
      b.diffInput(dx);
    });
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("pool_size", List.of(ph, pw));
    c.put("strides", List.of(sh, sw));
    c.put("padding", padding.kerasName());
    return c;
  }
}
