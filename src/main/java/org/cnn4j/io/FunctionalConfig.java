package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.InputLayer;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Shape;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.model.Model;

/**
 * Keras's config of a functional model ("class_name": "Functional"): its
 * layers with their "inbound_nodes", "input_layers" and "output_layers". Read
 * in the Keras 3 form (inbound nodes as {"args": [tensors], "kwargs": {}} with
 * "__keras_tensor__" entries) and the Keras 2 form (nested lists
 * [[["layer", 0, 0, {}], ...]]); written in the Keras 3 form. One input, one
 * output, each layer called once.
 */
final class FunctionalConfig {
  private FunctionalConfig() {}

  /** One layer entry: its config reader and the names of the layers it reads. */
  private record Entry(LayerConfig config, List<String> inbound) {}

  static Model read(JsonNode config, String source) {
    JsonNode layers = config.path("layers");
    if (!layers.isArray() || layers.isEmpty()) {
      throw new ModelFormatException(source + ": the functional model config has no \"layers\" list, or it is empty");
    }
    if (layers.size() > KerasModelConfig.MAX_LAYERS) {
      throw new ModelFormatException(source + ": " + layers.size() + " layers is more than the limit of "
          + KerasModelConfig.MAX_LAYERS);
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) entries.add(entry(layers.get(i), i, source));
    String input = single(config.get("input_layers"), "input_layers", source);
    String output = single(config.get("output_layers"), "output_layers", source);
    Map<String, SymbolicTensor> tensors = new HashMap<>();
    // Keras writes layers in topological order; resolve in passes anyway, so any order works.
    List<Entry> pending = new ArrayList<>(entries);
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (var it = pending.iterator(); it.hasNext();) {
        Entry e = it.next();
        if (!tensors.keySet().containsAll(e.inbound())) continue;
        tensors.put(e.config().name(), build(e, tensors, input));
        it.remove();
        progress = true;
      }
      if (!progress) {
        Entry e = pending.get(0);
        List<String> missing = new ArrayList<>(e.inbound());
        missing.removeAll(tensors.keySet());
        throw e.config().error("reads " + missing + ", which no layer of the model produces (or the graph has a cycle)");
      }
    }
    SymbolicTensor in = tensors.get(input);
    SymbolicTensor out = tensors.get(output);
    if (in == null || !(in.layer() instanceof InputLayer)) {
      throw new ModelFormatException(source + ": \"input_layers\" names '" + input + "', which is not an InputLayer of "
          + "the model");
    }
    if (out == null) throw new ModelFormatException(source + ": \"output_layers\" names '" + output + "', no layer");
    String name = config.path("name").isTextual() ? config.path("name").textValue() : "functional";
    try {
      return new Model(in, out, name);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": " + e.getMessage(), e);
    }
  }

  private static SymbolicTensor build(Entry e, Map<String, SymbolicTensor> tensors, String input) {
    LayerConfig lc = e.config();
    if (lc.className().equals("InputLayer")) {
      if (!e.inbound().isEmpty()) throw lc.error("an InputLayer reads no other layer");
      Shape shape = KerasModelConfig.inputLayerShape(lc);
      try {
        return Input.of(shape, lc.name());
      } catch (IllegalArgumentException ex) {
        throw lc.error(ex.getMessage());
      }
    }
    if (e.inbound().isEmpty()) throw lc.error("\"inbound_nodes\" is empty: the layer is not connected to the input");
    Layer layer = LayerRegistry.read(lc);
    SymbolicTensor[] in = new SymbolicTensor[e.inbound().size()];
    for (int k = 0; k < in.length; k++) in[k] = tensors.get(e.inbound().get(k));
    try {
      SymbolicTensor out = layer.call(in);
      KerasModelConfig.checkSizes(layer, lc);
      return out;
    } catch (IllegalArgumentException | IllegalStateException ex) {
      throw lc.error(ex.getMessage());
    }
  }

  private static Entry entry(JsonNode e, int index, String source) {
    if (!e.isObject() || !e.path("class_name").isTextual()) {
      throw new ModelFormatException(source + ": layer " + index + " has no \"class_name\"");
    }
    JsonNode c = e.has("config") ? e.get("config") : Json.object();
    if (!c.isObject()) throw new ModelFormatException(source + ": layer " + index + ": \"config\" is not an object");
    String cls = e.get("class_name").textValue();
    if (e.path("registered_name").asText("").endsWith(">Maxout")) cls = "Maxout";
    ObjectNode config = ((ObjectNode) c).deepCopy();
    if (!config.path("name").isTextual() && e.path("name").isTextual()) config.put("name", e.get("name").textValue());
    LayerConfig lc = new LayerConfig(source, index, cls, config);
    if (lc.name() == null) throw lc.error("a layer of a functional model needs a \"name\"");
    return new Entry(lc, inbound(e.get("inbound_nodes"), lc));
  }

  /** The names of the layers one layer entry reads, from either Keras form of "inbound_nodes". */
  private static List<String> inbound(JsonNode nodes, LayerConfig lc) {
    List<String> names = new ArrayList<>();
    if (nodes == null || nodes.isNull() || nodes.isEmpty()) return names;
    if (!nodes.isArray()) throw lc.error("\"inbound_nodes\" must be a list, got " + nodes.getNodeType());
    if (nodes.size() > 1) {
      throw lc.error("the layer is called " + nodes.size() + " times; cnn4j does not share layers between calls");
    }
    JsonNode node = nodes.get(0);
    if (node.isObject()) { // Keras 3: {"args": [...], "kwargs": {...}}
      collectKeras3(node.path("args"), names, lc);
    } else if (node.isArray()) { // Keras 2: [["name", node_index, tensor_index, {kwargs}], ...]
      for (JsonNode t : node) {
        if (!t.isArray() || t.isEmpty() || !t.get(0).isTextual()) {
          throw lc.error("an inbound tensor must be [\"layer\", node_index, tensor_index, {...}], got " + t);
        }
        checkHistory(t, lc);
        names.add(t.get(0).textValue());
      }
    } else {
      throw lc.error("unreadable \"inbound_nodes\" entry " + node);
    }
    if (names.isEmpty()) throw lc.error("\"inbound_nodes\" names no input tensor");
    return names;
  }

  private static void collectKeras3(JsonNode args, List<String> names, LayerConfig lc) {
    if (args.isArray()) {
      for (JsonNode a : args) collectKeras3(a, names, lc);
    } else if (args.isObject() && "__keras_tensor__".equals(args.path("class_name").asText(null))) {
      JsonNode history = args.path("config").path("keras_history");
      if (!history.isArray() || history.isEmpty() || !history.get(0).isTextual()) {
        throw lc.error("a __keras_tensor__ without a \"keras_history\" [\"layer\", node_index, tensor_index]");
      }
      checkHistory(history, lc);
      names.add(history.get(0).textValue());
    }
  }

  private static void checkHistory(JsonNode t, LayerConfig lc) {
    for (int i = 1; i <= 2 && i < t.size(); i++) {
      if (t.get(i).asInt(-1) != 0) {
        throw lc.error("reads output " + t + "; cnn4j supports layers called once with one output (indices 0, 0)");
      }
    }
  }

  /** The one layer name in "input_layers" / "output_layers": [["name", 0, 0]] or ["name", 0, 0]. */
  private static String single(JsonNode list, String key, String source) {
    if (list != null && list.isArray() && list.size() > 0 && list.get(0).isTextual()) return list.get(0).textValue();
    if (list == null || !list.isArray() || list.size() != 1 || !list.get(0).isArray()
        || !list.get(0).path(0).isTextual()) {
      throw new ModelFormatException(source + ": \"" + key + "\" must name exactly one layer, as [[\"name\", 0, 0]]; "
          + "got " + list + " (cnn4j models have one input and one output)");
    }
    return list.get(0).get(0).textValue();
  }

  /** The "config" of a functional model in the Keras 3 form. */
  static ObjectNode write(Model model) {
    ObjectNode config = Json.object();
    config.put("name", model.name());
    config.put("trainable", true);
    ArrayNode layers = config.putArray("layers");
    List<Layer> all = model.layers();
    for (int i = 0; i < all.size(); i++) {
      Layer l = all.get(i);
      ObjectNode entry = l instanceof InputLayer ? KerasModelConfig.inputLayer(l.outputShape(), l.name())
          : KerasLayerWriter.write(l, model.name());
      entry.put("name", l.name());
      ArrayNode nodes = entry.putArray("inbound_nodes");
      if (!(l instanceof InputLayer)) {
        ArrayNode tensors = Json.array();
        for (int from : model.inboundIndices(i)) tensors.add(kerasTensor(all.get(from)));
        ObjectNode node = Json.object();
        node.set("args", tensors.size() == 1 ? tensors : Json.array().add(tensors));
        node.set("kwargs", Json.object());
        nodes.add(node);
      }
      layers.add(entry);
    }
    // One input and one output: Keras 3 writes each as a bare ["name", 0, 0] (a list of them would make
    // Keras 3 expect a list of inputs and warn at every call).
    config.set("input_layers", history(all.get(0)));
    config.set("output_layers", history(model.outputLayer()));
    return config;
  }

  private static ObjectNode kerasTensor(Layer from) {
    ObjectNode c = Json.object();
    c.set("shape", KerasLayerWriter.batchShape(from.outputShape()));
    c.put("dtype", "float32");
    c.set("keras_history", history(from));
    ObjectNode t = Json.object();
    t.put("class_name", "__keras_tensor__");
    t.set("config", c);
    return t;
  }

  private static ArrayNode history(Layer l) {
    return Json.array().add(l.name()).add(0).add(0);
  }
}
