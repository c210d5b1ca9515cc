package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Functional models in Keras JSON (Keras 2 and 3 forms) and in cnn4j model files. */
class FunctionalConfigTest {
  /** What tf.keras 2.12's model.to_json() writes for a small residual model (abridged configs). */
  static final String KERAS2 = """
      {"class_name": "Functional", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 8, 8, 3], "dtype": "float32",
          "sparse": false, "ragged": false, "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
        {"class_name": "Conv2D", "config": {"name": "conv2d", "trainable": true, "dtype": "float32", "filters": 4,
          "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
          "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": true},
          "name": "conv2d", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {"class_name": "Conv2D", "config": {"name": "conv2d_1", "trainable": true, "dtype": "float32", "filters": 4,
          "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
          "dilation_rate": [1, 1], "groups": 1, "activation": "linear", "use_bias": true},
          "name": "conv2d_1", "inbound_nodes": [[["conv2d", 0, 0, {}]]]},
        {"class_name": "Add", "config": {"name": "add", "trainable": true, "dtype": "float32"}, "name": "add",
          "inbound_nodes": [[["conv2d", 0, 0, {}], ["conv2d_1", 0, 0, {}]]]},
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": true, "dtype": "float32",
          "data_format": "channels_last"}, "name": "flatten", "inbound_nodes": [[["add", 0, 0, {}]]]},
        {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 5,
          "activation": "softmax", "use_bias": true}, "name": "dense", "inbound_nodes": [[["flatten", 0, 0, {}]]]}
      ], "input_layers": [["input_1", 0, 0]], "output_layers": [["dense", 0, 0]]},
      "keras_version": "2.12.0", "backend": "tensorflow"}
      """;

  static Model residual() {
    SymbolicTensor in = Input.of(8, 8, 3);
    SymbolicTensor a = new Conv2D(4, 3).padding("same").activation("relu").call(in);
    SymbolicTensor b = new Conv2D(4, 3).padding("same").call(a);
    SymbolicTensor c = new Concatenate().call(new Add().call(a, b), b);
    return new Model(in, new Dense(5).activation("softmax").call(new Flatten().call(c)), "residual");
  }

  @Test
  void keras2FunctionalConfigBuildsTheGraph() {
    try (Model m = KerasModelConfig.fromJson(KERAS2)) {
      assertTrue(m.functional());
      assertEquals(List.of("input_1", "conv2d", "conv2d_1", "add", "flatten", "dense"),
          m.layers().stream().map(Layer::name).toList());
      assertArrayEquals(new int[] {1, 2}, m.inboundIndices(3));
      assertEquals(3 * 9 * 4 + 4 + 4 * 9 * 4 + 4 + 8 * 8 * 4 * 5 + 5, m.countParams());
    }
  }

  @Test
  void writtenInTheKeras3FormAndReadBackAsTheSameGraph() {
    try (Model m = residual()) {
      String json = KerasModelConfig.toJson(m);
      assertTrue(json.contains("\"class_name\": \"Functional\"") && json.contains("__keras_tensor__")
          && json.contains("\"keras_history\": [\"add\", 0, 0]"), json);
      try (Model again = KerasModelConfig.fromJson(json)) {
        assertEquals(m.layers().stream().map(Layer::name).toList(), again.layers().stream().map(Layer::name).toList());
        for (int i = 0; i < m.layers().size(); i++) assertArrayEquals(m.inboundIndices(i), again.inboundIndices(i));
        assertEquals(m.summary(), again.summary());
        assertEquals(json, KerasModelConfig.toJson(again), "writing is a fixed point");
      }
    }
  }

  @Test
  void savedFunctionalModelPredictsBitwiseAfterLoading(@TempDir Path dir) {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[12 * 8 * 8 * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    int[] y = new int[12];
    for (int i = 0; i < y.length; i++) y[i] = i % 5;
    Path file = dir.resolve("residual.cnn4j");
    try (Model m = residual()) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      m.fit(x, y, new FitOptions().batchSize(4).epochs(1));
      m.save(file);
      float[][] before = m.predict(x, 4);
      try (Model loaded = Model.load(file)) {
        assertTrue(loaded.functional());
        float[][] after = loaded.predict(x, 4);
        for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i], "sample " + i);
        assertEquals(m.counter().get(), loaded.counter().get());
      }
      var e = assertThrows(IllegalArgumentException.class, () -> Sequential.load(file));
      assertTrue(e.getMessage().contains("holds a functional model; load it with Model.load"), e.getMessage());
    }
  }

  @Test
  void brokenGraphsAreRefusedNamingTheLayer() {
    var unknown = assertThrows(ModelFormatException.class,
        () -> KerasModelConfig.fromJson(KERAS2.replace("[[\"conv2d\", 0, 0, {}]]]", "[[\"conv9\", 0, 0, {}]]]")));
    assertTrue(unknown.getMessage().contains("'conv2d_1' (Conv2D): reads [conv9], which no layer of the model "
        + "produces"), unknown.getMessage());
    var shared = assertThrows(ModelFormatException.class, () -> KerasModelConfig.fromJson(
        KERAS2.replace("\"inbound_nodes\": [[[\"conv2d\", 0, 0, {}]]]",
            "\"inbound_nodes\": [[[\"conv2d\", 0, 0, {}]], [[\"conv2d\", 0, 0, {}]]]")));
    assertTrue(shared.getMessage().contains("called 2 times; cnn4j does not share layers"), shared.getMessage());
    var twoOutputs = assertThrows(ModelFormatException.class, () -> KerasModelConfig.fromJson(
        KERAS2.replace("[[\"dense\", 0, 0]]", "[[\"dense\", 0, 0], [\"add\", 0, 0]]")));
    assertTrue(twoOutputs.getMessage().contains("\"output_layers\" must name exactly one layer"),
        twoOutputs.getMessage());
    var badAdd = assertThrows(ModelFormatException.class, () -> KerasModelConfig.fromJson(
        KERAS2.replace("[[\"conv2d\", 0, 0, {}], [\"conv2d_1\", 0, 0, {}]]", "[[\"conv2d\", 0, 0, {}], "
            + "[\"input_1\", 0, 0, {}]]")));
    assertTrue(badAdd.getMessage().contains("'add' (Add)") && badAdd.getMessage().contains("must have the shape"),
        badAdd.getMessage());
    assertFalse(badAdd.getMessage().isBlank());
  }
}
