package org.cnn4j.layers;

import org.bytedeco.dnnl.global.dnnl;
import org.cnn4j.io.LayerConfig;

/**
 * Max pooling over 2-D windows, Keras's MaxPool2D (summaries call it MaxPooling2D).
 * Strides default to the pool size. Padded positions never win the maximum.
 *
 * <pre>{@code
 * new MaxPool2D(2).strides(2).padding("valid")
 * }</pre>
 */
public final class MaxPool2D extends Pooling2D<MaxPool2D> {
  public MaxPool2D(int poolSize) {
    this(poolSize, poolSize);
  }

  public MaxPool2D(int poolHeight, int poolWidth) {
    super(poolHeight, poolWidth);
  }

  /** The layer a Keras MaxPooling2D config describes. */
  public static MaxPool2D fromConfig(LayerConfig c) {
    int[] p = poolSize(c);
    return readOptions(new MaxPool2D(p[0], p[1]), c);
  }

  @Override
  dnnl.algorithm algorithm() {
    return dnnl.algorithm.pooling_max;
  }

  @Override
  public String kerasType() {
    return "MaxPooling2D";
  }
}
