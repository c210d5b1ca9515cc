package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.layers.ActivationFunction;
import org.cnn4j.layers.Padding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One layer's entry in a Keras model config, read option by option by the
 * layer's own {@code fromConfig} (see {@link LayerRegistry}). Errors and
 * warnings name the file, the layer and the option. Options that change what
 * the layer computes and that cnn4j lacks are errors; training-only options
 * cnn4j lacks (constraints, L1 penalties, other initializers) are ignored with
 * a warning; kernel initializers and L2 regularizers are read.
 *
 * <pre>{@code
 * public static Dropout fromConfig(LayerConfig c) {
 *   return new Dropout(c.number("rate", 0));
 * }
 * }</pre>
 */
public final class LayerConfig {
  private static final Logger log = LoggerFactory.getLogger(LayerConfig.class);

  /** The largest dimension, size, stride or count accepted from a config. */
  static final int MAX_DIM = 1 << 20;

  private static final TextNode CHANNELS_LAST = TextNode.valueOf("channels_last");

  /** Keys every layer has (handled by {@link #common}) or the model reads (input shapes). */
  private static final Set<String> MODEL_KEYS = Set.of("name", "trainable", "dtype", "batch_input_shape",
      "batch_shape", "input_shape", "batch_size");

  private final String source;
  private final int index;
  private final String className;
  private final JsonNode config;
  private final Set<String> read = new HashSet<>(MODEL_KEYS);
  private final String name;

  LayerConfig(String source, int index, String className, JsonNode config) { // made by the model reader
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
  public String name() {
    return name;
  }

  public String className() {
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

  public boolean has(String key) {
    JsonNode n = config.get(key);
    return n != null && !n.isNull();
  }

  public JsonNode get(String key) {
    read.add(key);
    return config.get(key);
  }

  /** A required positive integer of at most {@link #MAX_DIM}. */
  public int dim(String key) {
    if (!has(key)) throw error("the required option \"" + key + "\" is missing");
    return dim(key, 0);
  }

  public int dim(String key, int otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    return checkDim(key, n);
  }

  /** An integer or a pair of integers, as Keras's kernel_size, strides and pool_size. */
  public int[] pair(String key, int[] otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (n.isArray()) {
      if (n.size() != 2) throw error("\"" + key + "\" must be an integer or a list of 2 integers, got " + n);
      return new int[] {checkDim(key, n.get(0)), checkDim(key, n.get(1))};
    }
    int v = checkDim(key, n);
    return new int[] {v, v};
  }

  public String text(String key, String otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (!n.isTextual()) throw error("\"" + key + "\" must be a string, got " + n);
    return n.textValue();
  }

  public boolean bool(String key, boolean otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (!n.isBoolean()) throw error("\"" + key + "\" must be true or false, got " + n);
    return n.booleanValue();
  }

  public double number(String key, double otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
      throw error("\"" + key + "\" must be a number, got " + n);
    }
    return n.doubleValue();
  }

  /** An activation by Keras name: a string, null (linear), or Keras 3's serialized function. */
  public ActivationFunction activation(String key) {
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
  public void require(String key, String supported, JsonNode... allowed) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return;
    for (JsonNode a : allowed) {
      if (a.equals(n) || (a.isNumber() && n.isNumber() && a.doubleValue() == n.doubleValue())) return;
    }
    throw unsupported(key, n, supported);
  }

  /** Fails unless the option is absent or null. */
  public void requireNull(String key) {
    JsonNode n = get(key);
    if (n != null && !n.isNull()) throw unsupported(key, n, "null");
  }

  /** Keras's training-only options cnn4j lacks: ignored with a warning unless absent or null. */
  public void trainingOnly(String key) {
    JsonNode n = get(key);
    if (n != null && !n.isNull()) warn(key, "is ignored: cnn4j has no such " + key.replaceAll(".*_", "")
        + " (weights loaded from a model file are unaffected)");
  }

  /** "valid" or "same" under "padding" (default "valid"). */
  public Padding padding() {
    String p = text("padding", "valid");
    try {
      return Padding.parse(p);
    } catch (IllegalArgumentException e) {
      throw unsupported("padding", get("padding"), "\"valid\" or \"same\"");
    }
  }

  /** Fails unless "data_format" is absent or "channels_last". */
  public void requireChannelsLast() {
    require("data_format", "\"channels_last\"", CHANNELS_LAST);
  }

  /**
   * An initializer: a Keras name ("he_normal"), a serialized one in the Keras 3 or Keras 2 form
   * ({"class_name": "HeNormal", "config": {"seed": null}}), or a VarianceScaling equal to one of
   * them. Others are ignored with a warning (the default is used); seeds are ignored, since cnn4j
   * draws every initial value from the model's seed.
   */
  public Parameter.Init initializer(String key, Parameter.Init otherwise) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return otherwise;
    String cls = n.isTextual() ? n.textValue() : n.path("class_name").asText("");
    if (cls.equals("VarianceScaling")) cls = varianceScalingName(n.path("config"));
    try {
      return Parameter.Init.parse(cls);
    } catch (IllegalArgumentException e) {
      warn(key, "is ignored: cnn4j initializes with " + otherwise.kerasName() + " (it supports glorot_uniform, "
          + "glorot_normal, he_normal, he_uniform, zeros and ones; weights loaded from a model file are unaffected)");
      return otherwise;
    }
  }

  private static String varianceScalingName(JsonNode c) {
    double scale = c.path("scale").asDouble();
    String mode = c.path("mode").asText();
    String distribution = c.path("distribution").asText();
    String family = scale == 1.0 && mode.equals("fan_avg") ? "glorot" : scale == 2.0 && mode.equals("fan_in") ? "he"
        : "?";
    String kind = distribution.equals("uniform") ? "uniform" : distribution.equals("truncated_normal") ? "normal"
        : "?";
    return family + "_" + kind;
  }

  /**
   * The factor of an L2 regularizer ({"class_name": "L2", "config": {"l2": 1e-4}}, or L1L2 without
   * L1), 0 for none; other regularizers are ignored with a warning.
   */
  public float l2(String key) {
    JsonNode n = get(key);
    if (n == null || n.isNull()) return 0;
    String cls = n.isTextual() ? n.textValue() : n.path("class_name").asText("");
    JsonNode l2 = n.path("config").path("l2");
    boolean noL1 = n.path("config").path("l1").asDouble(0) == 0;
    if ((cls.equals("L2") || cls.equals("L1L2") && noL1) && l2.isNumber() && l2.doubleValue() >= 0
        && Double.isFinite(l2.doubleValue())) {
      return l2.floatValue();
    }
    warn(key, "is ignored: cnn4j supports L2 regularizers only, got " + n);
    return 0;
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

  public ModelFormatException unsupported(String key, JsonNode value, String supported) {
    return error("\"" + key + "\": " + value + " is not supported; cnn4j supports " + supported);
  }

  public ModelFormatException error(String what) {
    return new ModelFormatException(where() + ": " + what + ". Supported layers: " + LayerRegistry.supported());
  }

  public void warn(String key, String what) {
    log.warn("{}: {}: \"{}\" {}", source, who(), key, what);
  }

  /** The file and the layer, for messages: "model.json: layer 2 'dense' (Dense)". */
  public String where() {
    return source + ": " + who();
  }

  public String who() {
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
