package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.losses.CategoricalCrossentropy;
import org.cnn4j.losses.Loss;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Model;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;

/**
 * A model's compile settings (optimizer, loss, metrics) in Keras 3's serialized
 * form, as in a model config's "compile_config" and in cnn4j's metadata.json.
 */
record CompileSettings(Optimizer optimizer, Loss loss, List<String> metrics) {
  private static final List<String> METRICS = List.of("accuracy", "acc", "sparse_categorical_accuracy");

  /** The model's settings, or null if it is not compiled. */
  static CompileSettings of(Model model) {
    return model.loss() == null ? null : new CompileSettings(model.optimizer(), model.loss(), model.metrics());
  }

  void applyTo(Model model) {
    model.compile(optimizer, loss, metrics.toArray(String[]::new));
  }

  /** Keras 3's compile_config. */
  ObjectNode toJson() {
    ObjectNode c = Json.object();
    c.set("optimizer", optimizerToJson(optimizer));
    c.set("loss", lossToJson(loss));
    c.putNull("loss_weights");
    ArrayNode m = c.putArray("metrics");
    metrics.forEach(m::add);
    c.putNull("weighted_metrics");
    c.put("run_eagerly", false);
    c.put("steps_per_execution", 1);
    c.put("jit_compile", false);
    return c;
  }

  /** Reads a compile_config; {@code where} names it in errors. */
  static CompileSettings fromJson(JsonNode c, String where) {
    if (!c.isObject()) throw new ModelFormatException(where + ": expected an object, got " + c);
    Optimizer o = optimizerFromJson(c.get("optimizer"), where + ": optimizer");
    Loss l = lossFromJson(c.get("loss"), where + ": loss");
    List<String> metrics = new ArrayList<>();
    JsonNode m = c.get("metrics");
    if (m != null && !m.isNull()) {
      if (!m.isArray()) throw new ModelFormatException(where + ": metrics must be a list, got " + m);
      for (JsonNode x : m) {
        if (!x.isTextual() || !METRICS.contains(x.textValue())) {
          throw new ModelFormatException(where + ": metric " + x + " is not supported; cnn4j supports "
              + String.join(", ", METRICS));
        }
        metrics.add(x.textValue());
      }
    }
    for (String k : new String[] {"loss_weights", "weighted_metrics"}) {
      JsonNode n = c.get(k);
      if (n != null && !n.isNull()) throw new ModelFormatException(where + ": " + k + " is not supported");
    }
    return new CompileSettings(o, l, metrics);
  }

  static ObjectNode optimizerToJson(Optimizer o) {
    Map<String, Object> given = o.config();
    ObjectNode c = Json.object();
    String cls;
    if (o instanceof Adam) {
      cls = "Adam";
    } else if (o instanceof SGD) {
      cls = "SGD";
    } else {
      throw new ModelFormatException("optimizer " + o.getClass().getName()
          + " has no Keras form; supported: Adam, SGD");
    }
    c.put("name", (String) given.get("name"));
    c.put("learning_rate", Json.decimal((Double) given.get("learning_rate")));
    c.putNull("weight_decay");
    c.putNull("clipnorm");
    c.putNull("global_clipnorm");
    c.putNull("clipvalue");
    c.put("use_ema", false);
    c.put("ema_momentum", 0.99);
    c.putNull("ema_overwrite_frequency");
    c.putNull("loss_scale_factor");
    c.putNull("gradient_accumulation_steps");
    if (cls.equals("Adam")) {
      for (String k : new String[] {"beta_1", "beta_2", "epsilon"}) c.put(k, Json.decimal((Double) given.get(k)));
      c.put("amsgrad", false);
    } else {
      c.put("momentum", Json.decimal((Double) given.get("momentum")));
      c.put("nesterov", (Boolean) given.get("nesterov"));
    }
    ObjectNode n = Json.object();
    n.put("module", "keras.optimizers");
    n.put("class_name", cls);
    n.set("config", c);
    n.putNull("registered_name");
    return n;
  }

  /** "adam", "sgd", or Keras's serialized Adam or SGD; options cnn4j lacks must hold their defaults. */
  static Optimizer optimizerFromJson(JsonNode n, String where) {
    if (n == null || n.isNull()) throw new ModelFormatException(where + ": missing");
    if (n.isTextual()) {
      try {
        return Optimizer.parse(n.textValue());
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(where + ": " + e.getMessage());
      }
    }
    String cls = n.path("class_name").asText("");
    JsonNode c = n.path("config");
    for (String k : new String[] {"weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
        "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"}) {
      if (c.hasNonNull(k)) throw new ModelFormatException(where + ": " + k + " " + c.get(k) + " is not supported");
    }
    if (c.path("use_ema").asBoolean(false)) throw new ModelFormatException(where + ": use_ema is not supported");
    try {
      switch (cls) {
        case "Adam":
          if (c.path("amsgrad").asBoolean(false)) {
            throw new ModelFormatException(where + ": amsgrad is not supported");
          }
          return new Adam(number(c, "learning_rate", 1e-3, where), number(c, "beta_1", 0.9, where),
              number(c, "beta_2", 0.999, where), number(c, "epsilon", 1e-7, where));
        case "SGD":
          return new SGD(number(c, "learning_rate", 0.01, where), number(c, "momentum", 0, where),
              c.path("nesterov").asBoolean(false));
        default:
          throw new ModelFormatException(where + ": optimizer " + (cls.isEmpty() ? n.toString() : cls)
              + " is not supported; cnn4j supports Adam and SGD");
      }
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where + ": " + e.getMessage(), e);
    }
  }

  static JsonNode lossToJson(Loss l) {
    if (!l.fromLogits()) return com.fasterxml.jackson.databind.node.TextNode.valueOf(l.name());
    ObjectNode c = Json.object();
    c.put("name", l.name());
    c.put("reduction", "sum_over_batch_size");
    c.put("from_logits", true);
    if (l instanceof SparseCategoricalCrossentropy) c.putNull("ignore_class");
    ObjectNode n = Json.object();
    n.put("module", "keras.losses");
    n.put("class_name", l instanceof SparseCategoricalCrossentropy ? "SparseCategoricalCrossentropy"
        : "CategoricalCrossentropy");
    n.set("config", c);
    n.putNull("registered_name");
    return n;
  }

  static Loss lossFromJson(JsonNode n, String where) {
    if (n == null || n.isNull()) throw new ModelFormatException(where + ": missing");
    if (n.isTextual()) {
      try {
        return Loss.parse(n.textValue());
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(where + ": " + e.getMessage());
      }
    }
    JsonNode c = n.path("config");
    boolean logits = c.path("from_logits").asBoolean(false);
    if (c.path("label_smoothing").asDouble(0) != 0) {
      throw new ModelFormatException(where + ": label_smoothing is not supported");
    }
    if (c.hasNonNull("ignore_class")) throw new ModelFormatException(where + ": ignore_class is not supported");
    return switch (n.path("class_name").asText("")) {
      case "SparseCategoricalCrossentropy" -> new SparseCategoricalCrossentropy(logits);
      case "CategoricalCrossentropy" -> new CategoricalCrossentropy(logits);
      default -> throw new ModelFormatException(where + ": loss " + n.path("class_name").asText(n.toString())
          + " is not supported; cnn4j supports sparse_categorical_crossentropy and categorical_crossentropy");
    };
  }

  private static float number(JsonNode c, String key, double otherwise, String where) {
    JsonNode v = c.get(key);
    if (v == null || v.isNull()) return (float) otherwise;
    if (!v.isNumber()) {
      throw new ModelFormatException(where + ": " + key + " must be a number, got " + v
          + (v.isObject() ? " (learning-rate schedules are not supported)" : ""));
    }
    return (float) v.doubleValue();
  }
}
