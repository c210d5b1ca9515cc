package org.cnn4j.layers;

import org.bytedeco.dnnl.global.dnnl;
import org.cnn4j.io.LayerConfig;

/**
 * Average pooling over 2-D windows, Keras's AveragePooling2D. Strides default
 * to the pool size; with padding "same" a window's padded cells are left out of
 * its average, as in Keras.
 *
 * <pre>{@code
 * new AveragePooling2D(2).padding("same")
 * }</pre>
 */
public final class AveragePooling2D extends Pooling2D<AveragePooling2D> {
  public AveragePooling2D(int poolSize) {
    this(poolSize, poolSize);
  }

  public AveragePooling2D(int poolHeight, int poolWidth) {
    super(poolHeight, poolWidth);
  }

  /** The layer a Keras AveragePooling2D config describes. */
  public static AveragePooling2D fromConfig(LayerConfig c) {
    int[] p = poolSize(c);
    return readOptions(new AveragePooling2D(p[0], p[1]), c);
  }

  @Override
  dnnl.algorithm algorithm() {
    return dnnl.algorithm.pooling_avg_exclude_padding;
  }
}
