package org.cnn4j.layers;

import org.bytedeco.dnnl.global.dnnl;
import org.cnn4j.io.LayerConfig;

/**
 * The maximum of each channel over the whole (height, width) plane, Keras's
 * GlobalMaxPooling2D: (h, w, c) -> (c).
 *
 * <pre>{@code
 * model.add(new GlobalMaxPooling2D());
 * }</pre>
 */
public final class GlobalMaxPooling2D extends GlobalPooling2D {
  /** The layer a Keras GlobalMaxPooling2D config describes. */
  public static GlobalMaxPooling2D fromConfig(LayerConfig c) {
    return readOptions(new GlobalMaxPooling2D(), c);
  }

  @Override
  dnnl.algorithm algorithm() {
    return dnnl.algorithm.pooling_max;
  }
}
