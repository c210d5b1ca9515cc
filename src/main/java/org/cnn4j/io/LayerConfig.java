package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.layers.ActivationFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One layer's entry in a Keras model config, read option by option. Errors and
 * warnings name the file, the layer and the option; options that only shape
 * training in Keras (regularizers, constraints, initializers) are ignored with
 * a warning, options that change what the layer computes are errors.
 */
final class LayerConfig {
  private static final Logger log = LoggerFactory.getLogger(LayerConfig.class);

  /** The largest dimension, size, stride or count accepted from a config. */
  static final int MAX_DIM = 1 << 20;

  static final String SUPPORTED = "InputLayer, Conv2D, MaxPooling2D (MaxPool2D), Dropout, Flatten, Dense, "
      + "Activation, LeakyReLU, ELU, ReLU, Softmax, Add, Concatenate (channel axis), Maxout (cnn4j)";

  /** Keys every layer has (handled by {@link #common}) or the model reads (input shapes). */
  private static final Set<String> MODEL_KEYS = Set.of("name", "trainable", "dtype", "batch_input_shape",
      "batch_shape", "input_shape", "batch_size");

  private final String source;
  private final int index;
  private final String className;
  private final JsonNode config;
  private final Set<String> read = new HashSet<>(MODEL_KEYS);
  private final String name;

  LayerConfig(String source, int index, String className, JsonNode config) {
    this.source = source;
    this.index = index;
    this.className = className;
    this.config = config;
    JsonNode n = config.get("name");
    if (n != null && !n.isNull() && (!n.isTextual() || n.textValue().isEmpty())) {
      throw new ModelFormatException(source + ": layer " + index + " (" + className
          + "): \"name\" must be a non-empty string, got " + n);
    }
    this.name = n == null || n.isNull() ? null : n.textValue();
  }

  /** The layer's name, or null to let the model assign one. */
  String name() {
    return name;
  }

  String className() {
    return className;
  }

  /** Checks the options every Keras layer has: trainable and dtype. */
  void common() {
    JsonNode t = config.get("trainable");
    if (t != null && !t.isNull() && !t.asBoolean(true)) {
      warn("trainable", "is false; cnn4j trains every layer (loading and predicting are unaffected)");
    }
    JsonNode d = config.get("dtype");
    String dtype = d == null || d.isNull() ? "float32"
        : d.isTextual() ? d.textValue() : d.path("config").path("name").asText("?");
    if (!dtype.equals("float32")) {
      warn("dtype", "is '" + dtype + "'; cnn4j computes in float32");
    }
  }

  boolean has(String key) {
    JsonNode n = config.get(key);
    return n != null && !n.isNull();
  }

  JsonNode get(String key) {
    read.add(key);
    return config.get(key);
  }

  /** A required positive integer of at most {@link #MAX_DIM}. */
  int dim(String key) {
    if (!has(key)) throw error("the required option \"" + key + "\" is missing");
    return dim(key, 0);
  }

  int dim(String key, int otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    return checkDim(key, n);
  }

  /** An integer or a pair of integers, as Keras's kernel_size, strides and pool_size. */
  int[] pair(String key, int[] otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (n.isArray()) {
      if (n.size() != 2) throw error("\"" + key + "\" must be an integer or a list of 2 integers, got " + n);
      return new int[] {checkDim(key, n.get(0)), checkDim(key, n.get(1))};
    }
    int v = checkDim(key, n);
    return new int[] {v, v};
  }

  String text(String key, String otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (!n.isTextual()) throw error("\"" + key + "\" must be a string, got " + n);
    return n.textValue();
  }

  boolean bool(String key, boolean otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (!n.isBoolean()) throw error("\"" + key + "\" must be true or false, got " + n);
    return n.booleanValue();
  }

  double number(String key, double otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
      throw error("\"" + key + "\" must be a number, got " + n);
    }
    return n.doubleValue();
  }

  /** An activation by Keras name: a string, null (linear), or Keras 3's serialized function. */
  ActivationFunction activation(String key) {
    JsonNode n = get(key);
    String s;
    if (n == null || n.isNull()) {
      s = "linear";
    } else if (n.isTextual()) {
      s = n.textValue();
    } else if (n.isObject() && n.path("config").isTextual()) {
      s = n.path("config").textValue();
    } else {
      throw unsupported(key, n, "an activation name (linear, relu, sigmoid, tanh, leaky_relu, elu, softmax)");
    }
    try {
      return ActivationFunction.parse(s);
    } catch (IllegalArgumentException e) {
      throw unsupported(key, n, "one of linear, relu, sigmoid, tanh, leaky_relu, elu, softmax");
    }
  }

  /** Fails unless the option is absent, null, or one of the values cnn4j computes. */
  void require(String key, String supported, JsonNode... allowed) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return;
    for (JsonNode a : allowed) {
      if (a.equals(n) || (a.isNumber() && n.isNumber() && a.doubleValue() == n.doubleValue())) return;
    }
    throw unsupported(key, n, supported);
  }

  /** Fails unless the option is absent or null. */
  void requireNull(String key) {
    JsonNode n = get(key);
    if (n != null && !n.isNull()) throw unsupported(key, n, "null");
  }

  /** Keras's training-only options: ignored with a warning unless they hold the default. */
  void trainingOnly(String key, String keras) {
    JsonNode n = get(key);
    if (n == null || n.isNull() || isDefault(n, keras)) return;
    warn(key, "is ignored: cnn4j " + switch (keras) {
      case "glorot_uniform" -> "initializes kernels Glorot-uniform";
      case "zeros" -> "initializes biases to zeros";
      default -> "has no regularizers or constraints";
    } + " (weights loaded from a model file are unaffected)");
  }

  private static boolean isDefault(JsonNode n, String keras) {
    String cls = n.isTextual() ? n.textValue() : n.path("class_name").asText("");
    return switch (keras) {
      case "glorot_uniform" -> cls.equalsIgnoreCase("glorot_uniform") || cls.equals("GlorotUniform")
          || cls.equals("VarianceScaling") && n.path("config").path("scale").asDouble() == 1.0
              && n.path("config").path("mode").asText().equals("fan_avg")
              && n.path("config").path("distribution").asText().equals("uniform");
      case "zeros" -> cls.equalsIgnoreCase("zeros");
      default -> false;
    };
  }

  /** Warns about options this layer's reader never looked at. */
  void finish() {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : config.properties()) {
      if (!read.contains(e.getKey())) unknown.add(e.getKey());
    }
    if (!unknown.isEmpty()) {
      log.warn("{}: {}: ignoring options cnn4j does not know: {}", source, who(), unknown);
    }
  }

  ModelFormatException unsupported(String key, JsonNode value, String supported) {
    return error("\"" + key + "\": " + value + " is not supported; cnn4j supports " + supported);
  }

  ModelFormatException error(String what) {
    return new ModelFormatException(where() + ": " + what + ". Supported layers: " + SUPPORTED);
  }

  void warn(String key, String what) {
    log.warn("{}: {}: \"{}\" {}", source, who(), key, what);
  }

  /** The file and the layer, for messages: "model.json: layer 2 'dense' (Dense)". */
  String where() {
    return source + ": " + who();
  }

  String who() {
    return "layer " + index + (name != null ? " '" + name + "'" : "") + " (" + className + ")";
  }

  private int checkDim(String key, JsonNode n) {
    if (n == null || !n.isNumber() || !n.canConvertToExactIntegral() || !n.canConvertToLong()) {
      throw error("\"" + key + "\" must hold integers, got " + n);
    }
    long v = n.longValue();
    if (v < 1 || v > MAX_DIM) throw error("\"" + key + "\" must be between 1 and " + MAX_DIM + ", got " + v);
    return (int) v;
  }
}
