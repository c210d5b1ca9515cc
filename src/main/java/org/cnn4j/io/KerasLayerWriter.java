package org.cnn4j.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Shape;

/**
 * cnn4j layers to Keras 3 layer entries: each layer's own {@link Layer#config()}
 * (every key Keras writes, in Keras's order) after the keys every layer has.
 */
final class KerasLayerWriter {
  private KerasLayerWriter() {}

  /** {"module", "class_name", "config", "registered_name", "build_config"} for one layer. */
  static ObjectNode write(Layer layer, String model) {
    String problem = layer.kerasFormProblem();
    if (problem != null) {
      throw new ModelFormatException("model '" + model + "': layer '" + layer.name() + "' (" + layer.kerasType()
          + "): " + problem);
    }
    ObjectNode c = Json.object();
    c.put("name", layer.name());
    c.put("trainable", true);
    c.set("dtype", dtypePolicy());
    for (Map.Entry<String, Object> e : layer.config().entrySet()) {
      if (!e.getKey().equals("name")) c.set(e.getKey(), Json.fromPlain(e.getValue(), e.getKey()));
    }
    ObjectNode entry = Json.object();
    entry.put("module", layer.kerasModule());
    entry.put("class_name", layer.kerasType());
    entry.set("config", c);
    entry.put("registered_name", layer.kerasRegisteredName());
    if (layer.inputShapes() != null && layer.inputShapes().size() > 1) {
      ArrayNode shapes = Json.array();
      for (Shape s : layer.inputShapes()) shapes.add(batchShape(s));
      entry.set("build_config", Json.object().set("input_shape", shapes));
    } else if (layer.inputShape() != null) {
      entry.set("build_config", Json.object().set("input_shape", batchShape(layer.inputShape())));
    }
    return entry;
  }

  /** Keras's (None, ...) shape: [null, 32, 32, 3]. */
  static ArrayNode batchShape(Shape s) {
    ArrayNode a = Json.array().addNull();
    for (int d : s.dims()) a.add(d);
    return a;
  }

  static ObjectNode dtypePolicy() {
    ObjectNode p = Json.object();
    p.put("module", "keras");
    p.put("class_name", "DTypePolicy");
    p.set("config", Json.object().put("name", "float32"));
    p.putNull("registered_name");
    return p;
  }
}
