package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipFile;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.io.KerasFixtures.Tensor;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.SGD;
import org.cnn4j.testing.NaiveConv;
import org.cnn4j.testing.NaiveNorm;
import org.cnn4j.testing.NaiveOps;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras files in (.keras, whole-model .h5, weights .h5) and .keras out. */
class KerasFileTest {
  private static final String DTYPE = "{\"module\": \"keras\", \"class_name\": \"DTypePolicy\", "
      + "\"config\": {\"name\": \"float32\"}, \"registered_name\": null}";

  /** conv2d (4 filters, relu) - batch_normalization - max_pooling2d - dropout - flatten - dense (3, softmax). */
  static final String SMALL = """
      {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true,
       "dtype": DTYPE, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 6, 6, 3],
         "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
        {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv2d", "trainable": true,
         "dtype": DTYPE, "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
         "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
         "use_bias": true}, "registered_name": null, "build_config": {"input_shape": [null, 6, 6, 3]}},
        {"module": "keras.layers", "class_name": "BatchNormalization", "config": {"name": "batch_normalization",
         "trainable": true, "dtype": DTYPE, "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": true,
         "scale": true, "synchronized": false}, "registered_name": null,
         "build_config": {"input_shape": [null, 6, 6, 4]}},
        {"module": "keras.layers", "class_name": "MaxPooling2D", "config": {"name": "max_pooling2d",
         "trainable": true, "dtype": DTYPE, "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
         "data_format": "channels_last"}, "registered_name": null},
        {"module": "keras.layers", "class_name": "Dropout", "config": {"name": "dropout", "trainable": true,
         "dtype": DTYPE, "rate": 0.5, "seed": null, "noise_shape": null}, "registered_name": null},
        {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flatten", "trainable": true,
         "dtype": DTYPE, "data_format": "channels_last"}, "registered_name": null},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true,
         "dtype": DTYPE, "units": 3, "activation": "softmax", "use_bias": true}, "registered_name": null}],
       "build_input_shape": [null, 6, 6, 3]},
       "registered_name": null, "build_config": {"input_shape": [null, 6, 6, 3]}COMPILE}
      """.replace("DTYPE", DTYPE);

  private static final String ADAM = """
      , "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {
         "name": "adam", "learning_rate": 0.0005, "weight_decay": null, "clipnorm": null,
         "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99,
         "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null,
         "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false}, "registered_name": null},
        "loss": "sparse_categorical_crossentropy", "loss_weights": null, "metrics": ["accuracy"],
        "weighted_metrics": null, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false}""";

  @TempDir Path dir;

  /** The small model's weights, in Keras's order per layer. */
  static final class SmallWeights {
    final Tensor kernel = Tensor.random(1, 0.5, 3, 3, 3, 4);
    final Tensor bias = Tensor.random(2, 0.1, 4);
    final Tensor gamma = Tensor.positive(3, 0.5, 1, 4);
    final Tensor beta = Tensor.random(4, 0.2, 4);
    final Tensor mean = Tensor.random(5, 0.3, 4);
    final Tensor variance = Tensor.positive(6, 0.2, 1.5, 4);
    final Tensor denseKernel = Tensor.random(7, 0.5, 36, 3);
    final Tensor denseBias = Tensor.random(8, 0.1, 3);

    Map<String, List<Tensor>> keras3() {
      Map<String, List<Tensor>> m = new LinkedHashMap<>();
      m.put("conv2d", List.of(kernel, bias));
      m.put("batch_normalization", List.of(gamma, beta, mean, variance));
      m.put("max_pooling2d", List.of());
      m.put("dropout", List.of());
      m.put("flatten", List.of());
      m.put("dense", List.of(denseKernel, denseBias));
      return m;
    }

    List<Tensor> trainable() {
      return List.of(kernel, bias, gamma, beta, denseKernel, denseBias);
    }

    List<float[]> all() {
      return List.of(kernel.values(), bias.values(), gamma.values(), beta.values(), mean.values(),
          variance.values(), denseKernel.values(), denseBias.values());
    }

    /** Keras 2's groups: weight names as tf.keras writes them. */
    Map<String, Map<String, Tensor>> keras2() {
      Map<String, Map<String, Tensor>> m = new LinkedHashMap<>();
      m.put("conv2d", ordered("conv2d/kernel:0", kernel, "conv2d/bias:0", bias));
      m.put("batch_normalization", ordered("batch_normalization/gamma:0", gamma, "batch_normalization/beta:0", beta,
          "batch_normalization/moving_mean:0", mean, "batch_normalization/moving_variance:0", variance));
      m.put("dense", ordered("dense/kernel:0", denseKernel, "dense/bias:0", denseBias));
      return m;
    }

    /** The model's output computed by plain loops (NHWC, Keras layouts), independently of cnn4j's kernels. */
    float[] expected(float[] x, int n) {
      float[] conv = NaiveOps.relu(NaiveConv.conv2d(x, n, 6, 6, 3, kernel.values(), 3, 3, 4, bias.values(), 1, 1,
          "same"));
      float[] bn = NaiveNorm.forwardInference(conv, 4, mean.values(), variance.values(), gamma.values(),
          beta.values(), 1e-3);
      float[] pool = NaiveConv.maxPool2d(bn, n, 6, 6, 4, 2, 2, 2, 2, "valid");
      return NaiveOps.softmax(NaiveOps.dense(pool, n, 36, denseKernel.values(), 3, denseBias.values()), 3);
    }
  }

  private static Map<String, Tensor> ordered(Object... pairs) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (Tensor) pairs[i + 1]);
    return m;
  }

  static float[] input(int n, int h, int w, int c) {
    float[] x = new float[n * h * w * c];
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    return x;
  }

  private static void assertClose(float[] expected, float[][] actual, double tolerance) {
    int k = 0;
    for (float[] row : actual) {
      for (float v : row) {
        assertEquals(expected[k], v, tolerance, "output " + k);
        k++;
      }
    }
    assertEquals(expected.length, k);
  }

  /** Keras 3's optimizer variables for Adam: iteration, learning_rate, then m and v of each trainable weight. */
  private static List<Object> adamVars(List<Tensor> trainable, long iteration, float lr) {
    List<Object> vars = new ArrayList<>();
    vars.add(iteration);
    vars.add(lr);
    long seed = 100;
    for (Tensor t : trainable) {
      vars.add(Tensor.random(seed++, 0.01, t.shape()));
      vars.add(Tensor.positive(seed++, 0, 0.001, t.shape()));
    }
    return vars;
  }

  private Path smallKeras(String name, List<Object> optimizer) throws IOException {
    SmallWeights w = new SmallWeights();
    Path file = dir.resolve(name);
    KerasFixtures.keras(file, SMALL.replace("COMPILE", ADAM), h5 -> KerasFixtures.keras3Weights(h5, w.keras3(),
        optimizer));
    return file;
  }

  @Test
  void kerasFilePredictsWhatPlainLoopsCompute() throws IOException {
    SmallWeights w = new SmallWeights();
    List<Object> opt = adamVars(w.trainable(), 7, 0.0004f);
    Path file = smallKeras("small.keras", opt);
    float[] x = input(2, 6, 6, 3);
    try (Model m = Model.load(file)) {
      assertInstanceOf(Sequential.class, m);
      assertClose(w.expected(x, 2), m.predict(x, 2), 1e-5);
      // The optimizer's state: iteration count, learning rate, Adam's m and v per trainable weight.
      assertInstanceOf(Adam.class, m.optimizer());
      assertEquals(7, m.optimizer().iterations());
      assertEquals(7, m.counter().get());
      assertEquals(0.0004f, m.optimizer().learningRate());
      List<Parameter> trainable = m.arena().trainableParameters();
      for (int i = 0; i < trainable.size(); i++) {
        assertArrayEquals(((Tensor) opt.get(2 + 2 * i)).values(), m.arena().getSlot(trainable.get(i), "m"));
        assertArrayEquals(((Tensor) opt.get(3 + 2 * i)).values(), m.arena().getSlot(trainable.get(i), "v"));
      }
    }
    try (Sequential s = Sequential.load(file)) { // Sequential.load reads .keras too
      assertClose(w.expected(x, 2), s.predict(x, 2), 1e-5);
    }
  }

  @Test
  void kerasFileWithUnbuiltOrForeignOptimizerStateLoadsTheWeights() throws IOException {
    SmallWeights w = new SmallWeights();
    float[] x = input(2, 6, 6, 3);
    Path unbuilt = smallKeras("unbuilt.keras", List.of(0L, 0.0005f)); // compiled, never trained
    try (Model m = Model.load(unbuilt)) {
      assertClose(w.expected(x, 2), m.predict(x, 2), 1e-5);
      assertEquals(0, m.optimizer().iterations());
    }
    Path rmsprop = dir.resolve("rmsprop.keras"); // cnn4j has no RMSprop: uncompiled, state skipped with a warning
    String config = SMALL.replace("COMPILE", ADAM.replace("\"Adam\"", "\"RMSprop\"").replace("\"adam\"", "\"rmsprop\""));
    KerasFixtures.keras(rmsprop, config, h5 -> KerasFixtures.keras3Weights(h5, w.keras3(), List.of(3L, 0.001f,
        Tensor.random(1, 1, 3, 3, 3, 4))));
    try (Model m = Model.load(rmsprop)) {
      assertNull(m.optimizer());
      assertClose(w.expected(x, 2), m.predict(x, 2), 1e-5);
    }
  }

  @Test
  void float64WeightsAreConverted() throws IOException {
    SmallWeights w = new SmallWeights();
    Map<String, List<Tensor>> layers = w.keras3();
    Path file = dir.resolve("f64.keras");
    KerasFixtures.keras(file, SMALL.replace("COMPILE", ""), h5 -> {
      Map<String, List<Tensor>> rest = new LinkedHashMap<>(layers);
      rest.remove("dense");
      KerasFixtures.keras3Weights(h5, rest, null);
      WritableGroup vars = ((WritableGroup) h5.getChild("layers")).putGroup("dense").putGroup("vars");
      double[][] k = new double[36][3];
      for (int i = 0; i < 36; i++) for (int j = 0; j < 3; j++) k[i][j] = w.denseKernel.values()[i * 3 + j];
      vars.putDataset("0", k);
      double[] b = new double[3];
      for (int j = 0; j < 3; j++) b[j] = w.denseBias.values()[j];
      vars.putDataset("1", b);
    });
    float[] x = input(2, 6, 6, 3);
    try (Model m = Model.load(file)) {
      assertNull(m.optimizer());
      assertClose(w.expected(x, 2), m.predict(x, 2), 1e-5);
    }
  }

  // ---- Keras 2 HDF5 -------------------------------------------------------------------------------------

  /** The reference model as tf.keras 2.13 saves it with model.save("m.h5"), Adam state in the legacy layout. */
  @Test
  void keras2WholeModelH5PredictsWhatPlainLoopsCompute() {
    Tensor k1 = Tensor.random(21, 0.2, 3, 3, 3, 32);
    Tensor b1 = Tensor.random(22, 0.05, 32);
    Tensor k2 = Tensor.random(23, 0.06, 3, 3, 32, 32);
    Tensor b2 = Tensor.random(24, 0.05, 32);
    Tensor k3 = Tensor.random(25, 0.02, 8192, 128);
    Tensor b3 = Tensor.random(26, 0.05, 128);
    Tensor k4 = Tensor.random(27, 0.2, 128, 10);
    Tensor b4 = Tensor.random(28, 0.05, 10);
    List<String> layers = List.of("conv2d", "conv2d_1", "max_pooling2d", "dropout", "flatten", "dense", "dense_1");
    Map<String, Map<String, Tensor>> weights = new LinkedHashMap<>();
    weights.put("conv2d", ordered("conv2d/kernel:0", k1, "conv2d/bias:0", b1));
    weights.put("conv2d_1", ordered("conv2d_1/kernel:0", k2, "conv2d_1/bias:0", b2));
    weights.put("dense", ordered("dense/kernel:0", k3, "dense/bias:0", b3));
    weights.put("dense_1", ordered("dense_1/kernel:0", k4, "dense_1/bias:0", b4));
    List<Tensor> trainable = List.of(k1, b1, k2, b2, k3, b3, k4, b4);
    List<String> names = List.of("conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias", "dense/kernel",
        "dense/bias", "dense_1/kernel", "dense_1/bias");
    List<Tensor> m = new ArrayList<>();
    List<Tensor> v = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) {
      m.add(Tensor.random(40 + i, 0.01, trainable.get(i).shape()));
      v.add(Tensor.positive(60 + i, 0, 0.001, trainable.get(i).shape()));
    }
    Path file = dir.resolve("reference.h5");
    KerasFixtures.hdf5(file, h5 -> {
      h5.putAttribute("keras_version", "2.13.1");
      h5.putAttribute("backend", "tensorflow");
      h5.putAttribute("model_config", KerasModelConfigTest.KERAS2);
      h5.putAttribute("training_config", "{\"loss\": \"sparse_categorical_crossentropy\", \"metrics\": "
          + "[\"accuracy\"], \"weighted_metrics\": null, \"loss_weights\": null, \"optimizer_config\": "
          + "{\"class_name\": \"Adam\", \"config\": {\"name\": \"Adam\", \"learning_rate\": 0.001, \"decay\": 0.0, "
          + "\"beta_1\": 0.9, \"beta_2\": 0.999, \"epsilon\": 1e-07, \"amsgrad\": false}}}");
      KerasFixtures.keras2Weights(h5.putGroup("model_weights"), layers, weights);
      // TF 2's legacy Adam: the iteration count, then every m, then every v, named after the weight.
      WritableGroup opt = h5.putGroup("optimizer_weights");
      List<String> optNames = new ArrayList<>(List.of("Adam/iter:0"));
      for (String n : names) optNames.add("Adam/" + n + "/m:0");
      for (String n : names) optNames.add("Adam/" + n + "/v:0");
      opt.putAttribute("weight_names", optNames.toArray(String[]::new));
      KerasFixtures.put(opt, "Adam/iter:0", 12L);
      for (int i = 0; i < names.size(); i++) {
        KerasFixtures.put(opt, "Adam/" + names.get(i) + "/m:0", m.get(i).array());
        KerasFixtures.put(opt, "Adam/" + names.get(i) + "/v:0", v.get(i).array());
      }
    });
    float[] x = input(2, 32, 32, 3);
    float[] c1 = NaiveOps.relu(NaiveConv.conv2d(x, 2, 32, 32, 3, k1.values(), 3, 3, 32, b1.values(), 1, 1, "same"));
    float[] c2 = NaiveOps.relu(NaiveConv.conv2d(c1, 2, 32, 32, 32, k2.values(), 3, 3, 32, b2.values(), 1, 1, "same"));
    float[] pool = NaiveConv.maxPool2d(c2, 2, 32, 32, 32, 2, 2, 2, 2, "valid");
    float[] d1 = NaiveOps.relu(NaiveOps.dense(pool, 2, 8192, k3.values(), 128, b3.values()));
    float[] expected = NaiveOps.softmax(NaiveOps.dense(d1, 2, 128, k4.values(), 10, b4.values()), 10);
    try (Model model = Model.load(file)) {
      assertClose(expected, model.predict(x, 2), 1e-5);
      assertInstanceOf(Adam.class, model.optimizer());
      assertEquals(12, model.optimizer().iterations());
      List<Parameter> params = model.arena().trainableParameters();
      for (int i = 0; i < params.size(); i++) {
        assertArrayEquals(m.get(i).values(), model.arena().getSlot(params.get(i), "m"), names.get(i));
        assertArrayEquals(v.get(i).values(), model.arena().getSlot(params.get(i), "v"), names.get(i));
      }
    }
  }

  private Path smallWeightsH5(String name) {
    SmallWeights w = new SmallWeights();
    Path file = dir.resolve(name);
    KerasFixtures.hdf5(file, h5 -> KerasFixtures.keras2Weights(h5, List.of("conv2d", "batch_normalization",
        "max_pooling2d", "dropout", "flatten", "dense"), w.keras2()));
    return file;
  }

  private static Sequential smallInJava() {
    Sequential s = new Sequential();
    s.add(new Conv2D(4, 3).padding("same").activation("relu").inputShape(6, 6, 3));
    s.add(new BatchNormalization());
    s.add(new MaxPool2D(2));
    s.add(new Dropout(0.5));
    s.add(new Flatten());
    s.add(new Dense(3).activation("softmax"));
    return s;
  }

  @Test
  void weightsOnlyH5AppliesToAModelFromJsonOrJava() throws IOException {
    SmallWeights w = new SmallWeights();
    Path weights = smallWeightsH5("small.weights.h5");
    float[] x = input(2, 6, 6, 3);
    Path json = dir.resolve("small.json");
    Files.writeString(json, SMALL.replace("COMPILE", ""));
    try (Model m = KerasModelConfig.fromJson(json)) {
      m.loadWeights(weights);
      assertClose(w.expected(x, 2), m.predict(x, 2), 1e-5);
    }
    try (Sequential s = smallInJava()) {
      s.loadWeights(weights);
      assertClose(w.expected(x, 2), s.predict(x, 2), 1e-5);
      for (int i = 0; i < w.all().size(); i++) assertArrayEquals(w.all().get(i), s.getWeights().get(i));
    }
    // Keras 3's save_weights layout (layers/<name>/vars) and a whole .keras file work as weights too.
    Path keras3 = dir.resolve("small3.weights.h5");
    KerasFixtures.hdf5(keras3, h5 -> KerasFixtures.keras3Weights(h5, w.keras3(), null));
    Path keras = smallKeras("small.keras", null);
    for (Path p : List.of(keras3, keras)) {
      try (Sequential s = smallInJava()) {
        s.loadWeights(p);
        assertClose(w.expected(x, 2), s.predict(x, 2), 1e-5);
      }
    }
    // Without an architecture the file cannot be a model.
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(weights));
    assertTrue(e.getMessage().contains("holds weights only") && e.getMessage().contains("--weights"), e.getMessage());
  }

  @Test
  void functionalModelWeightsUseKerasContainerNames() {
    // Keras 3 names a functional model's layers in the file by class: input_layer, conv2d, conv2d_1, add, ...
    Tensor k1 = Tensor.random(1, 0.5, 3, 3, 3, 4);
    Tensor b1 = Tensor.random(2, 0.1, 4);
    Tensor dk = Tensor.random(3, 0.5, 3, 3, 4, 1);
    Tensor db = Tensor.random(4, 0.1, 4);
    Tensor k2 = Tensor.random(5, 0.5, 4, 3);
    Tensor b2 = Tensor.random(6, 0.1, 3);
    Map<String, List<Tensor>> layers = new LinkedHashMap<>();
    layers.put("input_layer", List.of());
    layers.put("conv2d", List.of(k1, b1));
    layers.put("depthwise_conv2d", List.of(dk, db));
    layers.put("add", List.of());
    layers.put("global_average_pooling2d", List.of());
    layers.put("dense", List.of(k2, b2));
    Path file = dir.resolve("functional.weights.h5");
    KerasFixtures.hdf5(file, h5 -> KerasFixtures.keras3Weights(h5, layers, null));
    float[] x = input(2, 6, 6, 3);
    try (Model m = functional(); Model reference = functional()) {
      m.loadWeights(file);
      reference.setWeights(List.of(k1.values(), b1.values(), dk.values(), db.values(), k2.values(), b2.values()));
      float[][] expected = reference.predict(x, 2);
      float[][] actual = m.predict(x, 2);
      for (int i = 0; i < 2; i++) assertArrayEquals(expected[i], actual[i]);
    }
  }

  private static Model functional() {
    SymbolicTensor in = Input.of(6, 6, 3);
    SymbolicTensor c = new Conv2D(4, 3).padding("same").activation("relu").call(in);
    SymbolicTensor d = new DepthwiseConv2D(3).padding("same").call(c);
    SymbolicTensor out = new Dense(3).activation("softmax").call(new GlobalAveragePooling2D().call(new Add().call(c, d)));
    return new Model(in, out);
  }

  // ---- .keras out ---------------------------------------------------------------------------------------

  @Test
  void kerasRoundTripPredictsBitwiseTheSameAndKeepsTheOptimizerState() throws IOException {
    float[] x = input(32, 6, 6, 3);
    int[] y = new int[32];
    for (int i = 0; i < y.length; i++) y[i] = i % 3;
    Path file = dir.resolve("out.keras");
    float[][] before;
    List<float[]> weights;
    try (Sequential s = smallInJava()) {
      s.compile(new Adam(0.002f), new org.cnn4j.losses.SparseCategoricalCrossentropy(), "accuracy");
      s.classNames(List.of("a", "b", "c"));
      s.fit(x, y, new FitOptions().batchSize(8).epochs(1).verbose(0));
      before = s.predict(x, 8);
      weights = s.getWeights();
      s.save(file);
      try (Model back = Model.load(file)) {
        assertEquals(List.of("a", "b", "c"), back.classNames());
        float[][] after = back.predict(x, 8);
        for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i]);
        for (int i = 0; i < weights.size(); i++) assertArrayEquals(weights.get(i), back.getWeights().get(i));
        assertEquals(4, back.optimizer().iterations());
        List<Parameter> a = s.arena().trainableParameters();
        List<Parameter> b = back.arena().trainableParameters();
        for (int i = 0; i < a.size(); i++) {
          for (String slot : List.of("m", "v")) {
            assertArrayEquals(s.arena().getSlot(a.get(i), slot), back.arena().getSlot(b.get(i), slot));
          }
        }
      }
    }
    // The layout Keras 3 reads: zip entries, metadata, layers/<class>/vars/<i>, optimizer/vars/<i>.
    try (ZipFile zip = new ZipFile(file.toFile())) {
      assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"),
          zip.stream().map(e -> e.getName()).toList());
      String meta = new String(zip.getInputStream(zip.getEntry("metadata.json")).readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(meta.contains("\"keras_version\": \"3.16.0\""), meta);
      byte[] h5 = zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes();
      try (HdfFile f = HdfFile.fromBytes(h5)) {
        Dataset kernel = f.getDatasetByPath("layers/conv2d/vars/0");
        assertArrayEquals(new int[] {3, 3, 3, 4}, kernel.getDimensions());
        assertArrayEquals(weights.get(0), (float[]) kernel.getDataFlat());
        assertArrayEquals(weights.get(5), (float[]) f.getDatasetByPath("layers/batch_normalization/vars/3")
            .getDataFlat()); // moving_variance
        assertEquals("conv2d", f.getByPath("layers/conv2d/vars").getAttribute("name").getData());
        assertEquals(4L, f.getDatasetByPath("optimizer/vars/0").getData());
        assertEquals(0.002f, f.getDatasetByPath("optimizer/vars/1").getData());
        assertEquals(2 + 2 * 6, ((io.jhdf.api.Group) f.getByPath("optimizer/vars")).getChildren().size());
        assertNull(((io.jhdf.api.Group) f.getChild("layers")).getChild("dropout")); // no weights, no group
      }
    }
  }

  @Test
  void functionalRoundTripAndSgdState() {
    float[] x = input(16, 6, 6, 3);
    int[] y = new int[16];
    for (int i = 0; i < y.length; i++) y[i] = i % 3;
    Path file = dir.resolve("functional.keras");
    try (Model m = functional()) {
      SGD sgd = new SGD(0.05f, 0.9f, true);
      sgd.weightDecay(1e-3f).excludeVectorsFromWeightDecay(); // cnn4j's own: kept in metadata.json
      m.compile(sgd, new org.cnn4j.losses.SparseCategoricalCrossentropy(), "accuracy");
      m.fit(x, y, new FitOptions().batchSize(4).epochs(1).verbose(0));
      m.save(file);
      try (Model back = Model.load(file)) {
        assertTrue(back.functional());
        float[][] a = m.predict(x, 4);
        float[][] b = back.predict(x, 4);
        for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i]);
        assertInstanceOf(SGD.class, back.optimizer());
        assertEquals(4, back.optimizer().iterations());
        assertEquals(1e-3f, back.optimizer().weightDecay());
        assertTrue(back.optimizer().weightDecayExcludesVectors());
        Parameter p = m.arena().trainableParameters().get(0);
        assertArrayEquals(m.arena().getSlot(p, "momentum"),
            back.arena().getSlot(back.arena().trainableParameters().get(0), "momentum"));
      }
    }
  }

  @Test
  void savingAsH5IsRefused() {
    try (Sequential s = smallInJava()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.save(dir.resolve("m.h5")));
      assertTrue(e.getMessage().contains(".keras"), e.getMessage());
    }
  }

  // ---- malformed files ----------------------------------------------------------------------------------

  private static String refused(Path file) {
    return assertThrows(ModelFormatException.class, () -> Model.load(file).close()).getMessage();
  }

  @Test
  void zipEntryLeavingTheFolderIsRefused() throws IOException {
    SmallWeights w = new SmallWeights();
    Path h5 = dir.resolve("w.h5");
    KerasFixtures.hdf5(h5, f -> KerasFixtures.keras3Weights(f, w.keras3(), null));
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("config.json", SMALL.replace("COMPILE", "").getBytes(StandardCharsets.UTF_8));
    entries.put("model.weights.h5", Files.readAllBytes(h5));
    entries.put("../../evil.sh", "echo".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("evil.keras");
    KerasFixtures.zip(file, entries);
    String m = refused(file);
    assertTrue(m.contains("'../../evil.sh' would leave the archive's folder"), m);
    assertTrue(Files.notExists(dir.getParent().getParent().resolve("evil.sh")));
  }

  @Test
  void truncatedFilesAreRefused() throws IOException {
    Path keras = smallKeras("whole.keras", null);
    byte[] b = Files.readAllBytes(keras);
    Path cut = dir.resolve("cut.keras");
    Files.write(cut, Arrays.copyOf(b, b.length / 2));
    String m = refused(cut);
    assertTrue(m.contains("cut.keras") && (m.contains("truncated") || m.contains("corrupt")), m);

    Path h5 = smallWeightsH5("whole.h5");
    byte[] hb = Files.readAllBytes(h5);
    Path cutH5 = dir.resolve("cut.h5");
    Files.write(cutH5, Arrays.copyOf(hb, hb.length * 2 / 3));
    try (Sequential s = smallInJava()) {
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> s.loadWeights(cutH5));
      assertTrue(e.getMessage().contains("cut.h5"), e.getMessage());
    }
  }

  @Test
  void wrongShapeNamesTheLayerAndBothShapes() throws IOException {
    SmallWeights w = new SmallWeights();
    Map<String, List<Tensor>> layers = w.keras3();
    layers.put("dense", List.of(Tensor.random(1, 1, 35, 3), w.denseBias));
    Path file = dir.resolve("shape.keras");
    KerasFixtures.keras(file, SMALL.replace("COMPILE", ""), h5 -> KerasFixtures.keras3Weights(h5, layers, null));
    String m = refused(file);
    assertTrue(m.contains("layer 'dense' kernel") && m.contains("[35, 3]") && m.contains("[36, 3]"), m);
  }

  @Test
  void missingGroupsAndCountsAreRefused() throws IOException {
    SmallWeights w = new SmallWeights();
    Map<String, List<Tensor>> layers = w.keras3();
    layers.remove("batch_normalization");
    Path file = dir.resolve("missing.keras");
    KerasFixtures.keras(file, SMALL.replace("COMPILE", ""), h5 -> KerasFixtures.keras3Weights(h5, layers, null));
    String m = refused(file);
    assertTrue(m.contains("layer 'batch_normalization'") && m.contains("no group /layers/batch_normalization"), m);

    // Keras 2: layer_names lists a layer whose group is missing.
    Path h5 = dir.resolve("missing.h5");
    KerasFixtures.hdf5(h5, f -> {
      f.putAttribute("layer_names", new String[] {"conv2d", "batch_normalization", "dense"});
      KerasFixtures.keras2Weights(f.putGroup("unused"), List.of("conv2d"), w.keras2());
    });
    try (Sequential s = smallInJava()) {
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> s.loadWeights(h5));
      assertTrue(e.getMessage().contains("layer_names lists 'conv2d'"), e.getMessage());
    }
    // A .keras file without its weights.
    Path noWeights = dir.resolve("noweights.keras");
    KerasFixtures.zip(noWeights, Map.of("config.json", SMALL.replace("COMPILE", "").getBytes(StandardCharsets.UTF_8),
        "model.weights.npz", new byte[8]));
    String n = refused(noWeights);
    assertTrue(n.contains("no model.weights.h5") && n.contains("npz"), n);
  }

  /** A whole-model .h5 of the small model: model_config, then what {@code weights} writes (or nothing). */
  private Path smallWholeH5(String name, java.util.function.Consumer<io.jhdf.WritableHdfFile> weights) {
    Path file = dir.resolve(name);
    KerasFixtures.hdf5(file, h5 -> {
      h5.putAttribute("model_config", SMALL.replace("COMPILE", ""));
      h5.putAttribute("keras_version", "3.16.0");
      weights.accept(h5);
    });
    return file;
  }

  @Test
  void malformedWholeModelH5IsRefused() throws IOException {
    SmallWeights w = new SmallWeights();
    List<String> names = List.of("conv2d", "batch_normalization", "max_pooling2d", "dropout", "flatten", "dense");
    Path good = smallWholeH5("good.h5", h5 -> KerasFixtures.keras2Weights(h5.putGroup("model_weights"), names,
        w.keras2()));
    float[] x = input(2, 6, 6, 3);
    try (Model m = Model.load(good)) {
      assertNull(m.optimizer());
      assertClose(w.expected(x, 2), m.predict(x, 2), 1e-5);
    }
    String none = refused(smallWholeH5("none.h5", h5 -> h5.putGroup("other").putDataset("x", new float[] {1})));
    assertTrue(none.contains("holds no Keras weights"), none);

    Map<String, Map<String, Tensor>> bad = w.keras2();
    bad.put("batch_normalization", ordered("batch_normalization/gamma:0", w.gamma, "batch_normalization/beta:0",
        w.beta, "batch_normalization/moving_mean:0", w.mean, "batch_normalization/moving_variance:0",
        Tensor.random(1, 1, 5)));
    String shape = refused(smallWholeH5("shape.h5", h5 -> KerasFixtures.keras2Weights(h5.putGroup("model_weights"),
        names, bad)));
    assertTrue(shape.contains("layer 'batch_normalization' moving_variance") && shape.contains("[5]")
        && shape.contains("[4]"), shape);

    Map<String, Map<String, Tensor>> fewer = w.keras2();
    fewer.put("batch_normalization", ordered("batch_normalization/gamma:0", w.gamma, "batch_normalization/beta:0",
        w.beta));
    String count = refused(smallWholeH5("count.h5", h5 -> KerasFixtures.keras2Weights(h5.putGroup("model_weights"),
        names, fewer)));
    assertTrue(count.contains("holds 2 weights") && count.contains("the layer has 4"), count);

    byte[] b = Files.readAllBytes(good);
    Path cut = dir.resolve("cut-whole.h5");
    Files.write(cut, Arrays.copyOf(b, b.length - 200));
    String m = refused(cut);
    assertTrue(m.contains("cut-whole.h5"), m);
  }

  @Test
  void integerWeightsAndLambdaLayersAreRefused() throws IOException {
    SmallWeights w = new SmallWeights();
    Path file = dir.resolve("int.keras");
    KerasFixtures.keras(file, SMALL.replace("COMPILE", ""), h5 -> {
      Map<String, List<Tensor>> rest = new LinkedHashMap<>(w.keras3());
      rest.remove("dense");
      KerasFixtures.keras3Weights(h5, rest, null);
      WritableGroup vars = ((WritableGroup) h5.getChild("layers")).putGroup("dense").putGroup("vars");
      vars.putDataset("0", new int[36][3]);
      vars.putDataset("1", new int[3]);
    });
    String m = refused(file);
    assertTrue(m.contains("layer 'dense' kernel") && m.contains("int32"), m);

    String lambda = SMALL.replace("COMPILE", "").replace("\"class_name\": \"Dropout\", \"config\": {",
        "\"class_name\": \"Lambda\", \"config\": {\"function\": \"4wEAAAAAAAAA\", ");
    Path l = dir.resolve("lambda.keras");
    KerasFixtures.keras(l, lambda, h5 -> KerasFixtures.keras3Weights(h5, w.keras3(), null));
    String lm = refused(l);
    assertTrue(lm.contains("\"Lambda\" is not supported"), lm);
  }

  @Test
  void kerasSnakeCaseNames() {
    assertEquals("conv2d", KerasWeights.snakeCase("Conv2D"));
    assertEquals("batch_normalization", KerasWeights.snakeCase("BatchNormalization"));
    assertEquals("depthwise_conv2d", KerasWeights.snakeCase("DepthwiseConv2D"));
    assertEquals("max_pooling2d", KerasWeights.snakeCase("MaxPooling2D"));
    assertEquals("global_average_pooling2d", KerasWeights.snakeCase("GlobalAveragePooling2D"));
    assertEquals("re_lu", KerasWeights.snakeCase("ReLU"));
    assertEquals("input_layer", KerasWeights.snakeCase("InputLayer"));
    Map<String, Integer> used = new java.util.HashMap<>();
    assertEquals(List.of("dense", "dense_1", "dense_2"), List.of(KerasWeights.uniqueName("dense", used),
        KerasWeights.uniqueName("dense", used), KerasWeights.uniqueName("dense", used)));
  }

  @Test
  void legacyOptimizerWeightNames() {
    Adam adam = new Adam();
    assertEquals("iterations", KerasWeights.slotKind("Adam/iter:0", adam));
    assertEquals("iterations", KerasWeights.slotKind("iteration:0", adam));
    assertEquals("m", KerasWeights.slotKind("Adam/dense/kernel/m:0", adam));        // TF 2 legacy optimizer
    assertEquals("v", KerasWeights.slotKind("Adam/v/dense/kernel:0", adam));        // tf.keras 2.11+
    assertEquals("m", KerasWeights.slotKind("adam/dense_kernel_momentum", adam));   // Keras 3's legacy h5
    assertEquals("v", KerasWeights.slotKind("adam/dense_kernel_velocity", adam));
    assertEquals("learning_rate", KerasWeights.slotKind("adam/learning_rate", adam));
    assertEquals("?", KerasWeights.slotKind("Adam/dense/kernel/vhat:0", adam));     // amsgrad
    SGD sgd = new SGD(0.1f, 0.9f, false);
    assertEquals("momentum", KerasWeights.slotKind("SGD/dense/kernel/momentum:0", sgd));
    assertEquals("momentum", KerasWeights.slotKind("sgd/dense_kernel_momentum", sgd));
  }

  @Test
  void zooModelRoundTrip() {
    try (Model m = Models.resnet(20, 8, 8, 3, 4)) {
      Path file = dir.resolve("resnet.keras");
      m.save(file);
      float[] x = input(2, 8, 8, 3);
      try (Model back = Model.load(file)) {
        float[][] a = m.predict(x, 2);
        float[][] b = back.predict(x, 2);
        for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i]);
      }
    }
  }
}
