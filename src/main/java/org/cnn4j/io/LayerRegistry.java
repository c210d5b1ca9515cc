package org.cnn4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.GlobalMaxPooling2D;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.layers.Maxout;
import org.cnn4j.layers.ReLU;

/**
 * Keras layer class names and the readers that build cnn4j layers from their
 * configs: each layer reads its own config ({@code fromConfig}) and writes it
 * ({@link Layer#config()}). Reading only ever looks names up here; no class a
 * file names is loaded.
 *
 * <pre>{@code
 * LayerRegistry.register(MyLayer::fromConfig, "MyLayer");
 * }</pre>
 */
public final class LayerRegistry {
  private static final Map<String, Function<LayerConfig, ? extends Layer>> READERS = new LinkedHashMap<>();
  private static final List<String> NAMES = new ArrayList<>();

  static {
    register(Conv2D::fromConfig, "Conv2D", "Convolution2D");
    register(DepthwiseConv2D::fromConfig, "DepthwiseConv2D");
    register(MaxPool2D::fromConfig, "MaxPooling2D", "MaxPool2D");
    register(AveragePooling2D::fromConfig, "AveragePooling2D", "AvgPool2D");
    register(GlobalAveragePooling2D::fromConfig, "GlobalAveragePooling2D", "GlobalAvgPool2D");
    register(GlobalMaxPooling2D::fromConfig, "GlobalMaxPooling2D", "GlobalMaxPool2D");
    register(BatchNormalization::fromConfig, "BatchNormalization");
    register(Dropout::fromConfig, "Dropout");
    register(Flatten::fromConfig, "Flatten");
    register(Dense::fromConfig, "Dense");
    register(Activation::fromConfig, "Activation");
    register(Activation::leakyReluFromConfig, "LeakyReLU");
    register(Activation::eluFromConfig, "ELU");
    register(Activation::softmaxFromConfig, "Softmax");
    register(ReLU::fromConfig, "ReLU");
    register(Maxout::fromConfig, "Maxout");
    register(c -> new Add(), "Add");
    register(Concatenate::fromConfig, "Concatenate");
  }

  private LayerRegistry() {}

  /** Reads configs of Keras class {@code className} (and its aliases) with {@code reader}. */
  public static synchronized void register(Function<LayerConfig, ? extends Layer> reader, String className,
      String... aliases) {
    READERS.put(className, reader);
    for (String a : aliases) READERS.put(a, reader);
    NAMES.add(aliases.length == 0 ? className : className + " (" + String.join(", ", aliases) + ")");
  }

  /** The supported class names, for messages: "InputLayer, Conv2D (Convolution2D), ...". */
  public static synchronized String supported() {
    return "InputLayer, " + String.join(", ", NAMES);
  }

  /** The layer for one Keras layer entry (not InputLayer, which the model reads). */
  static Layer read(LayerConfig c) {
    c.common();
    Function<LayerConfig, ? extends Layer> reader;
    synchronized (LayerRegistry.class) {
      reader = READERS.get(c.className());
    }
    if (reader == null) throw c.error("the layer class \"" + c.className() + "\" is not supported");
    Layer layer;
    try {
      layer = reader.apply(c);
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage());
    }
    c.finish();
    if (c.name() != null) layer.setName(c.name());
    return layer;
  }
}
