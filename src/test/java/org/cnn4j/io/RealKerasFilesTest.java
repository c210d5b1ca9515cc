package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.cnn4j.model.History;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Recipe;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files that Keras itself wrote (Keras 3.15.1 on JAX; src/test/resources/keras/real/make-fixtures.py): a small
 * Sequential CNN with Adam, a small ResNet v1 with SGD on a warm-up cosine schedule, and a two-branch model with
 * AdamW, each as .keras, whole-model .h5, to_json with save_weights. cnn4j must predict what Keras predicted,
 * restore the optimizer's step and rate, and take the next training step as Keras took it. The .keras files
 * cnn4j writes back are left in target/real-keras/ for the opposite check with Keras
 * (src/test/resources/keras/real/check-cnn4j-files.py).
 */
class RealKerasFilesTest {
  private static final Path DIR = resource();
  private static final JsonNode INFO = info();
  private static final Path OUT = Path.of("target", "real-keras");

  private static Path resource() {
    try {
      return Path.of(RealKerasFilesTest.class.getResource("/keras/real/info.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode info() {
    try {
      return Json.parse(Json.readText(DIR.resolve("info.json")), "info.json");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names under {@code group} ("models" or "script") in info.json. */
  private static Stream<String> names(String group) {
    List<String> names = new ArrayList<>();
    INFO.get(group).fieldNames().forEachRemaining(names::add);
    return names.stream();
  }

  static Stream<Arguments> files() {
    return models().flatMap(name -> Stream.of(Arguments.of(name, name + ".keras"), Arguments.of(name, name + ".h5")));
  }

  static Stream<String> models() {
    return names("models");
  }

  /** The models Keras took one more step with (not the one with Dropout, whose masks differ by framework). */
  static Stream<String> steppedModels() {
    return models().filter(name -> !INFO.get("models").get(name).get("step").isNull());
  }

  static float[] floats(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / Float.BYTES];
    b.asFloatBuffer().get(f);
    return f;
  }

  private static void assertClose(float[] want, float[][] got, double tolerance, String what) {
    int k = 0;
    for (float[] row : got) {
      for (float v : row) {
        assertEquals(want[k], v, tolerance, what + ": output " + k);
        k++;
      }
    }
    assertEquals(want.length, k, what + ": output count");
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("files")
  void predictsAsKerasAndRestoresTheOptimizer(String name, String file) throws IOException {
    JsonNode m = INFO.get("models").get(name);
    int n = INFO.get("samples").intValue();
    try (Model model = Model.load(DIR.resolve(file))) {
      assertClose(floats(DIR.resolve(name + ".predictions.f32")),
          model.predict(floats(DIR.resolve(name + ".inputs.f32")), n), 1e-5, file);
      assertEquals(m.get("params").longValue(), model.countParams(), file + ": parameters");
      assertEquals(m.get("optimizer").textValue(), model.optimizer().getClass().getSimpleName(), file);
      assertEquals(m.get("iterations").longValue(), model.optimizer().iterations(), file + ": iterations");
      assertEquals(m.get("learning_rate").doubleValue(), model.optimizer().learningRate(), 1e-7,
          file + ": learning rate at the saved step");
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void jsonWithSavedWeightsPredictsAsKeras(String name) throws IOException {
    int n = INFO.get("samples").intValue();
    try (Model model = KerasModelConfig.fromJson(DIR.resolve(name + ".json"))) {
      model.loadWeights(DIR.resolve(name + ".weights.h5"));
      assertClose(floats(DIR.resolve(name + ".predictions.f32")),
          model.predict(floats(DIR.resolve(name + ".inputs.f32")), n), 1e-5, name + ".json");
    }
  }

  static Stream<String> scriptResNets() {
    return names("script");
  }

  /**
   * ResNets laid out as Keras's cifar10_resnet.py builds them (v1 depth 8, v2 depth 11), trained a few steps in
   * Keras: the zoo's model of that depth has their parameter count, takes their weights by Keras's layer names
   * (as {@code cnn4j predict --model resnet20 --weights model.keras} does), and predicts what Keras predicted;
   * the file's own graph, loaded as it is, predicts the same.
   */
  @ParameterizedTest
  @MethodSource("scriptResNets")
  void zooResNetsTakeTheWeightsOfKerasScriptModels(String name) throws IOException {
    JsonNode m = INFO.get("script").get(name);
    int n = INFO.get("samples").intValue();
    float[] x = floats(DIR.resolve(name + ".inputs.f32"));
    float[] want = floats(DIR.resolve(name + ".predictions.f32"));
    int depth = m.get("depth").intValue();
    try (Model zoo = m.get("zoo").textValue().equals("v1") ? Models.resnet(depth, 32, 32, 3, 10)
        : Models.resnetV2(depth, 32, 32, 3, 10)) {
      assertEquals(m.get("params").longValue(), zoo.countParams(), name + ": parameters");
      zoo.loadWeights(DIR.resolve(name + ".keras"));
      assertClose(want, zoo.predict(x, n), 1e-5, name + " in the zoo model");
    }
    try (Model file = Model.load(DIR.resolve(name + ".keras"))) {
      assertClose(want, file.predict(x, n), 1e-5, name + " as loaded");
    }
  }

  /** The step Keras took after saving (train_on_batch on the inputs), taken by cnn4j from the loaded file. */
  @ParameterizedTest
  @MethodSource("steppedModels")
  void nextTrainingStepMatchesKeras(String name) throws IOException {
    JsonNode step = INFO.get("models").get(name).get("step");
    int n = INFO.get("samples").intValue();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = step.get("labels").get(i).intValue();
    float[] x = floats(DIR.resolve(name + ".inputs.f32"));
    try (Model model = Model.load(DIR.resolve(name + ".keras"))) {
      History h = model.fit(x, labels, new FitOptions().batchSize(n).epochs(1).shuffle(false).verbose(0));
      assertEquals(step.get("loss").doubleValue(), h.get("loss")[0], 1e-4, name + ": loss of the step");
      assertClose(floats(DIR.resolve(name + ".after-step.f32")), model.predict(x, n), 2e-5,
          name + ": predictions after the step");
      assertEquals(INFO.get("models").get(name).get("iterations").longValue() + 1, model.optimizer().iterations());
    }
  }

  /** cnn4j's own .keras copy reads back the same; it is kept for check-cnn4j-files.py. */
  @ParameterizedTest
  @MethodSource("models")
  void savesAKerasFileThatReadsBackTheSame(String name) throws IOException {
    int n = INFO.get("samples").intValue();
    float[] x = floats(DIR.resolve(name + ".inputs.f32"));
    Files.createDirectories(OUT);
    Path copy = OUT.resolve(name + ".keras");
    float[][] before;
    try (Model model = Model.load(DIR.resolve(name + ".keras"))) {
      before = model.predict(x, n);
      model.save(copy);
    }
    Files.copy(DIR.resolve(name + ".inputs.f32"), OUT.resolve(name + ".inputs.f32"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.write(OUT.resolve(name + ".predictions.f32"), bytes(before));
    try (Model back = Model.load(copy)) {
      float[][] after = back.predict(x, n);
      for (int i = 0; i < n; i++) assertTrue(Arrays.equals(before[i], after[i]), name + ": row " + i);
      assertEquals(INFO.get("models").get(name).get("iterations").longValue(), back.optimizer().iterations());
    }
  }

  /**
   * A zoo ResNet compiled as each recipe compiles it (schedules, weight decay with exclusions, label smoothing),
   * trained a little, saved as .keras beside the others for check-cnn4j-files.py, and read back the same.
   */
  @ParameterizedTest
  @MethodSource("recipes")
  void recipeModelsSaveForKeras(String recipe) throws IOException {
    Recipe r = Recipe.named(recipe);
    int n = 8;
    float[] x = new float[n * 16 * 16 * 3];
    int[] y = new int[n];
    SplittableRandom random = new SplittableRandom(12);
    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble();
    for (int i = 0; i < n; i++) y[i] = i % 10;
    Files.createDirectories(OUT);
    Path file = OUT.resolve(recipe + ".keras");
    float[][] before;
    try (Model model = Models.resnet(8, 16, 16, 3, 10)) {
      r.compile(model, r.learningRate(), 2, 4);
      model.fit(x, y, new FitOptions().batchSize(2).epochs(1).shuffle(false).verbose(0));
      before = model.predict(x, n);
      model.save(file);
    }
    Files.write(OUT.resolve(recipe + ".inputs.f32"), bytes(new float[][] {x}));
    Files.write(OUT.resolve(recipe + ".predictions.f32"), bytes(before));
    try (Model back = Model.load(file)) {
      float[][] after = back.predict(x, n);
      for (int i = 0; i < n; i++) assertTrue(Arrays.equals(before[i], after[i]), recipe + ": row " + i);
      assertEquals(r.loss().labelSmoothing(), back.loss().labelSmoothing(), recipe + ": label smoothing");
      assertEquals(4, back.optimizer().iterations());
    }
  }

  static Stream<String> recipes() {
    return Recipe.all().stream().map(Recipe::name);
  }

  private static byte[] bytes(float[][] rows) {
    ByteBuffer b = ByteBuffer.allocate(rows.length * rows[0].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : rows) for (float v : r) b.putFloat(v);
    return b.array();
  }
}
