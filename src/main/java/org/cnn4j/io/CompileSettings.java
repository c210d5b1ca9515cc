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
import org.cnn4j.optim.AdamW;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;
import org.cnn4j.optim.schedules.LearningRateSchedule;

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

  /**
   * Keras 3's compile_config, as Keras reads it: a sparse loss's label smoothing, which Keras's
   * SparseCategoricalCrossentropy does not take, is left out (see {@link #smoothingKerasCannotRead}).
   */
  ObjectNode toJson() {
    ObjectNode c = Json.object();
    c.set("optimizer", optimizerToJson(optimizer));
    c.set("loss", lossToJson(loss, true));
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
    if (o instanceof AdamW) {
      cls = "AdamW";
    } else if (o instanceof Adam) {
      cls = "Adam";
    } else if (o instanceof SGD) {
      cls = "SGD";
    } else {
      throw new ModelFormatException("optimizer " + o.getClass().getName()
          + " has no Keras form; supported: Adam, AdamW, SGD");
    }
    c.put("name", (String) given.get("name"));
    LearningRateSchedule schedule = o.schedule();
    if (schedule != null) {
      c.set("learning_rate", Json.fromPlain(schedule.serialize(), "learning-rate schedule"));
    } else {
      c.put("learning_rate", Json.decimal(o.learningRate()));
    }
    if (o.weightDecay() != 0) c.put("weight_decay", Json.decimal(o.weightDecay()));
    else c.putNull("weight_decay");
    c.putNull("clipnorm");
    c.putNull("global_clipnorm");
    c.putNull("clipvalue");
    c.put("use_ema", false);
    c.put("ema_momentum", 0.99);
    c.putNull("ema_overwrite_frequency");
    c.putNull("loss_scale_factor");
    c.putNull("gradient_accumulation_steps");
    if (o instanceof Adam) {
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

  /**
   * cnn4j's weight-decay exclusions, which Keras's optimizer config does not
   * hold (exclude_from_weight_decay is a method call there); null when there are none.
   */
  static ObjectNode exclusionsToJson(Optimizer o) {
    if (o.weightDecayExclusions().isEmpty() && !o.weightDecayExcludesVectors()) return null;
    ObjectNode n = Json.object();
    ArrayNode names = n.putArray("var_names");
    o.weightDecayExclusions().forEach(names::add);
    n.put("one_dimensional", o.weightDecayExcludesVectors());
    return n;
  }

  /** Applies what {@link #exclusionsToJson} wrote; {@code where} names it in errors. */
  static void exclusionsFromJson(JsonNode n, Optimizer o, String where) {
    if (n == null || n.isNull() || n.isMissingNode()) return;
    if (!n.isObject()) throw new ModelFormatException(where + ": expected an object, got " + n);
    JsonNode names = n.path("var_names");
    if (!names.isMissingNode()) {
      if (!names.isArray() || names.size() > 10_000) {
        throw new ModelFormatException(where + ": var_names must be a list of strings, got " + names);
      }
      for (JsonNode x : names) {
        if (!x.isTextual()) throw new ModelFormatException(where + ": var_names holds " + x + ", not a string");
        try {
          o.excludeFromWeightDecay(x.textValue());
        } catch (java.util.regex.PatternSyntaxException e) {
          throw new ModelFormatException(where + ": var_names: " + e.getDescription() + " in " + x, e);
        }
      }
    }
    if (n.path("one_dimensional").asBoolean(false)) o.excludeVectorsFromWeightDecay();
  }

  /** "adam", "adamw", "sgd", or Keras's serialized Adam, AdamW or SGD; options cnn4j lacks must hold their defaults. */
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
    for (String k : new String[] {"clipnorm", "global_clipnorm", "clipvalue",
        "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"}) {
      if (c.hasNonNull(k)) throw new ModelFormatException(where + ": " + k + " " + c.get(k) + " is not supported");
    }
    if (c.path("use_ema").asBoolean(false)) throw new ModelFormatException(where + ": use_ema is not supported");
    try {
      LearningRateSchedule schedule = schedule(c.get("learning_rate"), where + ": learning_rate");
      Optimizer o;
      switch (cls) {
        case "Adam", "AdamW" -> {
          if (c.path("amsgrad").asBoolean(false)) {
            throw new ModelFormatException(where + ": amsgrad is not supported");
          }
          float b1 = number(c, "beta_1", 0.9, where);
          float b2 = number(c, "beta_2", 0.999, where);
          float eps = number(c, "epsilon", 1e-7, where);
          if (cls.equals("AdamW")) {
            float wd = number(c, "weight_decay", 0.004, where);
            o = schedule != null ? new AdamW(schedule, wd, b1, b2, eps)
                : new AdamW(number(c, "learning_rate", 1e-3, where), wd, b1, b2, eps);
          } else {
            o = schedule != null ? new Adam(schedule, b1, b2, eps)
                : new Adam(number(c, "learning_rate", 1e-3, where), b1, b2, eps);
          }
        }
        case "SGD" -> {
          float momentum = number(c, "momentum", 0, where);
          boolean nesterov = c.path("nesterov").asBoolean(false);
          o = schedule != null ? new SGD(schedule, momentum, nesterov)
              : new SGD(number(c, "learning_rate", 0.01, where), momentum, nesterov);
        }
        default -> throw new ModelFormatException(where + ": optimizer " + (cls.isEmpty() ? n.toString() : cls)
            + " is not supported; cnn4j supports Adam, AdamW and SGD");
      }
      if (!cls.equals("AdamW")) o.weightDecay(number(c, "weight_decay", 0, where));
      return o;
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where + ": " + e.getMessage(), e);
    }
  }

  /** A serialized learning-rate schedule, or null when the rate is a number (or absent). */
  private static LearningRateSchedule schedule(JsonNode n, String where) {
    if (n == null || !n.isObject()) return null;
    String cls = n.path("class_name").asText("");
    JsonNode config = n.path("config");
    if (!config.isObject()) throw new ModelFormatException(where + ": a schedule needs a \"config\" object, got " + n);
    @SuppressWarnings("unchecked")
    Map<String, Object> plain = (Map<String, Object>) Json.toPlain(config);
    try {
      return LearningRateSchedule.fromConfig(cls, plain);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where + ": " + (cls.isEmpty() ? "" : cls + ": ") + e.getMessage(), e);
    }
  }

  /**
   * The label smoothing of a loss whose Keras form cannot hold it (Keras 3's
   * SparseCategoricalCrossentropy has no label_smoothing, and refuses a config
   * that has one), or 0. A .keras file keeps it in cnn4j's part of metadata.json.
   */
  static float smoothingKerasCannotRead(Loss l) {
    return l instanceof SparseCategoricalCrossentropy ? l.labelSmoothing() : 0;
  }

  /**
   * The loss's name, or Keras 3's serialized form when it has options. With
   * {@code forKeras} a sparse loss's label smoothing is left out, so that Keras
   * can read the config; cnn4j's own files keep it there.
   */
  static JsonNode lossToJson(Loss l, boolean forKeras) {
    float smoothing = forKeras && smoothingKerasCannotRead(l) != 0 ? 0 : l.labelSmoothing();
    if (!l.fromLogits() && smoothing == 0) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(l.name());
    }
    ObjectNode c = Json.object();
    c.put("name", l.name());
    c.put("reduction", "sum_over_batch_size");
    c.put("from_logits", l.fromLogits());
    if (l instanceof SparseCategoricalCrossentropy) c.putNull("ignore_class");
    if (smoothing != 0) c.put("label_smoothing", Json.decimal(smoothing));
    if (l instanceof CategoricalCrossentropy) c.put("axis", -1);
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
    float smoothing = number(c, "label_smoothing", 0, where);
    if (c.hasNonNull("ignore_class")) throw new ModelFormatException(where + ": ignore_class is not supported");
    if (c.has("axis") && c.path("axis").asInt(0) != -1) {
      throw new ModelFormatException(where + ": axis " + c.get("axis") + " is not supported; cnn4j supports -1");
    }
    try {
      return switch (n.path("class_name").asText("")) {
        case "SparseCategoricalCrossentropy" -> new SparseCategoricalCrossentropy(logits, smoothing);
        case "CategoricalCrossentropy" -> new CategoricalCrossentropy(logits, smoothing);
        default -> throw new ModelFormatException(where + ": loss " + n.path("class_name").asText(n.toString())
            + " is not supported; cnn4j supports sparse_categorical_crossentropy and categorical_crossentropy");
      };
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where + ": " + e.getMessage(), e);
    }
  }

  private static float number(JsonNode c, String key, double otherwise, String where) {
    JsonNode v = c.get(key);
    if (v == null || v.isNull()) return (float) otherwise;
    if (!v.isNumber()) {
      throw new ModelFormatException(where + ": " + key + " must be a number, got " + v);
    }
    return (float) v.doubleValue();
  }
}
