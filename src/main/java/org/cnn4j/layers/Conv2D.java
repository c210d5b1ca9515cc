package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.cnn4j.dnnl.Dnnl.any;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

/**
 * 2-D convolution, Keras's Conv2D: {@code z[i,j,k] = b[k] + sum x[i*sh+u, j*sw+v, k'] w[u,v,k',k]},
 * then the activation (fused into the convolution as a oneDNN post-op).
 *
 * <pre>{@code
 * new Conv2D(32, 3).padding("same").activation("relu").inputShape(32, 32, 3)
 * }</pre>
 */
public final class Conv2D extends Layer {
  private final int filters;
  private final int kh;
  private final int kw;
  private int sh = 1;
  private int sw = 1;
  private Padding padding = Padding.VALID;
  private ActivationFunction activation = ActivationFunction.LINEAR;
  private boolean useBias = true;
  private Shape declaredInput;
  private Parameter kernel;
  private Parameter bias;

  /** {@code filters} output channels and a square kernel. */
  public Conv2D(int filters, int kernelSize) {
    this(filters, kernelSize, kernelSize);
  }

  public Conv2D(int filters, int kernelHeight, int kernelWidth) {
    this.filters = positive("filters", filters);
    this.kh = positive("kernel height", kernelHeight);
    this.kw = positive("kernel width", kernelWidth);
  }

  public Conv2D strides(int s) {
    return strides(s, s);
  }

  public Conv2D strides(int strideHeight, int strideWidth) {
    requireUnbuilt();
    sh = positive("stride", strideHeight);
    sw = positive("stride", strideWidth);
    return this;
  }

  /** "valid" (the default) or "same". */
  public Conv2D padding(String p) {
    return padding(Padding.parse(p));
  }

  public Conv2D padding(Padding p) {
    requireUnbuilt();
    padding = p;
    return this;
  }

  /** By Keras name: "relu", "sigmoid", ... (default linear). */
  public Conv2D activation(String name) {
    return activation(ActivationFunction.parse(name));
  }

  public Conv2D activation(ActivationFunction f) {
    requireUnbuilt();
    activation = f;
    return this;
  }

  public Conv2D useBias(boolean use) {
    requireUnbuilt();
    useBias = use;
    return this;
  }

  /** The input shape (height, width, channels), required on the first layer of a model. */
  public Conv2D inputShape(int height, int width, int channels) {
    requireUnbuilt();
    declaredInput = Shape.of(height, width, channels);
    return this;
  }

  @Override
  public Shape declaredInputShape() {
    return declaredInput;
  }

  public int filters() {
    return filters;
  }

  public ActivationFunction activation() {
    return activation;
  }

  @Override
  public ActivationFunction outputActivation() {
    return activation;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.rank() != 3) throw badInput(in, "expected (height, width, channels)");
    if (padding == Padding.VALID && (in.get(0) < kh || in.get(1) < kw)) {
      throw badInput(in, "the " + kh + "x" + kw + " kernel is larger than the input with padding 'valid'");
    }
    return Shape.of(padding.outputSize(in.get(0), kh, sh), padding.outputSize(in.get(1), kw, sw), filters);
  }

  @Override
  protected List<Parameter> createParameters(Shape in) {
    int c = in.get(2);
    List<Parameter> ps = new ArrayList<>();
    kernel = new Parameter(name() + "/kernel", new int[] {kh, kw, c, filters},
        new long[] {filters, c, kh, kw}, memory.format_tag.hwio, Parameter.Init.GLOROT_UNIFORM,
        kh * kw * c, kh * kw * filters);
    ps.add(kernel);
    if (useBias) {
      bias = new Parameter(name() + "/bias", new int[] {filters}, new long[] {filters},
          memory.format_tag.x, Parameter.Init.ZEROS, 0, 0);
      ps.add(bias);
    }
    return ps;
  }

  @Override
  public void plan(PlanBuilder b) {
    Shape in = inputShape();
    int n = b.batch();
    // {N, C, H, W} (x) {O, C, KH, KW} -> {N, O, OH, OW}
    long[] srcDims = in.dnnlDims(n);
    long[] wDims = kernel.dnnlDims();
    long[] dstDims = outputShape().dnnlDims(n);
    int[] ph = padding.pads(in.get(0), kh, sh);
    int[] pw = padding.pads(in.get(1), kw, sw);
    long[] strides = {sh, sw};
    long[] dilation = {0, 0}; // oneDNN counts dilation from 0
    long[] padL = {ph[0], pw[0]};
    long[] padR = {ph[1], pw[1]};
    var eng = Dnnl.engine();
    var alg = dnnl.algorithm.convolution_direct;
    var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
    var biasAny = useBias ? any(filters) : new memory.desc();
    var fwd = new convolution_forward.primitive_desc(eng, prop, alg, any(srcDims), any(wDims), biasAny,
        any(dstDims), strides, dilation, padL, padR, ActivationPlanner.postOps(activation), false);
    double flops = 2.0 * n * outputShape().size() * in.get(2) * kh * kw; // 2 per multiply-add; each pass does as many
    String problem = problem(n, ph[0], pw[0]);

    Tensor src = b.as(b.input(), fwd.src_desc(), "reorder src");
    Tensor dst = b.allocate(fwd.dst_desc());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, src.memory())
        .put(DNNL_ARG_WEIGHTS, b.weights(kernel, fwd.weights_desc())).put(DNNL_ARG_DST, dst.memory());
    if (useBias) args.put(DNNL_ARG_BIAS, b.weights(bias, fwd.bias_desc()));
    b.execute(fwd, "forward", problem, flops, args);
    Tensor out = ActivationPlanner.afterPrimitive(b, activation, dst);
    b.output(out);

    b.onBackward(() -> {
      Tensor dy = ActivationPlanner.backward(b, activation, out, b.diffOutput());
      var bww = new convolution_backward_weights.primitive_desc(eng, alg, any(srcDims), any(wDims), biasAny,
          any(dstDims), strides, dilation, padL, padR, fwd);
      Tensor srcW = b.as(src, bww.src_desc(), "reorder src for backward-weights");
      Tensor dyW = b.as(dy, bww.diff_dst_desc(), "reorder diff_dst");
      var wargs = new IntMemoryMap().put(DNNL_ARG_SRC, srcW.memory()).put(DNNL_ARG_DIFF_DST, dyW.memory());
      if (useBias) wargs.put(DNNL_ARG_DIFF_BIAS, b.gradient(bias, bww.diff_bias_desc()));
      wargs.put(DNNL_ARG_DIFF_WEIGHTS, b.gradient(kernel, bww.diff_weights_desc()));
      b.execute(bww, "backward-weights", problem, flops, wargs);
      if (b.firstLayer()) return; // nothing needs the gradient of the model's input
      var bwd = new convolution_backward_data.primitive_desc(eng, alg, any(srcDims), any(wDims), any(dstDims),
          strides, dilation, padL, padR, fwd);
      Tensor dyD = b.as(dy, bwd.diff_dst_desc(), "reorder diff_dst");
      Tensor dx = b.allocate(bwd.diff_src_desc());
      var dargs = new IntMemoryMap().put(DNNL_ARG_DIFF_DST, dyD.memory())
          .put(DNNL_ARG_WEIGHTS, b.weights(kernel, bwd.weights_desc())).put(DNNL_ARG_DIFF_SRC, dx.memory());
      b.execute(bwd, "backward-data", problem, flops, dargs);
      b.diffInput(dx);
    });
  }

  /** The problem in benchdnn's notation, e.g. mb10ic32ih32oc32oh32kh3ph1. */
  private String problem(int n, int padTop, int padLeft) {
    Shape in = inputShape();
    Shape out = outputShape();
    StringBuilder s = new StringBuilder("mb" + n + "ic" + in.get(2) + "ih" + in.get(0));
    if (in.get(1) != in.get(0)) s.append("iw").append(in.get(1));
    s.append("oc").append(filters).append("oh").append(out.get(0));
    if (out.get(1) != out.get(0)) s.append("ow").append(out.get(1));
    s.append("kh").append(kh);
    if (kw != kh) s.append("kw").append(kw);
    if (sh != 1 || sw != sh) s.append("sh").append(sh);
    if (sw != sh) s.append("sw").append(sw);
    s.append("ph").append(padTop);
    if (padLeft != padTop) s.append("pw").append(padLeft);
    return s.toString();
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("filters", filters);
    c.put("kernel_size", List.of(kh, kw));
    c.put("strides", List.of(sh, sw));
    c.put("padding", padding.kerasName());
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    return c;
  }
}
