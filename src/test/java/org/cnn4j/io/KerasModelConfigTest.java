package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.GlobalMaxPooling2D;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.ActivationFunction;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.layers.Maxout;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.Models;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasModelConfigTest {
  private static final String DTYPE =
      "{\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\": {\"name\": \"float32\"}, "
          + "\"registered_name\": null}";
  private static final String INIT = "\"kernel_initializer\": {\"module\": \"keras.initializers\", "
      + "\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}, \"registered_name\": null}, "
      + "\"bias_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"Zeros\", \"config\": {}, "
      + "\"registered_name\": null}, \"kernel_regularizer\": null, \"bias_regularizer\": null, "
      + "\"kernel_constraint\": null, \"bias_constraint\": null";

  /** The reference model as Keras 3's model.to_json() writes it, compiled as DESIGN.md compiles it. */
  static final String KERAS3 = """
      {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true,
       "dtype": DTYPE, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 32, 32, 3],
         "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
        {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv2d", "trainable": true,
         "dtype": DTYPE, "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
         "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
         "use_bias": true, INIT, "activity_regularizer": null}, "registered_name": null,
         "build_config": {"input_shape": [null, 32, 32, 3]}},
        {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv2d_1", "trainable": true,
         "dtype": DTYPE, "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
         "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
         "use_bias": true, INIT, "activity_regularizer": null}, "registered_name": null,
         "build_config": {"input_shape": [null, 32, 32, 32]}},
        {"module": "keras.layers", "class_name": "MaxPooling2D", "config": {"name": "max_pooling2d",
         "trainable": true, "dtype": DTYPE, "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
         "data_format": "channels_last"}, "registered_name": null,
         "build_config": {"input_shape": [null, 32, 32, 32]}},
        {"module": "keras.layers", "class_name": "Dropout", "config": {"name": "dropout", "trainable": true,
         "dtype": DTYPE, "rate": 0.5, "seed": null, "noise_shape": null}, "registered_name": null,
         "build_config": {"input_shape": [null, 16, 16, 32]}},
        {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flatten", "trainable": true,
         "dtype": DTYPE, "data_format": "channels_last"}, "registered_name": null,
         "build_config": {"input_shape": [null, 16, 16, 32]}},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true,
         "dtype": DTYPE, "units": 128, "activation": "relu", "use_bias": true, INIT}, "registered_name": null,
         "build_config": {"input_shape": [null, 8192]}},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_1", "trainable": true,
         "dtype": DTYPE, "units": 10, "activation": "softmax", "use_bias": true, INIT}, "registered_name": null,
         "build_config": {"input_shape": [null, 128]}}],
       "build_input_shape": [null, 32, 32, 3]},
       "registered_name": null, "build_config": {"input_shape": [null, 32, 32, 3]},
       "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {
         "name": "adam", "learning_rate": 0.0010000000474974513, "weight_decay": null, "clipnorm": null,
         "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99,
         "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null,
         "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false}, "registered_name": null},
        "loss": "sparse_categorical_crossentropy", "loss_weights": null,
        "metrics": ["sparse_categorical_accuracy"], "weighted_metrics": null, "run_eagerly": false,
        "steps_per_execution": 1, "jit_compile": false}}
      """.replace("DTYPE", DTYPE).replace("INIT", INIT);

  /** The same model as tf.keras 2.x writes it: no "module", string dtypes, batch_input_shape. */
  static final String KERAS2 = """
      {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 32, 32, 3], "dtype": "float32",
         "sparse": false, "ragged": false, "name": "conv2d_input"}},
        {"class_name": "Conv2D", "config": {"name": "conv2d", "trainable": true,
         "batch_input_shape": [null, 32, 32, 3], "dtype": "float32", "filters": 32, "kernel_size": [3, 3],
         "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
         "groups": 1, "activation": "relu", "use_bias": true,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
         "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
         "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
         "bias_constraint": null}},
        {"class_name": "Conv2D", "config": {"name": "conv2d_1", "trainable": true, "dtype": "float32",
         "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
         "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
         "use_bias": true, "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1.0,
         "mode": "fan_avg", "distribution": "uniform", "seed": null}},
         "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
         "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
         "bias_constraint": null}},
        {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d", "trainable": true,
         "dtype": "float32", "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
         "data_format": "channels_last"}},
        {"class_name": "Dropout", "config": {"name": "dropout", "trainable": true, "dtype": "float32",
         "rate": 0.5, "noise_shape": null, "seed": null}},
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": true, "dtype": "float32",
         "data_format": "channels_last"}},
        {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32",
         "units": 128, "activation": "relu", "use_bias": true,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
         "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
         "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
         "bias_constraint": null}},
        {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": "float32",
         "units": 10, "activation": "softmax", "use_bias": true,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
         "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
         "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
         "bias_constraint": null}}]},
       "keras_version": "2.13.1", "backend": "tensorflow"}
      """;

  private static final String[] SUMMARY_ROWS = org.cnn4j.model.SummaryTest.REFERENCE_ROWS;

  @Test
  void keras3ConfigBuildsTheReferenceModel() {
    try (Model m = KerasModelConfig.fromJson(KERAS3)) {
      assertReferenceModel(m);
      assertInstanceOf(Adam.class, m.optimizer());
      assertEquals(1e-3f, m.optimizer().learningRate());
      assertEquals("sparse_categorical_crossentropy", m.loss().name());
      assertEquals(List.of("sparse_categorical_accuracy"), m.metrics());
    }
  }

  @Test
  void keras2ConfigBuildsTheReferenceModel() {
    try (Model m = KerasModelConfig.fromJson(KERAS2)) {
      assertReferenceModel(m);
      assertNull(m.loss(), "tf.keras's to_json() has no compile settings");
    }
  }

  @Test
  void keras2WithoutInputLayerTakesTheFirstLayersShapeAndOldNames() {
    String json = """
        {"class_name": "Sequential", "config": [
          {"class_name": "Conv2D", "config": {"name": "c", "batch_input_shape": [null, 8, 8, 2], "filters": 4,
           "kernel_size": 3, "padding": "valid", "activation": "linear", "use_bias": false}},
          {"class_name": "LeakyReLU", "config": {"name": "lrelu", "alpha": 0.1}},
          {"class_name": "MaxPool2D", "config": {"name": "pool", "pool_size": [2, 2], "strides": null}},
          {"class_name": "ELU", "config": {"alpha": 0.5}},
          {"class_name": "Flatten", "config": {}},
          {"class_name": "Dense", "config": {"units": 6}},
          {"class_name": "ReLU", "config": {"max_value": null, "negative_slope": 0.0, "threshold": 0.0}},
          {"class_name": "Maxout", "config": {"pieces": 2}},
          {"class_name": "Softmax", "config": {"axis": -1}}]}
        """;
    try (Model m = KerasModelConfig.fromJson(json)) {
      assertEquals(Shape.of(8, 8, 2), m.inputShape());
      List<Layer> l = m.layers();
      assertEquals(9, l.size());
      // Unnamed layers are named by the model, counting every layer of the same kind (lrelu is one).
      assertEquals(List.of("c", "lrelu", "pool", "activation_1", "flatten", "dense", "re_lu", "maxout",
          "activation_2"), l.stream().map(Layer::name).toList());
      assertEquals(3 * 3 * 2 * 4, l.get(0).countParams(), "use_bias false: kernel only");
      assertEquals(ActivationFunction.leakyRelu(0.1f), ((Activation) l.get(1)).function());
      assertEquals(Shape.of(3, 3, 4), l.get(2).outputShape());
      assertEquals(ActivationFunction.elu(0.5f), ((Activation) l.get(3)).function());
      assertEquals(ActivationFunction.RELU, ((org.cnn4j.layers.ReLU) l.get(6)).function());
      assertEquals(Shape.of(3), l.get(7).outputShape());
      assertTrue(((Activation) l.get(8)).function().isSoftmax());
    }
  }

  @Test
  void writtenConfigReadsBackAsTheSameModel() {
    try (Model original = KerasModelConfig.fromJson(KERAS3)) {
      String json = KerasModelConfig.toJson(original);
      try (Model again = KerasModelConfig.fromJson(json)) {
        assertSameModel(original, again);
        assertEquals(json, KerasModelConfig.toJson(again), "writing is a fixed point");
      }
    }
  }

  @Test
  void everyLayerKindRoundTrips() {
    try (Sequential m = new Sequential("all_kinds")) {
      m.add(new Conv2D(8, 3, 2).strides(1, 2).padding("valid").activation("tanh").useBias(false)
          .inputShape(12, 10, 3));
      m.add(new Maxout(2));
      m.add(new Activation(ActivationFunction.leakyRelu(0.05f)));
      m.add(new Activation(ActivationFunction.elu(0.7f)));
      m.add(new Activation("leaky_relu"));
      m.add(new MaxPool2D(3, 2).strides(1).padding("same"));
      m.add(new Dropout(0.3));
      m.add(new Flatten());
      m.add(new Dense(7).activation("sigmoid"));
      m.add(new Dense(5).activation("elu"));
      m.compile(new Adam(3e-4f), new org.cnn4j.losses.CategoricalCrossentropy(true), "accuracy");
      String json = KerasModelConfig.toJson(m);
      assertTrue(json.startsWith("{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {"), json);
      assertTrue(json.contains("\"class_name\": \"LeakyReLU\", \"config\": {\"name\": \"activation\", "
          + "\"trainable\": true, \"dtype\": " + DTYPE + ", \"negative_slope\": 0.05}"), json);
      assertTrue(json.contains("\"rate\": 0.3,"), "floats written as the shortest decimal: " + json);
      try (Model again = KerasModelConfig.fromJson(json)) {
        assertSameModel(m, again);
        assertEquals(3e-4f, again.optimizer().learningRate());
        assertTrue(again.loss().fromLogits());
        assertEquals("categorical_crossentropy", again.loss().name());
      }
    }
  }

  @Test
  void modelWithoutInputShapeRoundTripsUnbuilt() {
    try (Sequential m = new Sequential()) {
      m.add(new Dense(4).activation("relu"));
      m.add(new Dense(2));
      String json = KerasModelConfig.toJson(m);
      assertTrue(!json.contains("InputLayer") && !json.contains("build_config"), json);
      try (Sequential again = (Sequential) KerasModelConfig.fromJson(json)) {
        assertNull(again.inputShape());
        again.build(Shape.of(3));
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, again.countParams());
      }
    }
  }

  @Test
  void unsupportedLayerIsNamedWithTheSupportedOnes() {
    String json = KERAS2.replace("{\"class_name\": \"Dropout\", \"config\": {\"name\": \"dropout\",",
        "{\"class_name\": \"GaussianNoise\", \"config\": {\"name\": \"gaussian_noise\",");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> KerasModelConfig.fromJson(json));
    assertEquals("model config: layer 4 'gaussian_noise' (GaussianNoise): the layer class "
        + "\"GaussianNoise\" is not supported. Supported layers: " + LayerRegistry.supported(), e.getMessage());
    assertTrue(e.getMessage().contains("Conv2D (Convolution2D), DepthwiseConv2D, MaxPooling2D (MaxPool2D), "
        + "AveragePooling2D (AvgPool2D)"), e.getMessage());
    assertTrue(e.getMessage().contains("BatchNormalization, Dropout, Flatten, Dense, Activation, LeakyReLU"),
        e.getMessage());
  }

  @Test
  void optionsThatChangeTheComputationAreErrors() {
    assertError(KERAS2.replaceFirst("\"dilation_rate\": \\[1, 1\\]", "\"dilation_rate\": [0, 1]"),
        "layer 1 'conv2d' (Conv2D): \"dilation_rate\" must be between 1 and 1048576, got 0");
    assertError(KERAS2.replaceFirst("\"channels_last\"", "\"channels_first\""),
        "layer 1 'conv2d' (Conv2D): \"data_format\": \"channels_first\" is not supported");
    assertError(KERAS2.replaceFirst("\"groups\": 1", "\"groups\": 3"),
        "layer 1 'conv2d' (Conv2D): filters (32) must divide by groups (3)");
    assertError(KERAS2.replaceFirst("\"groups\": 1", "\"groups\": 2"),
        "layer 1 'conv2d' (Conv2D): layer 'conv2d' (Conv2D) cannot take input of shape (None, 32, 32, 3): the input "
            + "channels (3) must divide by groups (2)");
    assertError(KERAS2.replace("\"noise_shape\": null", "\"noise_shape\": [null, 1, 1, 32]"),
        "layer 4 'dropout' (Dropout): \"noise_shape\": [null,1,1,32] is not supported");
    assertError(KERAS2.replaceFirst("\"activation\": \"relu\"", "\"activation\": \"gelu\""),
        "layer 1 'conv2d' (Conv2D): \"activation\": \"gelu\" is not supported");
    assertError(KERAS2.replaceFirst("\"padding\": \"same\"", "\"padding\": \"causal\""),
        "\"padding\": \"causal\" is not supported; cnn4j supports \"valid\" or \"same\"");
    assertError(KERAS2.replaceFirst("\"units\": 128", "\"units\": 0"),
        "layer 6 'dense' (Dense): \"units\" must be between 1 and 1048576, got 0");
    assertError(KERAS2.replace("\"class_name\": \"Sequential\"", "\"class_name\": \"Subclassed\""),
        "not a Keras model config (\"class_name\" is \"Subclassed\")");
    assertError(KERAS2.replace("\"class_name\": \"Sequential\"", "\"class_name\": \"Functional\""),
        "\"input_layers\" must name exactly one layer");
  }

  @Test
  void layerThatDoesNotFitItsInputIsNamed() throws IOException {
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(KERAS2);
    ((ArrayNode) root.path("config").path("layers")).remove(5); // the Flatten
    assertError(root.toString(), "model config: layer 5 'dense' (Dense): layer 'dense' (Dense) cannot take input of "
        + "shape (None, 16, 16, 32): Dense expects (batch, features); add a Flatten layer before it");
  }

  @Test
  void initializersAndL2RegularizersAreRead() {
    String json = KERAS2.replaceFirst("\"kernel_regularizer\": null",
        "\"kernel_regularizer\": {\"class_name\": \"L2\", \"config\": {\"l2\": 0.01}}")
        .replaceFirst("\"GlorotUniform\"", "\"HeNormal\"").replaceFirst("\"trainable\": true", "\"trainable\": false")
        .replace("\"bias_constraint\": null}}]}", "\"bias_constraint\": {\"class_name\": \"NonNeg\"}}}]}");
    try (Model m = KerasModelConfig.fromJson(json)) {
      assertEquals(1_060_138, m.countParams());
      Map<String, Object> conv = m.layers().get(0).config();
      assertEquals("HeNormal", ((Map<?, ?>) conv.get("kernel_initializer")).get("class_name"));
      assertEquals(Map.of("l2", 0.01f), ((Map<?, ?>) conv.get("kernel_regularizer")).get("config"));
      // conv2d_1's Keras 2 VarianceScaling(1, fan_avg, uniform) is GlorotUniform.
      assertEquals("GlorotUniform", ((Map<?, ?>) m.layers().get(1).config().get("kernel_initializer")).get("class_name"));
      String again = KerasModelConfig.toJson(m);
      assertTrue(again.contains("\"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": "
          + "\"HeNormal\", \"config\": {\"seed\": null}, \"registered_name\": null}, \"bias_initializer\""), again);
      assertTrue(again.contains("\"kernel_regularizer\": {\"module\": \"keras.regularizers\", \"class_name\": "
          + "\"L2\", \"config\": {\"l2\": 0.01}, \"registered_name\": null}"), again);
    }
  }

  @Test
  void newLayersRoundTripWithKerasNamesAndKeys() {
    try (Sequential m = new Sequential("resnet_parts")) {
      m.add(new Conv2D(8, 3).padding("same").useBias(false).kernelInitializer("he_normal").kernelRegularizer(1e-4)
          .dilationRate(2).groups(2).inputShape(12, 12, 4));
      m.add(new BatchNormalization().momentum(0.9).epsilon(1e-5).center(false));
      m.add(new ReLU());
      m.add(new DepthwiseConv2D(3).depthMultiplier(2).strides(2).padding("same").biasInitializer("ones")
          .activation("relu"));
      m.add(new AveragePooling2D(2).padding("same"));
      m.add(new ReLU().maxValue(6));
      m.add(new ReLU().negativeSlope(0.1));
      m.add(new MaxPool2D(2).strides(1));
      m.add(new GlobalMaxPooling2D().keepdims(true));
      m.add(new GlobalAveragePooling2D());
      m.add(new BatchNormalization().scale(false));
      m.add(new Dense(3).kernelInitializer("glorot_normal"));
      String json = KerasModelConfig.toJson(m);
      for (String part : new String[] {
          "\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"batch_normalization\", \"trainable\": true, "
              + "\"dtype\": " + DTYPE + ", \"axis\": -1, \"momentum\": 0.9, \"epsilon\": 1.0E-5, \"center\": false, "
              + "\"scale\": true, \"beta_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"Zeros\", "
              + "\"config\": {}, \"registered_name\": null}, \"gamma_initializer\"",
          "\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"depthwise_conv2d\", \"trainable\": true, "
              + "\"dtype\": " + DTYPE + ", \"depth_multiplier\": 2, \"kernel_size\": [3, 3], \"strides\": [2, 2], "
              + "\"padding\": \"same\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], "
              + "\"activation\": \"relu\", \"use_bias\": true, \"depthwise_initializer\"",
          "\"dilation_rate\": [2, 2], \"groups\": 2,",
          "\"class_name\": \"ReLU\", \"config\": {\"name\": \"re_lu_1\", \"trainable\": true, \"dtype\": " + DTYPE
              + ", \"max_value\": 6.0, \"negative_slope\": 0.0, \"threshold\": 0.0}",
          "\"class_name\": \"AveragePooling2D\", \"config\": {\"name\": \"average_pooling2d\"",
          "\"class_name\": \"GlobalMaxPooling2D\", \"config\": {\"name\": \"global_max_pooling2d\", \"trainable\": "
              + "true, \"dtype\": " + DTYPE + ", \"data_format\": \"channels_last\", \"keepdims\": true}",
          "\"name\": \"global_average_pooling2d\"", "\"name\": \"batch_normalization_1\""}) {
        assertTrue(json.contains(part), "missing " + part + " in " + json);
      }
      try (Model again = KerasModelConfig.fromJson(json)) {
        assertSameModel(m, again);
        assertEquals(json, KerasModelConfig.toJson(again), "writing is a fixed point");
        assertEquals(m.countTrainableParams(), again.countTrainableParams());
      }
    }
  }

  @Test
  void kerasWrittenConfigsOfTheNewLayersRead() {
    String json = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 9, 9, 3]}},
          {"class_name": "DepthwiseConv2D", "config": {"name": "dw", "kernel_size": [3, 3], "strides": [1, 1],
           "padding": "valid", "depth_multiplier": 2, "data_format": "channels_last", "dilation_rate": [1, 1],
           "activation": "linear", "use_bias": true,
           "depthwise_initializer": {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_in",
             "distribution": "truncated_normal", "seed": null}},
           "bias_initializer": "zeros", "depthwise_regularizer": {"class_name": "L1L2", "config": {"l1": 0.0,
           "l2": 0.5}}, "bias_regularizer": null, "activity_regularizer": null, "depthwise_constraint": null,
           "bias_constraint": null}},
          {"class_name": "BatchNormalization", "config": {"name": "bn", "axis": [3], "momentum": 0.9,
           "epsilon": 0.001, "center": true, "scale": true, "beta_initializer": {"class_name": "Zeros",
           "config": {}}, "gamma_initializer": {"class_name": "Ones", "config": {}},
           "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
           "moving_variance_initializer": {"class_name": "Ones", "config": {}}, "beta_regularizer": null,
           "gamma_regularizer": null, "beta_constraint": null, "gamma_constraint": null}},
          {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "data_format": "channels_last",
           "keepdims": false}},
          {"class_name": "Dense", "config": {"units": 2}}]}}
        """;
    try (Model m = KerasModelConfig.fromJson(json)) {
      assertEquals(3 * 3 * 3 * 2 + 6, m.layers().get(0).countParams());
      assertEquals(24, m.layers().get(1).countParams());
      assertEquals(12, m.layers().get(1).countTrainableParams());
      Map<String, Object> dw = m.layers().get(0).config();
      assertEquals("HeNormal", ((Map<?, ?>) dw.get("depthwise_initializer")).get("class_name"));
      assertEquals(Map.of("l2", 0.5f), ((Map<?, ?>) dw.get("depthwise_regularizer")).get("config"));
      assertEquals(0.9f, m.layers().get(1).config().get("momentum"));
      assertEquals(List.of("dw/depthwise_kernel", "dw/bias", "bn/gamma", "bn/beta", "bn/moving_mean",
          "bn/moving_variance", "dense/kernel", "dense/bias"), m.weightNames());
    }
    assertError(json.replace("\"axis\": [3]", "\"axis\": 2"),
        "layer 2 'bn' (BatchNormalization): \"axis\": 2 is not supported; cnn4j supports -1 (the channels, last axis)");
    assertError(json.replace("\"keepdims\": false", "\"keepdims\": 1"), "\"keepdims\" must be true or false");
  }

  @Test
  void limitsAreEnforced() {
    StringBuilder many = new StringBuilder("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [");
    for (int i = 0; i <= KerasModelConfig.MAX_LAYERS; i++) {
      many.append(i > 0 ? "," : "").append("{\"class_name\": \"Flatten\"}");
    }
    assertError(many.append("]}}").toString(), "10001 layers is more than the limit of 10000");
    assertError(KERAS2.replace("[null, 32, 32, 3]", "[null, 2000000, 32, 3]"),
        "dimensions must be integers between 1 and 1048576");
    assertError(KERAS2.replace("[null, 32, 32, 3]", "[null, null, null, 3]"), "has a variable dimension (null)");
    assertError(KERAS2.replace("[null, 32, 32, 3]", "[null, 32, 32]"),
        "cnn4j models take (height, width, channels) images or (features) vectors");
    assertError(KERAS2.replace("\"filters\": 32,", "\"filters\": 32.5,"), "\"filters\" must hold integers");
    assertError(KERAS2.replace("\"units\": 10,", "\"units\": 10, \"units\": 11,"), "Duplicate field 'units'");
    assertError(KERAS2.substring(0, 400), "not valid JSON");
    assertError("[" .repeat(100) + "]".repeat(100), "not valid JSON");
    // A sample of 2^20 * 2^20 values flattened would not fit a Java array.
    assertError(KERAS2.replace("[null, 32, 32, 3]", "[null, 1048576, 1048576, 3]"), "is too large");
  }

  @Test
  void filesLargerThan16MbAreRefusedBeforeReading(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.json");
    Files.writeString(big, KERAS2 + " ".repeat(16 << 20));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> KerasModelConfig.fromJson(big));
    assertTrue(e.getMessage().startsWith(big + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("larger than the 16777216-byte limit"), e.getMessage());
    Path missing = dir.resolve("missing.json");
    e = assertThrows(ModelFormatException.class, () -> KerasModelConfig.fromJson(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read"), e.getMessage());
  }

  @Test
  void pathOverloadsWriteAndRead(@TempDir Path dir) {
    Path file = dir.resolve("sub/model.json");
    try (Model m = Models.reference(32, 32, 3, 10)) {
      KerasModelConfig.toJson(m, file);
      try (Model again = KerasModelConfig.fromJson(file)) {
        assertSameModel(m, again);
      }
    }
  }

  @Test
  void activationsWithoutKerasNamesCannotBeWritten() {
    try (Sequential m = new Sequential()) {
      m.add(new Dense(3).activation(ActivationFunction.leakyRelu(0.1f)).inputShape(4));
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> KerasModelConfig.toJson(m));
      assertTrue(e.getMessage().contains("layer 'dense' (Dense): activation leaky_relu(0.1) has no Keras name"),
          e.getMessage());
    }
  }

  @Test
  void unsupportedCompileConfigLeavesTheModelUncompiled() {
    String json = KERAS3.replace("\"class_name\": \"Adam\"", "\"class_name\": \"RMSprop\"");
    try (Model m = KerasModelConfig.fromJson(json)) {
      assertNull(m.loss());
      assertEquals(1_060_138, m.countParams());
    }
  }

  private static void assertReferenceModel(Model m) {
    assertEquals("sequential", m.name());
    assertEquals(Shape.of(32, 32, 3), m.inputShape());
    List<Class<?>> kinds = m.layers().stream().<Class<?>>map(Object::getClass).toList();
    assertEquals(List.of(Conv2D.class, Conv2D.class, MaxPool2D.class, Dropout.class, Flatten.class, Dense.class,
        Dense.class), kinds);
    String summary = m.summary();
    for (String row : SUMMARY_ROWS) {
      assertTrue(summary.lines().anyMatch(l -> l.equals(row)), "missing row '" + row + "' in\n" + summary);
    }
    try (Model reference = Models.reference(32, 32, 3, 10)) {
      assertSameModel(reference, m);
    }
  }

  /** Same layers, names, configs, shapes and parameter counts. */
  static void assertSameModel(Model expected, Model actual) {
    assertEquals(expected.inputShape(), actual.inputShape());
    assertEquals(expected.layers().size(), actual.layers().size());
    for (int i = 0; i < expected.layers().size(); i++) {
      Layer a = expected.layers().get(i);
      Layer b = actual.layers().get(i);
      assertEquals(a.getClass(), b.getClass(), "layer " + i);
      assertEquals(a.config(), b.config(), "layer " + i);
      assertEquals(a.outputShape(), b.outputShape(), "layer " + i);
      assertEquals(a.countParams(), b.countParams(), "layer " + i);
      if (a instanceof Activation x) assertEquals(x.function(), ((Activation) b).function(), "layer " + i);
      if (a instanceof Dense x) assertEquals(x.activation(), ((Dense) b).activation(), "layer " + i);
      if (a instanceof Conv2D x) assertEquals(x.activation(), ((Conv2D) b).activation(), "layer " + i);
    }
    assertEquals(expected.weightNames(), actual.weightNames());
  }

  private static void assertError(String json, String expectedPart) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> KerasModelConfig.fromJson(json));
    assertTrue(e.getMessage().contains(expectedPart), "message: " + e.getMessage());
  }
}
