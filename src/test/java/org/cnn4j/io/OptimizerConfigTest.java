package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipFile;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.losses.CategoricalCrossentropy;
import org.cnn4j.losses.Loss;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.AdamW;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;
import org.cnn4j.optim.schedules.CosineDecay;
import org.cnn4j.optim.schedules.ExponentialDecay;
import org.cnn4j.optim.schedules.OneCycle;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules, weight decay and label smoothing in model files, in Keras 3's serialized form. */
class OptimizerConfigTest {
  private static final int N = 48;
  private static final float[] X = new float[N * 4 * 4 * 2];
  private static final int[] Y = new int[N];

  static {
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < X.length; i++) X[i] = (float) r.nextDouble();
    for (int i = 0; i < N; i++) Y[i] = r.nextInt(3);
  }

  @TempDir Path dir;

  private static Sequential model(Optimizer o, Loss loss) {
    Sequential m = new Sequential("tiny");
    m.add(new Conv2D(4, 3).padding("same").activation("relu").inputShape(4, 4, 2));
    m.add(new Flatten());
    m.add(new Dense(9).activation("relu"));
    m.add(new Dense(3).activation("softmax"));
    m.seed(5).compile(o, loss, "accuracy");
    return m;
  }

  @Test
  void scheduleWeightDecayAndSmoothingRoundTripAndTrainingContinuesBitwise() throws IOException {
    Path file = dir.resolve("m.cnn4j");
    Optimizer sgd = new SGD(new CosineDecay(0.01, 20).warmup(0.2, 4), 0.9f, true).weightDecay(5e-3f)
        .excludeVectorsFromWeightDecay().excludeFromWeightDecay("dense_1/kernel");
    try (Sequential m = model(sgd, new SparseCategoricalCrossentropy(false, 0.1f))) {
      m.fit(X, Y, new FitOptions().batchSize(16).epochs(2));
      m.save(file);
      JsonNode opt = metadata(file).path("training").path("optimizer");
      assertEquals("SGD", opt.path("class_name").asText());
      JsonNode lr = opt.path("config").path("learning_rate");
      assertEquals("keras.optimizers.schedules", lr.path("module").asText());
      assertEquals("CosineDecay", lr.path("class_name").asText());
      assertEquals(0.2, lr.path("config").path("warmup_target").asDouble());
      assertEquals(4, lr.path("config").path("warmup_steps").asLong());
      assertEquals(0.005, opt.path("config").path("weight_decay").asDouble(), 1e-9);
      assertEquals(0.1, metadata(file).path("training").path("loss").path("config").path("label_smoothing")
          .asDouble(), 1e-9);
      try (LoadedModel l = ModelFile.load(file)) {
        Optimizer back = l.model().optimizer();
        assertInstanceOf(SGD.class, back);
        assertEquals(sgd.schedule().config(), back.schedule().config());
        assertEquals(5e-3f, back.weightDecay());
        assertEquals(List.of("dense_1/kernel"), back.weightDecayExclusions());
        assertTrue(back.weightDecayExcludesVectors());
        assertEquals(0.1f, l.model().loss().labelSmoothing());
        FitOptions more = new FitOptions().batchSize(16).epochs(3).initialEpoch(2);
        m.fit(X, Y, more);
        l.model().fit(X, Y, more);
        List<float[]> a = m.getWeights();
        List<float[]> b = l.model().getWeights();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "tensor " + i);
        assertEquals(m.optimizer().learningRate(m.counter().get()),
            l.model().optimizer().learningRate(l.model().counter().get()));
      }
    }
  }

  @Test
  void adamWWithOneCycleAndCategoricalSmoothingRoundTrip() throws IOException {
    Path file = dir.resolve("adamw.cnn4j");
    try (Sequential m = model(new AdamW(new OneCycle(0.01, 30), 0.01f), new CategoricalCrossentropy(false, 0.2f))) {
      m.fit(X, Y, new FitOptions().batchSize(16).epochs(1));
      m.save(file);
      JsonNode opt = metadata(file).path("training").path("optimizer");
      assertEquals("AdamW", opt.path("class_name").asText());
      assertEquals("cnn4j>OneCycle", opt.path("config").path("learning_rate").path("registered_name").asText());
      try (LoadedModel l = ModelFile.load(file)) {
        assertInstanceOf(AdamW.class, l.model().optimizer());
        assertEquals(m.optimizer().config(), l.model().optimizer().config());
        assertEquals(0.01f, l.model().optimizer().weightDecay());
        assertEquals(0.2f, l.model().loss().labelSmoothing());
        assertInstanceOf(CategoricalCrossentropy.class, l.model().loss());
      }
    }
  }

  /** Keras's sparse loss refuses label_smoothing: a .keras file keeps it in cnn4j's metadata, not the config. */
  @Test
  void sparseSmoothingInAKerasFileLivesInMetadata() throws IOException {
    Path file = dir.resolve("smooth.keras");
    try (Sequential m = model(new SGD(0.05f, 0.9f, true), new SparseCategoricalCrossentropy(true, 0.1f))) {
      m.fit(X, Y, new FitOptions().batchSize(16).epochs(1));
      m.save(file);
    }
    JsonNode loss;
    try (ZipFile z = new ZipFile(file.toFile())) {
      String text = new String(z.getInputStream(z.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
      loss = Json.parse(text, "config.json").path("compile_config").path("loss");
    }
    assertEquals("SparseCategoricalCrossentropy", loss.path("class_name").asText());
    assertTrue(loss.path("config").path("from_logits").asBoolean());
    assertFalse(loss.path("config").has("label_smoothing"), loss.toString());
    assertEquals(0.1, metadata(file).path("cnn4j").path("label_smoothing").asDouble(), 1e-9);
    try (Model back = Model.load(file)) {
      assertInstanceOf(SparseCategoricalCrossentropy.class, back.loss());
      assertEquals(0.1f, back.loss().labelSmoothing());
      assertTrue(back.loss().fromLogits());
      assertEquals(List.of("accuracy"), back.metrics());
    }
  }

  @Test
  void kerasCompileConfigWithAScheduleIsRead() {
    String json = """
        {"optimizer": {"module": "keras.optimizers", "class_name": "SGD", "config": {"name": "SGD",
          "learning_rate": {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
            "config": {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96,
              "staircase": true, "name": "ExponentialDecay"}, "registered_name": null},
          "weight_decay": 0.0005, "momentum": 0.9, "nesterov": false},
          "registered_name": null},
         "loss": {"module": "keras.losses", "class_name": "CategoricalCrossentropy", "config": {
           "name": "categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": false,
           "label_smoothing": 0.1, "axis": -1}, "registered_name": null},
         "metrics": ["accuracy"]}""";
    CompileSettings c = CompileSettings.fromJson(Json.parse(json, "test"), "test");
    assertInstanceOf(ExponentialDecay.class, c.optimizer().schedule());
    assertEquals(0.1 * Math.pow(0.96, 2), c.optimizer().schedule().at(2500), 1e-12);
    assertEquals(5e-4f, c.optimizer().weightDecay());
    assertEquals(0.1f, c.loss().labelSmoothing());
  }

  @Test
  void unsupportedSchedulesAreNamed() {
    String json = """
        {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam",
          "learning_rate": {"module": "keras.optimizers.schedules", "class_name": "PolynomialDecay",
            "config": {"initial_learning_rate": 0.1}}}}, "loss": "categorical_crossentropy"}""";
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> CompileSettings.fromJson(Json.parse(json, "test"), "test"));
    assertTrue(e.getMessage().contains("test: optimizer: learning_rate: PolynomialDecay: learning-rate schedule "
        + "PolynomialDecay is not supported"), e.getMessage());
    String bad = json.replace("PolynomialDecay", "CosineDecay");
    e = assertThrows(ModelFormatException.class, () -> CompileSettings.fromJson(Json.parse(bad, "test"), "test"));
    assertTrue(e.getMessage().contains("lacks \"decay_steps\""), e.getMessage());
  }

  private static JsonNode metadata(Path file) throws IOException {
    try (ZipFile z = new ZipFile(file.toFile())) {
      String text = new String(z.getInputStream(z.getEntry("metadata.json")).readAllBytes(), StandardCharsets.UTF_8);
      return Json.parse(text, file.toString());
    }
  }
}
