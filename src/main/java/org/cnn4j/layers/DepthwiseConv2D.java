package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.io.LayerConfig;

/**
 * Depthwise 2-D convolution, Keras's DepthwiseConv2D: each input channel is
 * convolved with its own {@code depthMultiplier} filters, giving channels *
 * depthMultiplier outputs (output channel c * depthMultiplier + m comes from
 * input channel c). Kernel (kh, kw, channels, depthMultiplier) plus a bias per
 * output channel; a oneDNN grouped convolution with one group per channel.
 *
 * <pre>{@code
 * new DepthwiseConv2D(3).padding("same").activation("relu")
 * }</pre>
 */
public final class DepthwiseConv2D extends Convolution2D<DepthwiseConv2D> {
  private int depthMultiplier = 1;

  public DepthwiseConv2D(int kernelSize) {
    this(kernelSize, kernelSize);
  }

  public DepthwiseConv2D(int kernelHeight, int kernelWidth) {
    super(kernelHeight, kernelWidth);
  }

  /** Filters per input channel (default 1). */
  public DepthwiseConv2D depthMultiplier(int m) {
    requireUnbuilt();
    depthMultiplier = positive("depth multiplier", m);
    return this;
  }

  public int depthMultiplier() {
    return depthMultiplier;
  }

  @Override
  String kernelKey() {
    return "depthwise";
  }

  @Override
  int groupCount(int channels) {
    return channels;
  }

  @Override
  int outputChannels(int channels) {
    return channels * depthMultiplier;
  }

  @Override
  int[] kerasKernelShape(int channels) {
    return new int[] {kh, kw, channels, depthMultiplier};
  }

  /** The layer a Keras DepthwiseConv2D config describes. */
  public static DepthwiseConv2D fromConfig(LayerConfig c) {
    int[] k = kernelSize(c);
    DepthwiseConv2D conv = new DepthwiseConv2D(k[0], k[1]).depthMultiplier(c.dim("depth_multiplier", 1));
    conv.readWindow(c);
    conv.readKernelOptions(c);
    return conv;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("depth_multiplier", depthMultiplier);
    putWindow(c);
    putKernelOptions(c, true);
    return c;
  }
}
