package org.cnn4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.KerasModelConfig;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.Models;
import org.cnn4j.model.Model;

/**
 * The {@code --model} flag: a zoo model, a Keras model JSON, a saved cnn4j model or a Keras model file
 * (.keras, or a whole-model .h5); and {@code --weights}, Keras weights loaded into it.
 */
final class ModelSpec {
  static final String HELP = "reference | resnet20 | resnet32 | resnet44 | resnet56 | resnet110 | MODEL.json "
      + "(Keras model.to_json()) | MODEL.cnn4j (saved by cnn4j) | MODEL.keras | MODEL.h5 (Keras model.save)";
  static final String WEIGHTS_HELP = "Keras weights to load into --model (a JSON or a zoo model): a save_weights "
      + "file (.h5 or .weights.h5), or the weights of a .keras or whole-model .h5 file.";

  private ModelSpec() {}

  /** A model for this data: the reference model is sized to its images and classes. */
  static Model create(String spec, Dataset data) {
    return create(spec, null, data);
  }

  /** Like {@link #create(String, Dataset)}, then with the Keras weights in {@code weights} when not null. */
  static Model create(String spec, Path weights, Dataset data) {
    Model zoo = Models.byName(spec, data.height(), data.width(), data.channels(), data.numClasses());
    Model model = zoo != null ? zoo : load(spec);
    if (zoo == null) check(model, data, spec);
    return withWeights(model, weights);
  }

  /** A zoo model, a model file or a run folder, then with the Keras weights in {@code weights} when not null. */
  static Model load(String spec, Path weights) {
    return withWeights(load(spec), weights);
  }

  private static Model withWeights(Model model, Path weights) {
    if (weights == null) return model;
    try {
      model.loadWeights(weights);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** True for a model saved by cnn4j (weights, optimizer state, seed), false for reference or a Keras JSON. */
  static boolean isSavedModel(String spec) {
    return !Models.NAMES.contains(spec) && !spec.endsWith(".json");
  }

  /** A zoo model by name (sized for CIFAR-10's 32x32x3 images and 10 classes), a model file or a run folder. */
  static Model load(String spec) {
    Model zoo = Models.byName(spec, 32, 32, 3, 10);
    if (zoo != null) return zoo;
    Path path = file(spec);
    return spec.endsWith(".json") ? KerasModelConfig.fromJson(path) : Model.load(path);
  }

  /**
   * The file a --model names: a run folder stands for the model.cnn4j that cnn4j train wrote in it.
   */
  static Path file(String spec) {
    Path path = Path.of(spec);
    if (Files.isDirectory(path)) {
      Path inside = path.resolve("model.cnn4j");
      if (Files.isRegularFile(inside)) return inside;
      throw new IllegalArgumentException("--model " + spec + " is a folder without model.cnn4j; give a model file "
          + "(" + HELP + ") or a folder that cnn4j train wrote");
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("--model " + spec + ": no such file (expected " + HELP + ")");
    }
    return path;
  }

  /** A model with trained weights, for evaluate and predict: the reference model and a Keras JSON hold none. */
  static Model loadSaved(String spec) {
    return loadSaved(spec, null);
  }

  /** Like {@link #loadSaved(String)}; with Keras weights, a zoo model or a Keras JSON is fine too. */
  static Model loadSaved(String spec, Path weights) {
    if (weights != null) return load(spec, weights);
    if (Models.NAMES.contains(spec) && !Files.exists(Path.of(spec))) {
      throw new IllegalArgumentException("--model " + spec + " is the untrained built-in architecture, which has no "
          + "weights to evaluate or predict with; give a model saved by cnn4j, such as the model.cnn4j (or its "
          + "folder) that cnn4j train writes (runs/train/model.cnn4j by default)");
    }
    if (spec.endsWith(".json")) {
      throw new IllegalArgumentException("--model " + spec + ": a Keras model JSON holds an architecture but no "
          + "weights; give a model saved by cnn4j (MODEL.cnn4j, which cnn4j train writes), a Keras model file "
          + "(MODEL.keras, MODEL.h5), or add --weights WEIGHTS.h5");
    }
    return load(spec);
  }

  /**
   * The model's class names: from the model file, else (older files) from classes.txt beside it when
   * that lists one name per output, else the numbers 0, 1, ...
   */
  static List<String> classNames(Model model, String spec) {
    if (model.classNames() != null) return model.classNames();
    int k = model.outputUnits();
    boolean zoo = Models.NAMES.contains(spec) && !Files.exists(Path.of(spec)); // with --weights: no file beside
    Path txt = zoo ? null : file(spec).resolveSibling("classes.txt");
    try {
      if (txt != null && Files.isRegularFile(txt) && Files.size(txt) < (1 << 20)) {
        List<String> names = Files.readAllLines(txt, StandardCharsets.UTF_8);
        if (names.size() == k) return names;
        Warnings.warn(txt + " lists " + names.size() + " class names but the model has " + k
            + " outputs; classes are shown as numbers");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + txt, e);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < k; i++) names.add(Integer.toString(i));
    return names;
  }

  /** Warns when the data's classes are not the model's: accuracy then compares label numbers only. */
  static void warnIfOtherClasses(Model model, String spec, Dataset data) {
    List<String> names = classNames(model, spec);
    if (!names.equals(data.classNames())) {
      Warnings.warn("the data's classes " + data.classNames() + " differ from the model's " + names
          + "; labels are compared by number, so check that they mean the same classes");
    }
  }

  /** The data must fit the model's input and output. */
  static void check(Model model, Dataset data, String spec) {
    Shape images = Shape.of(data.height(), data.width(), data.channels());
    if (!images.equals(model.inputShape())) {
      model.close();
      throw new IllegalArgumentException("the data's images are " + images + " but model " + spec + " expects "
          + model.inputShape() + "; give matching data or another model");
    }
    if (model.outputUnits() != data.numClasses()) {
      int units = model.outputUnits();
      model.close();
      throw new IllegalArgumentException("the data has " + data.numClasses() + " classes but model " + spec
          + " outputs " + units + "; give matching data or another model");
    }
  }
}
