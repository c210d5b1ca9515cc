package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras's model-config JSON, what {@code model.to_json()} writes, for
 * Sequential and functional models: read in the Keras 3 and Keras 2
 * (tf.keras) forms, written in the Keras 3 form.
 *
 * <pre>{@code
 * Model model = KerasModelConfig.fromJson(Path.of("model.json"));
 * String json = KerasModelConfig.toJson(model);
 * }</pre>
 *
 * <p>Reading looks class names up in {@link LayerRegistry} and never loads a
 * class the file names; each layer reads its own config. Layers or options that
 * change what the model computes and that cnn4j lacks (channels_first, a ReLU
 * threshold, ...) are a {@link ModelFormatException}; kernel initializers and
 * L2 regularizers are read, other training-only options (constraints, L1
 * penalties) are ignored with a logged warning. A "compile_config", if
 * present and supported, compiles the model; if not, it is ignored with a
 * warning.
 */
public final class KerasModelConfig {
  private static final Logger log = LoggerFactory.getLogger(KerasModelConfig.class);

  /** The most layers a config may have. */
  public static final int MAX_LAYERS = 10_000;

  private KerasModelConfig() {}

  /** Builds a model from Keras's model JSON text (model.to_json()). */
  public static Model fromJson(String json) {
    return read(Json.parse(json, "model config"), "model config", true);
  }

  /** Reads a config file of at most 16 MB. */
  public static Model fromJson(Path file) {
    String json;
    try {
      json = Json.readText(file);
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read the model config: " + e, e);
    }
    return read(Json.parse(json, file.toString()), file.toString(), true);
  }

  /** The model's config as Keras 3 writes it, with "compile_config" if the model is compiled. */
  public static String toJson(Model model) {
    return Json.compact(write(model, true));
  }

  /** Writes the config to a file, atomically (a reader sees the old file or the new one). */
  public static void toJson(Model model, Path file) {
    byte[] bytes = toJson(model).getBytes(StandardCharsets.UTF_8);
    try {
      AtomicWrite.write(file, out -> out.write(bytes), written -> {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + AtomicWrite.describe(e), e);
    }
  }

  /** Builds the model a config describes (no native memory yet); {@code source} names it in errors. */
  static Model read(JsonNode root, String source, boolean compile) {
    String cls = root.isObject() ? root.path("class_name").asText(null) : null;
    if ("Functional".equals(cls) || "Model".equals(cls)) {
      Model model = FunctionalConfig.read(root.path("config"), source);
      return compile ? compiled(model, root, source) : model;
    }
    if (!"Sequential".equals(cls)) {
      throw new ModelFormatException(source + ": not a Keras model config (\"class_name\" is "
          + root.path("class_name") + "); cnn4j reads Sequential and Functional models");
    }
    JsonNode config = root.path("config");
    JsonNode layers = config.isArray() ? config : config.path("layers"); // early Keras 2: config is the list
    if (!layers.isArray() || layers.isEmpty()) {
      throw new ModelFormatException(source + ": the model config has no \"layers\" list, or it is empty");
    }
    if (layers.size() > MAX_LAYERS) {
      throw new ModelFormatException(source + ": " + layers.size() + " layers is more than the limit of "
          + MAX_LAYERS);
    }
    String name = config.path("name").isTextual() ? config.path("name").textValue() : "sequential";
    List<LayerConfig> entries = new ArrayList<>();
    Shape input = null;
    for (int i = 0; i < layers.size(); i++) {
      JsonNode e = layers.get(i);
      if (!e.isObject() || !e.path("class_name").isTextual()) {
        throw new ModelFormatException(source + ": layer " + i + " has no \"class_name\": " + abbreviate(e));
      }
      JsonNode c = e.has("config") ? e.get("config") : Json.object();
      if (!c.isObject()) throw new ModelFormatException(source + ": layer " + i + ": \"config\" is not an object");
      String layerClass = e.get("class_name").textValue();
      if (e.path("registered_name").asText("").endsWith(">Maxout")) layerClass = "Maxout";
      LayerConfig lc = new LayerConfig(source, i, layerClass, c);
      if (layerClass.equals("InputLayer")) {
        if (i != 0) throw lc.error("InputLayer must come first");
        input = inputLayerShape(lc);
        continue;
      }
      if (entries.isEmpty() && input == null) input = declaredShape(lc);
      entries.add(lc);
    }
    if (entries.isEmpty()) throw new ModelFormatException(source + ": the model has no layers besides its input");
    if (input == null && config.has("build_input_shape")) {
      input = shape(config.get("build_input_shape"), true, source + ": build_input_shape");
    }
    if (input == null && root.path("build_config").has("input_shape")) {
      input = shape(root.path("build_config").get("input_shape"), true, source + ": build_config.input_shape");
    }
    Sequential model = new Sequential(name);
    try {
      if (input != null) model.build(input);
      Set<String> names = new HashSet<>();
      for (LayerConfig lc : entries) {
        Layer layer = LayerRegistry.read(lc);
        try {
          model.add(layer);
        } catch (IllegalArgumentException e) {
          throw lc.error(e.getMessage());
        }
        if (!names.add(layer.name())) throw lc.error("another layer already has the name '" + layer.name() + "'");
        checkSizes(layer, lc);
      }
      return compile ? compiled(model, root, source) : model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Applies the config's "compile_config" when present and supported; warns and leaves it uncompiled if not. */
  private static Model compiled(Model model, JsonNode root, String source) {
    if (root.hasNonNull("compile_config")) {
      try {
        CompileSettings.fromJson(root.get("compile_config"), source + ": compile_config").applyTo(model);
      } catch (ModelFormatException e) {
        log.warn("{}; the model is left uncompiled", e.getMessage());
      }
    }
    return model;
  }

  /** The config as a JSON tree; with {@code compileConfig}, the compile settings if compiled. */
  static ObjectNode write(Model model, boolean compileConfig) {
    if (model.functional()) {
      ObjectNode root = Json.object();
      root.put("module", "keras.src.models.functional");
      root.put("class_name", "Functional");
      root.set("config", FunctionalConfig.write(model));
      root.put("registered_name", "Functional");
      CompileSettings compiled = CompileSettings.of(model);
      if (compileConfig && compiled != null) root.set("compile_config", compiled.toJson());
      return root;
    }
    Shape input = model.inputShape();
    ObjectNode config = Json.object();
    config.put("name", model.name());
    config.put("trainable", true);
    config.set("dtype", KerasLayerWriter.dtypePolicy());
    ArrayNode layers = config.putArray("layers");
    if (input != null) layers.add(inputLayer(input, "input_layer"));
    for (Layer l : model.layers()) layers.add(KerasLayerWriter.write(l, model.name()));
    if (input != null) config.set("build_input_shape", KerasLayerWriter.batchShape(input));
    ObjectNode root = Json.object();
    root.put("module", "keras");
    root.put("class_name", "Sequential");
    root.set("config", config);
    root.putNull("registered_name");
    if (input != null) root.set("build_config", Json.object().set("input_shape", KerasLayerWriter.batchShape(input)));
    CompileSettings compiled = CompileSettings.of(model);
    if (compileConfig && compiled != null) root.set("compile_config", compiled.toJson());
    return root;
  }

  static ObjectNode inputLayer(Shape input, String name) {
    ObjectNode c = Json.object();
    c.set("batch_shape", KerasLayerWriter.batchShape(input));
    c.put("dtype", "float32");
    c.put("sparse", false);
    c.put("ragged", false);
    c.put("name", name);
    ObjectNode e = Json.object();
    e.put("module", "keras.layers");
    e.put("class_name", "InputLayer");
    e.set("config", c);
    e.putNull("registered_name");
    return e;
  }

  static Shape inputLayerShape(LayerConfig lc) {
    lc.common();
    if (lc.bool("sparse", false) || lc.bool("ragged", false)) {
      throw lc.error("sparse and ragged inputs are not supported");
    }
    lc.get("optional");
    Shape s = declaredShape(lc);
    if (s == null) throw lc.error("no \"batch_shape\" (Keras 3) or \"batch_input_shape\" (Keras 2)");
    lc.finish();
    return s;
  }

  /** batch_shape (Keras 3 InputLayer), batch_input_shape (Keras 2), or input_shape, or null. */
  private static Shape declaredShape(LayerConfig lc) {
    for (String key : new String[] {"batch_shape", "batch_input_shape", "shape", "input_shape"}) {
      JsonNode n = lc.get(key);
      if (n != null && !n.isNull()) return shape(n, key.startsWith("batch"), lc.where() + ": \"" + key + "\"");
    }
    return null;
  }

  /** A Keras shape list, [null, 32, 32, 3] with the batch axis, as a cnn4j sample shape. */
  private static Shape shape(JsonNode n, boolean withBatch, String where) {
    if (!n.isArray() || n.size() < (withBatch ? 2 : 1)) {
      throw new ModelFormatException(where + ": expected a shape list such as [null, 32, 32, 3], got "
          + abbreviate(n));
    }
    int[] dims = new int[n.size() - (withBatch ? 1 : 0)];
    for (int i = 0; i < dims.length; i++) {
      JsonNode d = n.get(i + (withBatch ? 1 : 0));
      if (d.isNull()) {
        throw new ModelFormatException(where + ": " + n + " has a variable dimension (null); cnn4j needs fixed sizes");
      }
      if (!d.isNumber() || !d.canConvertToExactIntegral() || d.asLong() < 1 || d.asLong() > LayerConfig.MAX_DIM) {
        throw new ModelFormatException(where + ": " + n + ": dimensions must be integers between 1 and "
            + LayerConfig.MAX_DIM);
      }
      dims[i] = d.asInt();
    }
    if (dims.length != 1 && dims.length != 3) {
      throw new ModelFormatException(where + ": " + n + ": cnn4j models take (height, width, channels) images or "
          + "(features) vectors");
    }
    Shape s = Shape.of(dims);
    if (s.size() > Integer.MAX_VALUE) throw new ModelFormatException(where + ": " + n + " is too large");
    return s;
  }

  /** Keeps every sample and every weight tensor addressable by a Java array. */
  static void checkSizes(Layer layer, LayerConfig lc) {
    if (layer.outputShape() != null && layer.outputShape().size() > Integer.MAX_VALUE) {
      throw lc.error("the output " + layer.outputShape() + " has more than " + Integer.MAX_VALUE + " values");
    }
    for (Parameter p : layer.parameters()) {
      long n = 1;
      for (int d : p.kerasShape()) {
        n *= d; // each factor < 2^31 and n stops growing past 2^31: no overflow
        if (n > Integer.MAX_VALUE) break;
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw lc.error("the weight " + p.name() + " of shape " + java.util.Arrays.toString(p.kerasShape())
            + " is too large");
      }
    }
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }
}
