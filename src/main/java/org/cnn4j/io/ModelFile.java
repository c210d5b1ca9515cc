package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DenseInput;
import org.cnn4j.layers.Layer;
import org.cnn4j.model.Model;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;

/**
 * cnn4j's model file: one zip holding the architecture, the weights, the
 * optimizer state and the training state, enough to predict bitwise as before
 * and to resume training exactly.
 *
 * <ul>
 *   <li>{@code metadata.json}: format "cnn4j-model", format_version, the cnn4j
 *       version, creation time, training state (epoch, steps, seed, optimizer
 *       in Keras 3's form with any learning-rate schedule, cnn4j's weight-decay
 *       exclusions, loss, metrics, callbacks), the class names when known
 *       ({@code class_names}, absent in older files), how each Dense layer after
 *       Flatten read its input ({@code dense_inputs}: "view" or "4d", see
 *       {@link DenseInput}; absent in older files) and the index of weights.bin.
 *   <li>{@code config.json}: the architecture in Keras's model-config JSON
 *       ({@link KerasModelConfig}).
 *   <li>{@code weights.bin}: float32 little-endian tensors in Keras's layouts
 *       and order (kernels HWIO, Dense kernels (in, units) with inputs in (h, w, c)
 *       order; non-trainable state such as moving statistics included), then the
 *       optimizer's slots per trainable weight in the same layouts.
 * </ul>
 *
 * <pre>{@code
 * ModelFile.save(model, Path.of("ckpt.cnn4j"), TrainingState.atEpoch(epoch + 1));
 * try (LoadedModel m = ModelFile.load(Path.of("ckpt.cnn4j"))) {
 *   m.model().predict(x, 32);
 * }
 * }</pre>
 *
 * <p>Saving is atomic: the file is written beside the target, flushed to disk,
 * read back and checked, then renamed over it, so a crash or a failure leaves
 * the previous file intact. Loading checks everything (entry names and sizes,
 * format version, the index against the architecture, each tensor's CRC32)
 * before allocating the model's native memory, reads nothing but the three
 * entries, and never extracts to disk.
 */
public final class ModelFile {
  /** The value of metadata.json's "format". */
  public static final String FORMAT = "cnn4j-model";
  /** The format version this cnn4j writes; newer files are refused. */
  public static final int FORMAT_VERSION = 1;

  private ModelFile() {}

  /** Saves a model with no training state (epoch 0). */
  public static void save(Model model, Path file) {
    save(model, file, TrainingState.atEpoch(0));
  }

  /**
   * Saves a built model, its weights, its optimizer's state and {@code state}.
   *
   * @throws IllegalStateException if the model has no input shape or is closed
   * @throws UncheckedIOException if the file cannot be written; the previous file is then untouched
   */
  public static void save(Model model, Path file, TrainingState state) {
    if (model.inputShape() == null) {
      throw new IllegalStateException("model '" + model.name() + "' has no input shape yet; build it before saving");
    }
    // Everything is gathered before the file system is touched.
    byte[] config = KerasModelConfig.toJson(model).getBytes(StandardCharsets.UTF_8);
    ParameterArena arena = model.arena();
    List<float[]> weights = model.getWeights();
    List<float[]> tensors = new ArrayList<>(weights);
    List<WeightsIndex.Entry> entries = new ArrayList<>();
    Map<String, List<WeightsIndex.Entry>> slots = new LinkedHashMap<>();
    WeightsBin bin = new WeightsBin();
    CRC32 whole = new CRC32();
    long[] offset = {0};
    List<Parameter> params = arena.parameters();
    for (int i = 0; i < params.size(); i++) entries.add(entry(params.get(i), weights.get(i), bin, whole, offset));
    for (String slot : slotsOf(model.optimizer())) {
      if (!arena.slotNames().contains(slot)) continue; // no step taken yet: nothing to save
      List<WeightsIndex.Entry> list = new ArrayList<>();
      for (Parameter p : arena.trainableParameters()) { // non-trainable state has no optimizer slots
        float[] v = arena.getSlot(p, slot);
        tensors.add(v);
        list.add(entry(p, v, bin, whole, offset));
      }
      slots.put(slot, list);
    }
    WeightsIndex index = new WeightsIndex(entries, slots);
    Instant created = Instant.now();
    byte[] metadata = Json.pretty(metadata(model, state, index, created)).getBytes(StandardCharsets.UTF_8);
    try {
      AtomicWrite.write(file,
          out -> ModelArchive.write(out, metadata, config, index, whole.getValue(), tensors, created),
          written -> ModelArchive.check(written, file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model '" + model.name() + "' to " + file + ": " + AtomicWrite.describe(e)
          + "; any previous file there is untouched", e);
    }
  }

  /**
   * Loads a model file: the model, compiled if it was when saved, with weights,
   * optimizer state, step count and seed restored, and its training state.
   *
   * @throws ModelFormatException naming the file and what is wrong, for a missing, truncated,
   *     corrupt or foreign file, a newer format version, or weights that do not fit the architecture
   */
  public static LoadedModel load(Path file) {
    try (ModelArchive archive = ModelArchive.open(file, file)) {
      JsonNode meta = archive.metadata();
      String where = file + ": " + ModelArchive.METADATA;
      WeightsIndex index = archive.index(meta);
      JsonNode training = meta.path("training");
      int epoch = (int) integer(training, "epoch", Integer.MAX_VALUE, where);
      long steps = integer(training, "steps", Long.MAX_VALUE, where);
      JsonNode seed = training.path("seed");
      if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
        throw new ModelFormatException(where + ": training.seed must be an integer, got " + seed);
      }
      CompileSettings compile = training.hasNonNull("optimizer")
          ? CompileSettings.fromJson(training, where + ": training") : null;
      if (compile != null) {
        CompileSettings.exclusionsFromJson(training.get("weight_decay_exclusions"), compile.optimizer(),
            where + ": training.weight_decay_exclusions");
      }
      TrainingState state = new TrainingState(epoch, callbacks(training.path("callbacks"), where));
      Preprocessing preprocessing = preprocessing(training.path("preprocessing"), where);
      List<String> classNames = classNames(meta.path("class_names"), where);
      String cnn4j = meta.path("cnn4j_version").asText("unknown");
      Instant created = instant(meta.path("created"), where);

      String configWhere = file + ": " + ModelArchive.CONFIG;
      Model model = KerasModelConfig.read(archive.config(), configWhere, false);
      try {
        if (model.inputShape() == null) {
          throw new ModelFormatException(configWhere + ": the model has no input shape");
        }
        List<Parameter> params = new ArrayList<>();
        for (Layer l : model.layers()) params.addAll(l.parameters());
        matches(index.weights, params, file, "weights");
        List<Parameter> trainable = params.stream().filter(Parameter::trainable).toList();
        for (Map.Entry<String, List<WeightsIndex.Entry>> s : index.slots.entrySet()) {
          if (compile == null || !slotsOf(compile.optimizer()).contains(s.getKey())) {
            throw new ModelFormatException(file + ": optimizer slot '" + s.getKey() + "' does not belong to "
                + (compile == null ? "an uncompiled model"
                    : "the optimizer " + compile.optimizer().config().get("name")));
          }
          matches(s.getValue(), trainable, file, "optimizer slot '" + s.getKey() + "'");
        }
        if (classNames != null && classNames.size() != model.outputUnits()) {
          throw new ModelFormatException(where + ": class_names has " + classNames.size() + " names but the model "
              + "has " + model.outputUnits() + " outputs");
        }
        List<float[]> tensors = archive.tensors(index, true);

        // Only now, with everything checked, does the model allocate native memory.
        restoreDenseInputs(meta.path("dense_inputs"), model, where);
        model.seed(seed.longValue());
        model.preprocessing(preprocessing);
        model.classNames(classNames);
        if (compile != null) compile.applyTo(model);
        model.setWeights(tensors.subList(0, params.size()));
        ParameterArena arena = model.arena();
        int next = params.size();
        for (String slot : index.slots.keySet()) {
          for (Parameter p : arena.trainableParameters()) arena.setSlot(p, slot, tensors.get(next++));
        }
        model.counter().set(steps);
        if (compile != null) compile.optimizer().iterations(steps);
        return new LoadedModel(model, state, cnn4j, created);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read the model file: " + e, e);
    }
  }

  /**
   * How each Dense layer after Flatten read its input when the file was saved
   * ("view" or "4d"; absent in older files), so that the loaded model plans the
   * same kernels: predictions and resumed training stay bitwise the same.
   */
  private static void restoreDenseInputs(JsonNode n, Model model, String where) {
    if (n.isMissingNode() || n.isNull()) return;
    if (!n.isObject()) throw new ModelFormatException(where + ": dense_inputs must be an object, got " + n);
    Map<String, Dense> dense = new LinkedHashMap<>();
    for (Layer l : model.layers()) if (l instanceof Dense d) dense.put(d.name(), d);
    for (var it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      Dense d = dense.get(e.getKey());
      if (d == null) {
        throw new ModelFormatException(where + ": dense_inputs names '" + e.getKey() + "', which is not a Dense "
            + "layer of the model; Dense layers: " + dense.keySet());
      }
      JsonNode v = e.getValue();
      DenseInput input = null;
      if (v.isTextual()) {
        try {
          input = DenseInput.parse(v.asText());
        } catch (IllegalArgumentException x) {
          input = null;
        }
      }
      if (input == null || input == DenseInput.AUTO) {
        throw new ModelFormatException(where + ": dense_inputs." + e.getKey() + " must be \"view\" or \"4d\", got " + v);
      }
      d.restoreInputLayout(input);
    }
  }

  /** The class names, or null for files that predate the field. */
  static List<String> classNames(JsonNode a, String where) {
    if (a.isMissingNode() || a.isNull()) return null;
    if (!a.isArray()) throw new ModelFormatException(where + ": class_names must be an array of strings, got " + a);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).isTextual()) {
        throw new ModelFormatException(where + ": class_names[" + i + "] must be a string, got " + a.get(i));
      }
      names.add(a.get(i).asText());
    }
    return names;
  }

  /** How the model's uint8 inputs are converted (x / 255 for files that predate the field). */
  static Preprocessing preprocessing(JsonNode p, String where) {
    if (p.isMissingNode() || p.isNull()) return Preprocessing.scaled();
    JsonNode scale = p.path("scale");
    if (!scale.isNumber() || !(scale.doubleValue() > 0) || !Double.isFinite(scale.doubleValue())) {
      throw new ModelFormatException(where + ": training.preprocessing.scale must be a positive number, got " + scale);
    }
    float[] mean = floats(p.path("mean"), where + ": training.preprocessing.mean");
    float[] std = floats(p.path("std"), where + ": training.preprocessing.std");
    try {
      return new Preprocessing(scale.floatValue(), mean, std, 0, false);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where + ": training.preprocessing: " + e.getMessage());
    }
  }

  private static float[] floats(JsonNode a, String what) {
    if (a.isMissingNode() || a.isNull()) return null;
    if (!a.isArray() || a.size() == 0 || a.size() > 4096) {
      throw new ModelFormatException(what + " must be an array of 1 to 4096 numbers, got " + a);
    }
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
        throw new ModelFormatException(what + "[" + i + "] must be a finite number, got " + v);
      }
      out[i] = v.floatValue();
    }
    return out;
  }

  /** The optimizer's slot buffers in the parameter arena. */
  private static List<String> slotsOf(Optimizer o) {
    if (o instanceof Adam) return List.of("m", "v");
    if (o instanceof SGD) return List.of("momentum");
    return List.of();
  }

  private static WeightsIndex.Entry entry(Parameter p, float[] v, WeightsBin bin, CRC32 whole, long[] offset) {
    long length = (long) v.length * Float.BYTES;
    WeightsIndex.Entry e = new WeightsIndex.Entry(p.name(), p.kerasShape(), offset[0], length, bin.crc(v, whole));
    offset[0] += length;
    return e;
  }

  private static ObjectNode metadata(Model model, TrainingState state, WeightsIndex index, Instant created) {
    ObjectNode m = Json.object();
    m.put("format", FORMAT);
    m.put("format_version", FORMAT_VERSION);
    m.put("cnn4j_version", cnn4jVersion());
    m.put("created", created.toString());
    ObjectNode t = m.putObject("training");
    t.put("epoch", state.epoch());
    t.put("steps", model.counter().get());
    t.put("seed", model.seed());
    CompileSettings compiled = CompileSettings.of(model);
    if (compiled != null) {
      t.set("optimizer", CompileSettings.optimizerToJson(compiled.optimizer()));
      ObjectNode exclusions = CompileSettings.exclusionsToJson(compiled.optimizer());
      if (exclusions != null) t.set("weight_decay_exclusions", exclusions);
      t.set("loss", CompileSettings.lossToJson(compiled.loss(), false));
      compiled.metrics().forEach(t.putArray("metrics")::add);
    } else {
      t.putNull("optimizer");
      t.putNull("loss");
      t.putArray("metrics");
    }
    t.set("callbacks", Json.fromPlain(state.callbacks(), "callback state"));
    t.set("preprocessing", preprocessingToJson(model.preprocessing()));
    if (model.classNames() != null) model.classNames().forEach(m.putArray("class_names")::add);
    ObjectNode inputs = Json.object();
    for (Layer l : model.layers()) {
      if (l instanceof Dense d && d.inputChoice() != null && !d.inputChoice().reason().equals("only form")) {
        inputs.put(d.name(), d.inputLayout().keyword());
      }
    }
    if (!inputs.isEmpty()) m.set("dense_inputs", inputs);
    m.set("weights", index.toJson());
    return m;
  }

  /** How the model converts uint8 images: {"scale": ..., "mean": [...], "std": [...]}. */
  static ObjectNode preprocessingToJson(Preprocessing pre) {
    ObjectNode p = Json.object();
    p.put("scale", pre.scale());
    if (pre.mean() != null) {
      for (float v : pre.mean()) p.withArray("mean").add(v);
      for (float v : pre.std()) p.withArray("std").add(v);
    }
    return p;
  }

  /** The jar's Implementation-Version, or "unknown" when run from classes. */
  static String cnn4jVersion() {
    String v = ModelFile.class.getPackage().getImplementationVersion();
    return v != null ? v : "unknown";
  }

  private static void matches(List<WeightsIndex.Entry> entries, List<Parameter> params, Path file, String what) {
    if (entries.size() != params.size()) {
      List<String> names = params.stream().map(Parameter::name).toList();
      throw new ModelFormatException(file + ": " + what + ": the file holds " + entries.size()
          + " tensors but the architecture in " + ModelArchive.CONFIG + " has " + params.size() + " "
          + (names.size() <= 8 ? names : names.subList(0, 8) + " ..."));
    }
    for (int i = 0; i < params.size(); i++) {
      WeightsIndex.Entry e = entries.get(i);
      Parameter p = params.get(i);
      if (!e.name().equals(p.name()) || !Arrays.equals(e.shape(), p.kerasShape())) {
        throw new ModelFormatException(file + ": " + what + ": tensor " + i + " is '" + e.name() + "' of shape "
            + Arrays.toString(e.shape()) + " but the architecture in " + ModelArchive.CONFIG + " has '" + p.name()
            + "' of shape " + Arrays.toString(p.kerasShape()));
      }
    }
  }

  private static long integer(JsonNode parent, String key, long max, String where) {
    JsonNode v = parent.path(key);
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > max) {
      throw new ModelFormatException(where + ": training." + key + " must be an integer from 0 to " + max
          + ", got " + v);
    }
    return v.longValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> callbacks(JsonNode n, String where) {
    if (n.isMissingNode() || n.isNull()) return Map.of();
    if (!n.isObject()) throw new ModelFormatException(where + ": training.callbacks must be an object");
    return (Map<String, Object>) Json.toPlain(n);
  }

  private static Instant instant(JsonNode n, String where) {
    try {
      return Instant.parse(n.asText(""));
    } catch (DateTimeParseException e) {
      throw new ModelFormatException(where + ": bad \"created\" time " + n, e);
    }
  }
}
