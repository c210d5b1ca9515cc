package org.cnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.KerasModelConfig;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;

/** The {@code --model} flag: the built-in reference model, a Keras model JSON, or a saved cnn4j model. */
final class ModelSpec {
  static final String HELP = "reference | MODEL.json (Keras model.to_json()) | MODEL.cnn4j (saved by cnn4j)";

  private ModelSpec() {}

  /** A model for this data: the reference model is sized to its images and classes. */
  static Sequential create(String spec, Dataset data) {
    if (spec.equals("reference")) {
      return Models.reference(data.height(), data.width(), data.channels(), data.numClasses());
    }
    Sequential model = load(spec);
    check(model, data, spec);
    return model;
  }

  /** True for a model saved by cnn4j (weights, optimizer state, seed), false for reference or a Keras JSON. */
  static boolean isSavedModel(String spec) {
    return !spec.equals("reference") && !spec.endsWith(".json");
  }

  static Sequential load(String spec) {
    Path path = Path.of(spec);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("--model " + spec + ": no such file (expected " + HELP + ")");
    }
    return spec.endsWith(".json") ? KerasModelConfig.fromJson(path) : Sequential.load(path);
  }

  /** A model with trained weights, for evaluate and predict: a Keras model JSON holds none. */
  static Sequential loadSaved(String spec) {
    if (spec.endsWith(".json")) {
      throw new IllegalArgumentException("--model " + spec + ": a Keras model JSON holds an architecture but no "
          + "weights; give a model saved by cnn4j (MODEL.cnn4j, which cnn4j train writes)");
    }
    return load(spec);
  }

  /** The data must fit the model's input and output. */
  static void check(Sequential model, Dataset data, String spec) {
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
