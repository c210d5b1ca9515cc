package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import org.cnn4j.layers.Padding;

/**
 * Keras layer configs to cnn4j layers, one method per Keras class. Reads the
 * Keras 3 and Keras 2 spellings of each option; only the fixed set of class
 * names below is ever recognised.
 */
final class KerasLayerReader {
  private static final TextNode CHANNELS_LAST = TextNode.valueOf("channels_last");
  private static final IntNode ONE = IntNode.valueOf(1);

  private KerasLayerReader() {}

  /** The cnn4j layer for one Keras layer entry (not InputLayer, which the model reads). */
  static Layer read(LayerConfig c) {
    c.common();
    Layer layer = switch (c.className()) {
      case "Conv2D", "Convolution2D" -> conv2d(c);
      case "MaxPooling2D", "MaxPool2D" -> maxPool2d(c);
      case "Dropout" -> dropout(c);
      case "Flatten" -> flatten(c);
      case "Dense" -> dense(c);
      case "Activation" -> new Activation(c.activation("activation"));
      case "LeakyReLU" -> leakyRelu(c);
      case "ELU" -> new Activation(ActivationFunction.elu(alpha(c, "alpha", 1.0)));
      case "ReLU" -> relu(c);
      case "Softmax" -> softmax(c);
      case "Maxout" -> new Maxout(maxoutPieces(c));
      case "Add" -> new Add();
      case "Concatenate" -> concatenate(c);
      default -> throw c.error("the layer class \"" + c.className() + "\" is not supported");
    };
    c.finish();
    if (c.name() != null) layer.setName(c.name());
    return layer;
  }

  private static Concatenate concatenate(LayerConfig c) {
    JsonNode axis = c.get("axis");
    if (axis == null || axis.isNull()) return new Concatenate();
    if (!axis.canConvertToExactIntegral() || !axis.canConvertToInt()) throw c.unsupported("axis", axis, "an integer");
    return new Concatenate(axis.asInt());
  }

  private static Conv2D conv2d(LayerConfig c) {
    int[] k = c.pair("kernel_size", null);
    if (k == null) throw c.error("the required option \"kernel_size\" is missing");
    Conv2D conv = new Conv2D(c.dim("filters"), k[0], k[1]);
    int[] s = c.pair("strides", new int[] {1, 1});
    conv.strides(s[0], s[1]);
    conv.padding(padding(c));
    conv.activation(c.activation("activation"));
    conv.useBias(c.bool("use_bias", true));
    c.require("data_format", "\"channels_last\"", CHANNELS_LAST);
    int[] dilation = c.pair("dilation_rate", new int[] {1, 1});
    if (dilation[0] != 1 || dilation[1] != 1) {
      throw c.unsupported("dilation_rate", c.get("dilation_rate"), "[1, 1]");
    }
    c.require("groups", "1", ONE);
    weightOptions(c);
    return conv;
  }

  private static MaxPool2D maxPool2d(LayerConfig c) {
    int[] p = c.pair("pool_size", new int[] {2, 2});
    MaxPool2D pool = new MaxPool2D(p[0], p[1]);
    int[] s = c.pair("strides", p);
    pool.strides(s[0], s[1]);
    pool.padding(padding(c));
    c.require("data_format", "\"channels_last\"", CHANNELS_LAST);
    return pool;
  }

  private static Dropout dropout(LayerConfig c) {
    if (!c.has("rate")) throw c.error("the required option \"rate\" is missing");
    double rate = c.number("rate", 0);
    if (!(rate >= 0 && rate < 1)) throw c.unsupported("rate", c.get("rate"), "a rate in [0, 1)");
    c.requireNull("noise_shape");
    c.get("seed"); // cnn4j draws dropout masks from the model's seed
    return new Dropout(rate);
  }

  private static Flatten flatten(LayerConfig c) {
    c.require("data_format", "\"channels_last\"", CHANNELS_LAST);
    return new Flatten();
  }

  private static Dense dense(LayerConfig c) {
    Dense d = new Dense(c.dim("units"));
    d.activation(c.activation("activation"));
    d.useBias(c.bool("use_bias", true));
    weightOptions(c);
    return d;
  }

  private static Activation leakyRelu(LayerConfig c) {
    // Keras 3 says negative_slope, Keras 2 said alpha; both default to 0.3.
    String key = c.has("negative_slope") || !c.has("alpha") ? "negative_slope" : "alpha";
    return new Activation(ActivationFunction.leakyRelu(alpha(c, key, 0.3)));
  }

  private static Activation relu(LayerConfig c) {
    c.requireNull("max_value");
    c.require("threshold", "0", IntNode.valueOf(0));
    float slope = alpha(c, "negative_slope", 0);
    return new Activation(slope == 0 ? ActivationFunction.RELU : ActivationFunction.leakyRelu(slope));
  }

  private static Activation softmax(LayerConfig c) {
    var axis = c.get("axis");
    boolean last = axis == null || axis.isNull() || axis.asInt() == -1 && axis.isIntegralNumber()
        || axis.isArray() && axis.size() == 1 && axis.get(0).asInt() == -1;
    if (!last) throw c.unsupported("axis", axis, "-1 (the last axis)");
    return new Activation(ActivationFunction.SOFTMAX);
  }

  private static int maxoutPieces(LayerConfig c) {
    int pieces = c.dim("pieces");
    if (pieces < 2 || pieces > 255) throw c.unsupported("pieces", c.get("pieces"), "2 to 255 pieces");
    return pieces;
  }

  private static Padding padding(LayerConfig c) {
    String p = c.text("padding", "valid");
    try {
      return Padding.parse(p);
    } catch (IllegalArgumentException e) {
      throw c.unsupported("padding", c.get("padding"), "\"valid\" or \"same\"");
    }
  }

  private static float alpha(LayerConfig c, String key, double otherwise) {
    double a = c.number(key, otherwise);
    if (!(a >= 0)) throw c.unsupported(key, c.get(key), "a value >= 0");
    return (float) a;
  }

  /** Options of layers with a kernel and a bias that matter only for training in Keras. */
  private static void weightOptions(LayerConfig c) {
    c.trainingOnly("kernel_initializer", "glorot_uniform");
    c.trainingOnly("bias_initializer", "zeros");
    for (String k : new String[] {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint"}) {
      c.trainingOnly(k, "none");
    }
    c.requireNull("lora_rank");
    c.get("lora_alpha"); // meaningful only with lora_rank
    c.requireNull("quantization_config");
  }
}
