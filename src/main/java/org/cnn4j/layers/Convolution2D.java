package org.cnn4j.layers;

import static org.cnn4j.dnnl.Dnnl.any;

import java.util.List;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.io.LayerConfig;

/**
 * What Conv2D and DepthwiseConv2D share: the window (kernel size, strides,
 * padding, dilation), channel groups, and oneDNN's convolution primitives.
 * A depthwise convolution is the grouped one with one group per input channel.
 *
 * @param <T> the concrete layer, so that the setters chain
 */
public abstract class Convolution2D<T extends Convolution2D<T>> extends KernelLayer<T> {
  final int kh;
  final int kw;
  int sh = 1;
  int sw = 1;
  int dh = 1;
  int dw = 1;
  Padding padding = Padding.VALID;

  Convolution2D(int kernelHeight, int kernelWidth) {
    this.kh = positive("kernel height", kernelHeight);
    this.kw = positive("kernel width", kernelWidth);
  }

  /** Channel groups for {@code channels} input channels (each group sees channels / groups of them). */
  abstract int groupCount(int channels);

  /** Output channels for {@code channels} input channels. */
  abstract int outputChannels(int channels);

  /** The kernel's shape as Keras stores it. */
  abstract int[] kerasKernelShape(int channels);

  public T strides(int s) {
    return strides(s, s);
  }

  public T strides(int strideHeight, int strideWidth) {
    requireUnbuilt();
    sh = positive("stride", strideHeight);
    sw = positive("stride", strideWidth);
    return self();
  }

  /** Keras's dilation_rate: the kernel's taps lie {@code d} pixels apart (1, the default, means dense). */
  public T dilationRate(int d) {
    return dilationRate(d, d);
  }

  public T dilationRate(int height, int width) {
    requireUnbuilt();
    dh = positive("dilation rate", height);
    dw = positive("dilation rate", width);
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

  /** The input shape (height, width, channels), required on the first layer of a model. */
  public T inputShape(int height, int width, int channels) {
    requireUnbuilt();
    declaredInput = Shape.of(height, width, channels);
    return self();
  }

  /** The window's extent with dilation: (k - 1) * d + 1. */
  private int extentH() {
    return (kh - 1) * dh + 1;
  }

  private int extentW() {
    return (kw - 1) * dw + 1;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.rank() != 3) throw badInput(in, "expected (height, width, channels)");
    if (padding == Padding.VALID && (in.get(0) < extentH() || in.get(1) < extentW())) {
      String dilated = dh == 1 && dw == 1 ? "" : " with dilation " + dh + "x" + dw + " spans " + extentH() + "x"
          + extentW() + " and";
      throw badInput(in, "the " + kh + "x" + kw + " kernel" + dilated + " is larger than the input with padding 'valid'");
    }
    return Shape.of(padding.outputSize(in.get(0), extentH(), sh), padding.outputSize(in.get(1), extentW(), sw),
        outputChannels(in.get(2)));
  }

  @Override
  protected List<Parameter> createParameters(Shape in) {
    int c = in.get(2);
    int g = groupCount(c);
    int o = outputChannels(c);
    // oneDNN's {O, I, KH, KW} (hwio is Keras's order) or, grouped, {G, O/G, I/G, KH, KW} (hwigo).
    long[] dims = g == 1 ? new long[] {o, c, kh, kw} : new long[] {g, o / g, c / g, kh, kw};
    return kernelAndBias(kerasKernelShape(c), dims, g == 1 ? memory.format_tag.hwio : memory.format_tag.hwigo, o);
  }

  @Override
  public void plan(PlanBuilder b) {
    planConvolution(b, null, null);
  }

  /** Without an activation of its own, a convolution takes the BatchNormalization after it into its kernel. */
  @Override
  public boolean foldsNormalization() {
    return ActivationFunction.LINEAR.equals(activation());
  }

  /** Without an activation of its own, a convolution adds the residual shortcut after it as a post-op. */
  @Override
  public boolean takesResidual() {
    return foldsNormalization();
  }

  @Override
  public void planInference(PlanBuilder b, NormalizationFold fold, ResidualAdd residual) {
    if (b.training() || !foldsNormalization()) throw new IllegalStateException(this + " folds a BatchNormalization "
        + "or a residual join only in inference plans and without an activation");
    planConvolution(b, fold, residual);
  }

  private void planConvolution(PlanBuilder b, NormalizationFold fold, ResidualAdd residual) {
    Shape in = inputShape();
    Shape out = outputShape();
    int n = b.batch();
    int c = in.get(2);
    // {N, C, H, W} (x) {[G,] O, C/G, KH, KW} -> {N, O, OH, OW}
    long[] srcDims = in.dnnlDims(n);
    long[] wDims = kernel.dnnlDims();
    long[] dstDims = out.dnnlDims(n);
    int[] ph = padding.pads(in.get(0), extentH(), sh);
    int[] pw = padding.pads(in.get(1), extentW(), sw);
    long[] strides = {sh, sw};
    long[] dilation = {dh - 1, dw - 1}; // oneDNN counts dilation from 0
    long[] padL = {ph[0], pw[0]};
    long[] padR = {ph[1], pw[1]};
    var eng = Dnnl.engine();
    var alg = dnnl.algorithm.convolution_direct;
    memory.desc biasAny = fold != null ? any(out.get(2)) : biasDesc(out.get(2)); // a fold always has a bias
    double flops = 2.0 * n * out.size() * (c / groupCount(c)) * kh * kw; // 2 per multiply-add; each pass does as many
    String problem = Benchdnn.convolution(n, groupCount(c), in, out, kh, kw, sh, sw, dh - 1, dw - 1, ph[0], pw[0]);
    planWith(b, b.input(), new KernelPlanner.Primitives() {
      @Override
      public primitive_desc forward(dnnl.prop_kind prop, primitive_attr attr) {
        return new convolution_forward.primitive_desc(eng, prop, alg, any(srcDims), any(wDims), biasAny,
            any(dstDims), strides, dilation, padL, padR, attr, false);
      }

      @Override
      public primitive_desc backwardWeights(primitive_desc fwd) {
        return new convolution_backward_weights.primitive_desc(eng, alg, any(srcDims), any(wDims), biasAny,
            any(dstDims), strides, dilation, padL, padR, (convolution_forward.primitive_desc) fwd);
      }

      @Override
      public primitive_desc backwardData(primitive_desc fwd) {
        return new convolution_backward_data.primitive_desc(eng, alg, any(srcDims), any(wDims), any(dstDims),
            strides, dilation, padL, padR, (convolution_forward.primitive_desc) fwd);
      }
    }, problem, flops, fold, residual);
  }

  /** Reads strides, padding, data_format and dilation_rate. */
  final void readWindow(LayerConfig c) {
    int[] s = c.pair("strides", new int[] {1, 1});
    strides(s[0], s[1]);
    padding(c.padding());
    c.requireChannelsLast();
    int[] d = c.pair("dilation_rate", new int[] {1, 1});
    dilationRate(d[0], d[1]);
  }

  /** Keras's kernel_size, which every convolution config must have. */
  static int[] kernelSize(LayerConfig c) {
    int[] k = c.pair("kernel_size", null);
    if (k == null) throw c.error("the required option \"kernel_size\" is missing");
    return k;
  }

  /** Keras's window keys: kernel_size, strides, padding, data_format, dilation_rate. */
  final void putWindow(java.util.Map<String, Object> c) {
    c.put("kernel_size", List.of(kh, kw));
    c.put("strides", List.of(sh, sw));
    c.put("padding", padding.kerasName());
    c.put("data_format", "channels_last");
    c.put("dilation_rate", List.of(dh, dw));
  }
}
