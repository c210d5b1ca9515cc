package org.cnn4j.layers;

import org.bytedeco.dnnl.global.dnnl;
import org.cnn4j.io.LayerConfig;

/**
 * The mean of each channel over the whole (height, width) plane, Keras's
 * GlobalAveragePooling2D: (h, w, c) -> (c).
 *
 * <pre>{@code
 * model.add(new GlobalAveragePooling2D());
 * model.add(new Dense(10).activation("softmax"));
 * }</pre>
 */
public final class GlobalAveragePooling2D extends GlobalPooling2D {
  /** The layer a Keras GlobalAveragePooling2D config describes. */
  public static GlobalAveragePooling2D fromConfig(LayerConfig c) {
    return readOptions(new GlobalAveragePooling2D(), c);
  }

  @Override
  dnnl.algorithm algorithm() {
    return dnnl.algorithm.pooling_avg_exclude_padding;
  }
}
