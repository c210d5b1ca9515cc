package org.cnn4j.io;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.layers.Layer;
import org.cnn4j.model.Model;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras weights stored in HDF5, matched to a cnn4j model's weights. Three layouts are read:
 *
 * <ul>
 *   <li>Keras 3 ({@code model.weights.h5} in a {@code .keras} file, or {@code save_weights("w.weights.h5")}):
 *       {@code layers/<name>/vars/0..n-1}, where {@code <name>} is the layer's class in snake case made unique
 *       in {@code model.layers} order ({@code conv2d}, {@code conv2d_1}, ...), not the layer's own name; the
 *       optimizer's variables in {@code optimizer/vars} (iteration, learning rate, then per trainable weight
 *       Adam's momentum and velocity, or SGD's momentum).
 *   <li>Keras 2 whole models ({@code model.save("m.h5")}): group {@code model_weights} as below, optimizer
 *       weights in {@code optimizer_weights} listed by its {@code weight_names} attribute.
 *   <li>Keras 2 weights ({@code save_weights("w.h5")}): attribute {@code layer_names} on the root; per layer a
 *       group with attribute {@code weight_names} and the datasets at those names ({@code conv2d/kernel:0}).
 *       Layers with weights are matched in order, as Keras's own loader does.
 * </ul>
 *
 * <p>Each layer's tensors come in Keras's order (kernel, bias; gamma, beta, moving_mean, moving_variance),
 * which is cnn4j's, in Keras's layouts, which cnn4j's {@link Model#setWeights} takes. Shapes are compared
 * with the model's before any data is read.
 */
final class KerasWeights {
  private static final Logger log = LoggerFactory.getLogger(KerasWeights.class);

  private KerasWeights() {}

  /** Weights in {@link Model#getWeights()} order, and the optimizer's state when the file holds a usable one. */
  record Read(List<float[]> weights, OptimizerState optimizer) {}

  /** An optimizer's step count, learning rate (null: keep the configured one) and slots per trainable weight. */
  record OptimizerState(long iterations, Float learningRate, Map<String, List<float[]>> slots) {}

  /** Reads the weights for {@code model} from a file in any of the three layouts, which is detected. */
  static Read read(Hdf5 h5, Model model) {
    Group root = h5.root();
    Group layers = h5.group(root, "layers");
    if (layers == null) layers = h5.group(root, "_layer_checkpoint_dependencies"); // tf.keras 2.13-2.15
    if (layers != null) return keras3(h5, layers, model);
    Group modelWeights = h5.group(root, "model_weights");
    if (modelWeights != null) return legacy(h5, modelWeights, model, true);
    if (h5.names(root, "layer_names") != null) return legacy(h5, root, model, false);
    throw new ModelFormatException(h5.shown() + ": holds no Keras weights: expected a group \"layers\" (Keras 3), "
        + "a group \"model_weights\" (Keras 2 model.save) or an attribute \"layer_names\" (Keras 2 save_weights)");
  }

  /** Sets the weights and, when the model's optimizer matches, the optimizer's state. */
  static void apply(Model model, Read read) {
    model.setWeights(read.weights());
    OptimizerState s = read.optimizer();
    if (s == null) return;
    ParameterArena arena = model.arena();
    for (Map.Entry<String, List<float[]>> slot : s.slots().entrySet()) {
      List<Parameter> trainable = arena.trainableParameters();
      for (int i = 0; i < trainable.size(); i++) arena.setSlot(trainable.get(i), slot.getKey(), slot.getValue().get(i));
    }
    model.counter().set(s.iterations());
    model.optimizer().iterations(s.iterations());
    if (s.learningRate() != null && model.optimizer().schedule() == null) {
      model.optimizer().setLearningRate(s.learningRate());
    }
  }

  // ---- Keras 3 ------------------------------------------------------------------------------------------

  private static Read keras3(Hdf5 h5, Group layers, Model model) {
    List<float[]> weights = new ArrayList<>();
    Map<String, Integer> used = new HashMap<>();
    for (Layer l : model.layers()) {
      String name = uniqueName(snakeCase(l.kerasType()), used);
      List<Parameter> params = l.parameters();
      Group g = h5.group(layers, name);
      Group vars = g == null ? null : h5.group(g, "vars");
      List<String> keys = vars == null ? List.of() : h5.children(vars);
      String where = layers.getPath() + name + "/vars";
      if (keys.size() != params.size()) {
        throw new ModelFormatException(h5.shown() + ": layer '" + l.name() + "' (" + l.kerasType() + "): "
            + (g == null && !params.isEmpty() ? "the file has no group " + layers.getPath() + name
                : where + " holds " + keys.size() + " variables " + keys) + " but the layer has " + params.size()
            + " " + params.stream().map(p -> shortName(p)).toList());
      }
      for (int i = 0; i < params.size(); i++) {
        Dataset d = h5.datasetAt(vars, Integer.toString(i));
        if (d == null) {
          throw new ModelFormatException(h5.shown() + ": layer '" + l.name() + "': " + where + " has no variable "
              + i + " (" + shortName(params.get(i)) + "); it holds " + keys);
        }
        weights.add(h5.floats(d, params.get(i).kerasShape(), "layer '" + l.name() + "' " + shortName(params.get(i))));
      }
    }
    Group opt = h5.group(h5.root(), "optimizer");
    Group vars = opt == null ? null : h5.group(opt, "vars");
    return new Read(weights, vars == null ? null : keras3Optimizer(h5, vars, model));
  }

  /** Keras 3's optimizer variables: iteration, learning_rate (unless a schedule), then the slots interleaved. */
  private static OptimizerState keras3Optimizer(Hdf5 h5, Group vars, Model model) {
    int count = h5.children(vars).size();
    if (count == 0) return null;
    Optimizer o = model.optimizer();
    List<String> slots = slots(o);
    if (slots == null) {
      skipped(h5, o, count + " optimizer variables");
      return null;
    }
    List<Parameter> trainable = trainable(model);
    int first = o.schedule() == null ? 2 : 1; // Keras 3 holds the rate as a variable unless it is a schedule
    boolean built = count == first + slots.size() * trainable.size();
    if (!built && count != first) {
      log.warn("{}: the optimizer state holds {} variables where a Keras {} for this model has {} ({} per trainable "
          + "weight); it is skipped and the optimizer starts afresh", h5.shown(), count,
          o.getClass().getSimpleName(), first + slots.size() * trainable.size(), slots.size());
      return null;
    }
    Long iterations = h5.integer(dataset(h5, vars, 0, "the iteration count"));
    if (iterations == null || iterations < 0) {
      throw new ModelFormatException(h5.shown() + ": " + vars.getPath() + "/0 should be the optimizer's iteration "
          + "count, a non-negative integer scalar");
    }
    Float lr = null;
    if (first == 2) {
      lr = rate(h5, h5.floats(dataset(h5, vars, 1, "the learning rate"), new int[0], "the learning rate")[0],
          vars.getPath() + "/1");
    }
    Map<String, List<float[]>> values = new LinkedHashMap<>();
    if (built) {
      for (String s : slots) values.put(s, new ArrayList<>());
      int index = first;
      for (Parameter p : trainable) {
        for (String s : slots) {
          Dataset d = dataset(h5, vars, index++, "optimizer slot " + s + " of " + p.name());
          values.get(s).add(h5.floats(d, p.kerasShape(), "optimizer slot " + s + " of " + p.name()));
        }
      }
    }
    return new OptimizerState(iterations, lr, values);
  }

  private static Dataset dataset(Hdf5 h5, Group vars, int index, String what) {
    Dataset d = h5.datasetAt(vars, Integer.toString(index));
    if (d == null) throw new ModelFormatException(h5.shown() + ": " + vars.getPath() + " has no variable " + index
        + " (" + what + ")");
    return d;
  }

  // ---- Keras 2 HDF5 --------------------------------------------------------------------------------------

  private static Read legacy(Hdf5 h5, Group g, Model model, boolean wholeModel) {
    String version = h5.text(g, "keras_version");
    String backend = h5.text(g, "backend");
    if ((version != null && version.startsWith("1")) || "theano".equals(backend)) {
      throw new ModelFormatException(h5.shown() + ": written by Keras " + version + " with backend " + backend
          + "; cnn4j reads Keras 2 and 3 files (Keras 1 and Theano laid kernels out differently)");
    }
    List<String> layerNames = h5.names(g, "layer_names");
    if (layerNames == null) {
      throw new ModelFormatException(h5.shown() + ": " + g.getPath() + " has no \"layer_names\" attribute");
    }
    List<String> saved = new ArrayList<>();
    List<List<String>> savedWeights = new ArrayList<>();
    for (String name : layerNames) {
      Group lg = h5.group(g, name);
      if (lg == null) {
        throw new ModelFormatException(h5.shown() + ": layer_names lists '" + name + "' but " + g.getPath()
            + " has no group of that name");
      }
      List<String> w = h5.names(lg, "weight_names");
      if (w != null && !w.isEmpty()) {
        saved.add(name);
        savedWeights.add(w);
      }
    }
    Group top = h5.group(g, "top_level_model_weights");
    List<String> topNames = top == null ? null : h5.names(top, "weight_names");
    if (topNames != null && !topNames.isEmpty()) {
      throw new ModelFormatException(h5.shown() + ": the model has weights of its own (top_level_model_weights "
          + topNames + "); cnn4j models keep all weights in layers");
    }
    List<Layer> withWeights = model.layers().stream().filter(l -> !l.parameters().isEmpty()).toList();
    if (saved.size() != withWeights.size()) {
      throw new ModelFormatException(h5.shown() + ": the file holds weights of " + saved.size() + " layers "
          + abbreviate(saved) + " but the model has " + withWeights.size() + " layers with weights "
          + abbreviate(withWeights.stream().map(Layer::name).toList()));
    }
    List<float[]> weights = new ArrayList<>();
    for (int k = 0; k < saved.size(); k++) {
      Layer l = withWeights.get(k);
      List<String> names = savedWeights.get(k);
      List<Parameter> params = l.parameters();
      Group lg = h5.group(g, saved.get(k));
      if (names.size() != params.size()) {
        throw new ModelFormatException(h5.shown() + ": layer '" + l.name() + "' (" + l.kerasType() + ", '"
            + saved.get(k) + "' in the file): the file holds " + names.size() + " weights " + names
            + " but the layer has " + params.size() + " " + params.stream().map(p -> shortName(p)).toList());
      }
      for (int i = 0; i < names.size(); i++) {
        Dataset d = h5.datasetAt(lg, names.get(i));
        if (d == null) {
          throw new ModelFormatException(h5.shown() + ": layer '" + saved.get(k) + "': weight_names lists '"
              + names.get(i) + "' but " + lg.getPath() + " holds no such dataset");
        }
        weights.add(h5.floats(d, params.get(i).kerasShape(), "layer '" + l.name() + "' " + shortName(params.get(i))
            + " ('" + names.get(i) + "')"));
      }
    }
    Group opt = h5.group(h5.root(), "optimizer_weights");
    return new Read(weights, opt == null || !wholeModel ? null : legacyOptimizer(h5, opt, model));
  }

  /**
   * Keras 2's optimizer weights, recognised by name: the iteration count ({@code iter}, {@code iteration},
   * {@code iterations}), the rate ({@code learning_rate}, {@code lr}), and per trainable weight, in the
   * model's order, Adam's m and v ({@code .../m:0}, {@code m/...}, {@code ..._momentum}; {@code v},
   * {@code velocity}) or SGD's momentum. Anything else means another optimizer: the state is skipped.
   */
  private static OptimizerState legacyOptimizer(Hdf5 h5, Group g, Model model) {
    List<String> names = h5.names(g, "weight_names");
    if (names == null || names.isEmpty()) return null;
    Optimizer o = model.optimizer();
    List<String> slots = slots(o);
    if (slots == null) {
      skipped(h5, o, names.size() + " optimizer weights");
      return null;
    }
    List<Parameter> trainable = trainable(model);
    Map<String, List<Dataset>> found = new LinkedHashMap<>();
    for (String s : slots) found.put(s, new ArrayList<>());
    Long iterations = 0L;
    Float lr = null;
    for (String name : names) {
      Dataset d = h5.datasetAt(g, name);
      if (d == null) {
        throw new ModelFormatException(h5.shown() + ": optimizer_weights lists '" + name + "' but holds no such "
            + "dataset");
      }
      String kind = slotKind(name, o);
      if (kind.equals("iterations")) {
        iterations = h5.integer(d);
        if (iterations == null || iterations < 0) {
          throw new ModelFormatException(h5.shown() + ": optimizer weight '" + name + "' should be the iteration "
              + "count, a non-negative integer scalar");
        }
      } else if (kind.equals("learning_rate")) {
        int[] dims = h5.dims(d);
        if (dims.length == 0 || (dims.length == 1 && dims[0] == 1)) {
          lr = rate(h5, h5.floats(d, dims, "optimizer weight '" + name + "'")[0], "optimizer weight '" + name + "'");
        }
      } else if (found.containsKey(kind)) {
        found.get(kind).add(d);
      } else {
        log.warn("{}: optimizer weight '{}' is not one a cnn4j {} has; the optimizer state is skipped and the "
            + "optimizer starts afresh", h5.shown(), name, o.getClass().getSimpleName());
        return null;
      }
    }
    Map<String, List<float[]>> values = new LinkedHashMap<>();
    for (Map.Entry<String, List<Dataset>> e : found.entrySet()) {
      if (e.getValue().size() != trainable.size()) {
        log.warn("{}: the optimizer state holds {} '{}' tensors for the model's {} trainable weights; it is "
            + "skipped and the optimizer starts afresh", h5.shown(), e.getValue().size(), e.getKey(),
            trainable.size());
        return null;
      }
      List<float[]> list = new ArrayList<>();
      for (int i = 0; i < trainable.size(); i++) {
        Parameter p = trainable.get(i);
        list.add(h5.floats(e.getValue().get(i), p.kerasShape(), "optimizer slot " + e.getKey() + " of " + p.name()));
      }
      values.put(e.getKey(), list);
    }
    return new OptimizerState(iterations, lr, values);
  }

  /** "iterations", "learning_rate", a slot of {@code o} ("m", "v", "momentum"), or "?" for anything else. */
  static String slotKind(String weightName, Optimizer o) {
    String n = weightName.toLowerCase(Locale.ROOT);
    if (n.endsWith(":0")) n = n.substring(0, n.length() - 2);
    String[] parts = n.split("/");
    String leaf = parts[parts.length - 1];
    if (parts.length <= 2 && List.of("iter", "iteration", "iterations").contains(leaf)) return "iterations";
    if (parts.length <= 2 && List.of("learning_rate", "lr").contains(leaf)) return "learning_rate";
    boolean adam = o instanceof Adam;
    if (leaf.endsWith("velocity_hat") || leaf.equals("vhat")) return "?"; // amsgrad
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      boolean edge = i == 1 || i == parts.length - 1; // "Adam/m/dense/kernel" or "Adam/dense/kernel/m"
      if (adam && edge && (p.equals("m") || p.equals("momentum") || p.endsWith("_momentum"))) return "m";
      if (adam && edge && (p.equals("v") || p.equals("velocity") || p.endsWith("_velocity"))) return "v";
      if (!adam && edge && (p.equals("momentum") || p.endsWith("_momentum"))) return "momentum";
    }
    return "?";
  }

  private static float rate(Hdf5 h5, float lr, String where) {
    if (!(lr > 0) || Float.isInfinite(lr)) {
      throw new ModelFormatException(h5.shown() + ": " + where + " should be the learning rate, a positive number; "
          + "it is " + lr);
    }
    return lr;
  }

  // ---- shared --------------------------------------------------------------------------------------------

  /** The optimizer's slots in Keras's order, or null when cnn4j has no such optimizer for the state. */
  private static List<String> slots(Optimizer o) {
    if (o instanceof Adam) return List.of("m", "v");
    if (o instanceof SGD s) {
      Object momentum = s.config().get("momentum");
      return momentum instanceof Number m && m.doubleValue() != 0 ? List.of("momentum") : List.of();
    }
    return null;
  }

  private static void skipped(Hdf5 h5, Optimizer o, String what) {
    log.warn("{}: the file holds {}, but the model {}; the optimizer state is skipped", h5.shown(), what,
        o == null ? "is not compiled with an optimizer cnn4j has (Adam, AdamW, SGD)"
            : "uses " + o.getClass().getSimpleName());
  }

  private static List<Parameter> trainable(Model model) {
    List<Parameter> out = new ArrayList<>();
    for (Layer l : model.layers()) for (Parameter p : l.parameters()) if (p.trainable()) out.add(p);
    return out;
  }

  /** Keras's snake case of a class name: "Conv2D" to "conv2d", "BatchNormalization" to "batch_normalization". */
  static String snakeCase(String className) {
    String s = className.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** The name, or name_1, name_2, ... when it was used before (Keras's names in a saved container). */
  static String uniqueName(String name, Map<String, Integer> used) {
    Integer n = used.get(name);
    used.put(name, n == null ? 0 : n + 1);
    return n == null ? name : name + "_" + (n + 1);
  }

  private static String shortName(Parameter p) {
    String n = p.name();
    return n.substring(n.lastIndexOf('/') + 1);
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 8 ? names.toString() : names.subList(0, 8) + " ...";
  }
}
