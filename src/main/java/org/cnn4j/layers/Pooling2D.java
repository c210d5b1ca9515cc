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
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * What max and average pooling share: windows, strides, padding, and one oneDNN
 * pooling primitive forward and backward. Strides default to the pool size.
 *
 * @param <T> the concrete layer, so that the setters chain
 */
public abstract class Pooling2D<T extends Pooling2D<T>> extends Layer {
  private final int ph;
  private final int pw;
  private int sh;
  private int sw;
  private Padding padding = Padding.VALID;

  protected Pooling2D(int poolHeight, int poolWidth) {
    ph = positive("pool height", poolHeight);
    pw = positive("pool width", poolWidth);
    sh = ph;
    sw = pw;
  }

  /** The pooling algorithm: max, or an average that leaves padded cells out (as Keras's 'same'). */
  abstract dnnl.algorithm algorithm();

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  public T strides(int s) {
    return strides(s, s);
  }

  public T strides(int strideHeight, int strideWidth) {
    requireUnbuilt();
    sh = positive("stride", strideHeight);
    sw = positive("stride", strideWidth);
    return self();
  }

  /** "valid" (the default) or "same". */
  public T padding(String p) {
    return padding(Padding.parse(p));
  }

  public T padding(Padding p) {
    requireUnbuilt();
    padding = p;
    return self();
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
    int[] padH = padding.pads(in.get(0), ph, sh);
    int[] padW = padding.pads(in.get(1), pw, sw);
    String problem = "mb" + b.batch() + "ic" + in.get(2) + "ih" + in.get(0) + "oh" + outputShape().get(0)
        + "kh" + ph + "sh" + sh + "ph" + padH[0];
    Tensor out = planPooling(b, algorithm(), b.input(), outputShape().dnnlDims(b.batch()), new long[] {sh, sw},
        new long[] {ph, pw}, new long[] {padH[0], padW[0]}, new long[] {padH[1], padW[1]}, problem, null);
    b.output(out);
  }

  /**
   * Adds a pooling primitive (and its backward) over {@code src}: {N, C, H, W} -> dstDims, in the
   * layout the input already has. With {@code plain} the output is reordered to it (and the
   * gradient from it); the backward pass then hands the gradient on in the input's layout.
   */
  static Tensor planPooling(PlanBuilder b, dnnl.algorithm alg, Tensor src, long[] dstDims, long[] strides,
      long[] kernel, long[] padL, long[] padR, String problem, memory.desc plain) {
    long[] dilation = {0, 0}; // oneDNN counts dilation from 0
    var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
    var fwd = new pooling_forward.primitive_desc(Dnnl.engine(), prop, alg, src.desc(), any(dstDims), strides,
        kernel, dilation, padL, padR);
    Tensor dst = b.allocate(fwd.dst_desc());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, src.memory()).put(DNNL_ARG_DST, dst.memory());
    // Max pooling's workspace records each window's winner for the backward pass.
    boolean max = alg == dnnl.algorithm.pooling_max;
    Tensor workspace = b.training() && max ? b.allocate(fwd.workspace_desc()) : null;
    if (workspace != null) args.put(DNNL_ARG_WORKSPACE, workspace.memory());
    b.execute(fwd, "forward", problem, args);
    Tensor out = plain == null ? dst : b.as(dst, plain, "reorder dst");

    b.onBackward(() -> {
      var bwd = new pooling_backward.primitive_desc(Dnnl.engine(), alg, src.desc(), dst.desc(), strides, kernel,
          dilation, padL, padR, fwd);
      Tensor dy = b.diffOutput();
      if (plain != null) dy = b.as(dy, plain, "reorder diff_dst");
      dy = b.as(dy, bwd.diff_dst_desc(), "reorder diff_dst");
      Tensor dx = b.allocate(bwd.diff_src_desc());
      var bargs = new IntMemoryMap().put(DNNL_ARG_DIFF_DST, dy.memory()).put(DNNL_ARG_DIFF_SRC, dx.memory());
      if (workspace != null) bargs.put(DNNL_ARG_WORKSPACE, workspace.memory());
      b.execute(bwd, "backward-data", problem, bargs);
      b.diffInput(dx);
    });
    return out;
  }

  /** Reads strides (default: the pool size), padding and data_format into {@code pool}. */
  static <P extends Pooling2D<P>> P readOptions(P pool, LayerConfig c) {
    Pooling2D<?> p = pool;
    int[] s = c.pair("strides", new int[] {p.ph, p.pw});
    return pool.strides(s[0], s[1]).padding(c.padding());
  }

  /** Keras's pool_size (default 2x2). */
  static int[] poolSize(LayerConfig c) {
    c.requireChannelsLast();
    return c.pair("pool_size", new int[] {2, 2});
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("pool_size", List.of(ph, pw));
    c.put("padding", padding.kerasName());
    c.put("strides", List.of(sh, sw));
    c.put("data_format", "channels_last");
    return c;
  }
}
