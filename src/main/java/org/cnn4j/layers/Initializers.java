package org.cnn4j.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.dnnl.Parameter;

/** Keras 3's serialized forms of initializers and the L2 regularizer, as plain maps for layer configs. */
final class Initializers {
  private Initializers() {}

  /** {"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": null}, "registered_name": null}. */
  static Map<String, Object> toConfig(Parameter.Init init) {
    Map<String, Object> config = new LinkedHashMap<>();
    if (init != Parameter.Init.ZEROS && init != Parameter.Init.ONES) config.put("seed", null);
    return serialized("keras.initializers", init.kerasClass(), config);
  }

  /** {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 1e-4}, ...}, or null for none. */
  static Map<String, Object> l2Config(float l2) {
    if (l2 == 0) return null;
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("l2", l2);
    return serialized("keras.regularizers", "L2", config);
  }

  private static Map<String, Object> serialized(String module, String cls, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", module);
    m.put("class_name", cls);
    m.put("config", config);
    m.put("registered_name", null);
    return m;
  }
}
