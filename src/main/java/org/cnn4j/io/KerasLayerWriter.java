package org.cnn4j.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.ActivationFunction;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.layers.Maxout;
import org.cnn4j.layers.Shape;

/** cnn4j layers to Keras 3 layer entries, with every key Keras writes, in Keras's order. */
final class KerasLayerWriter {
  private KerasLayerWriter() {}

  /** {"module", "class_name", "config", "registered_name", "build_config"} for one layer. */
  static ObjectNode write(Layer layer, String model) {
    Map<String, Object> given = layer.config();
    ObjectNode c = Json.object();
    c.put("name", layer.name());
    c.put("trainable", true);
    c.set("dtype", dtypePolicy());
    String cls;
    String module = "keras.layers";
    String registered = null;
    if (layer instanceof Conv2D conv) {
      cls = "Conv2D";
      copy(given, c, "filters", "kernel_size", "strides", "padding");
      c.put("data_format", "channels_last");
      c.set("dilation_rate", pair(1));
      c.put("groups", 1);
      c.put("activation", activationName(conv.activation(), layer, model));
      copy(given, c, "use_bias");
      weightOptions(c, true);
    } else if (layer instanceof MaxPool2D) {
      cls = "MaxPooling2D";
      copy(given, c, "pool_size", "padding", "strides");
      c.put("data_format", "channels_last");
    } else if (layer instanceof Dropout d) {
      cls = "Dropout";
      c.put("rate", Json.decimal(d.rate()));
      c.putNull("seed");
      c.putNull("noise_shape");
    } else if (layer instanceof Flatten) {
      cls = "Flatten";
      c.put("data_format", "channels_last");
    } else if (layer instanceof Dense dense) {
      cls = "Dense";
      copy(given, c, "units");
      c.put("activation", activationName(dense.activation(), layer, model));
      copy(given, c, "use_bias");
      weightOptions(c, false);
    } else if (layer instanceof Activation a) {
      ActivationFunction f = a.function();
      if (f.name().equals("leaky_relu") && !isKerasDefault(f)) {
        cls = "LeakyReLU";
        c.put("negative_slope", Json.decimal(f.alpha()));
      } else if (f.name().equals("elu") && !isKerasDefault(f)) {
        cls = "ELU";
        c.put("alpha", Json.decimal(f.alpha()));
      } else {
        cls = "Activation";
        c.put("activation", f.name());
      }
    } else if (layer instanceof Add) {
      cls = "Add";
    } else if (layer instanceof Concatenate) {
      cls = "Concatenate";
      copy(given, c, "axis");
    } else if (layer instanceof Maxout m) {
      cls = "Maxout";
      module = "cnn4j.layers";
      registered = "cnn4j>Maxout";
      c.put("pieces", m.pieces());
    } else {
      throw new ModelFormatException("model '" + model + "': layer '" + layer.name() + "' ("
          + layer.getClass().getName() + ") has no Keras form; supported layers: " + LayerConfig.SUPPORTED);
    }
    ObjectNode entry = Json.object();
    entry.put("module", module);
    entry.put("class_name", cls);
    entry.set("config", c);
    entry.put("registered_name", registered);
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

  /** Keras's string activations fix leaky_relu's slope at 0.2 and elu's alpha at 1. */
  private static boolean isKerasDefault(ActivationFunction f) {
    return switch (f.name()) {
      case "leaky_relu" -> f.alpha() == 0.2f;
      case "elu" -> f.alpha() == 1f;
      default -> true;
    };
  }

  private static String activationName(ActivationFunction f, Layer layer, String model) {
    if (!isKerasDefault(f)) {
      throw new ModelFormatException("model '" + model + "': layer '" + layer.name() + "' (" + layer.kerasType()
          + "): activation " + f + " has no Keras name (Keras's '" + f.name() + "' means " + f.name()
          + (f.name().equals("elu") ? "(1.0)" : "(0.2)") + "); use a separate Activation layer instead");
    }
    return f.name();
  }

  private static void copy(Map<String, Object> from, ObjectNode to, String... keys) {
    for (String k : keys) to.set(k, Json.fromPlain(from.get(k), k));
  }

  private static ArrayNode pair(int v) {
    return Json.array().add(v).add(v);
  }

  private static void weightOptions(ObjectNode c, boolean activityRegularizer) {
    c.set("kernel_initializer", initializer("GlorotUniform", Json.object().putNull("seed")));
    c.set("bias_initializer", initializer("Zeros", Json.object()));
    c.putNull("kernel_regularizer");
    c.putNull("bias_regularizer");
    if (activityRegularizer) c.putNull("activity_regularizer");
    c.putNull("kernel_constraint");
    c.putNull("bias_constraint");
  }

  private static ObjectNode initializer(String cls, ObjectNode config) {
    ObjectNode i = Json.object();
    i.put("module", "keras.initializers");
    i.put("class_name", cls);
    i.set("config", config);
    i.putNull("registered_name");
    return i;
  }
}
