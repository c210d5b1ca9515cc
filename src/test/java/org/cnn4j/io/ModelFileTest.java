package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DenseInput;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.model.Model;
import org.cnn4j.layers.ReLU;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.SGD;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  private static final int N = 64;
  private static final float[] X = new float[N * 8 * 8 * 3];
  private static final int[] Y = new int[N];

  @TempDir Path dir;

  @BeforeAll
  static void data() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < X.length; i++) X[i] = (float) r.nextDouble();
    for (int i = 0; i < N; i++) Y[i] = r.nextInt(3);
  }

  /** Conv (16 channels: oneDNN picks a blocked layout), pool, dropout, flatten, dense: every layout path. */
  private static Sequential small() {
    Sequential m = new Sequential("small");
    m.add(new Conv2D(16, 3).padding("same").activation("relu").inputShape(8, 8, 3));
    m.add(new MaxPool2D(2));
    m.add(new Dropout(0.25));
    m.add(new Flatten());
    m.add(new Dense(16).activation("relu"));
    m.add(new Dense(3).activation("softmax"));
    return m;
  }

  private static Model trained(Path file) {
    Sequential m = small().seed(7);
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    m.fit(X, Y, new FitOptions().batchSize(32).epochs(2));
    if (file != null) ModelFile.save(m, file, TrainingState.atEpoch(2));
    return m;
  }

  /**
   * How Dense read Flatten's output (a 2-D view or the 4-D tensor) is saved and taken
   * again on load, so predictions stay bitwise the same; the file's weights are in
   * Keras's order either way, so a model loaded in the other form has the same weights.
   */
  @Test
  void denseInputFormIsSavedAndRestored() throws IOException {
    List<float[]> reference = null;
    for (DenseInput form : new DenseInput[] {DenseInput.FOUR_D, DenseInput.VIEW}) {
      Path file = dir.resolve(form.keyword() + ".cnn4j");
      try (Sequential m = small().seed(7)) {
        Dense dense = (Dense) m.layers().get(4);
        dense.inputLayout(form);
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        if (reference == null) {
          m.fit(X, Y, new FitOptions().batchSize(32).epochs(1));
          reference = m.getWeights();
        } else {
          m.setWeights(reference); // the other form's Keras weights, as they are
        }
        assertEquals(form, dense.inputLayout());
        for (int i = 0; i < reference.size(); i++) assertArrayEquals(reference.get(i), m.getWeights().get(i));
        float[][] before = m.predict(X, 32);
        ModelFile.save(m, file);
        try (ZipFile z = new ZipFile(file.toFile())) {
          JsonNode meta = new ObjectMapper().readTree(z.getInputStream(z.getEntry("metadata.json")));
          assertEquals(form.keyword(), meta.path("dense_inputs").path("dense").asText());
          assertTrue(meta.path("dense_inputs").path("dense_1").isMissingNode(), "dense_1 has one form only");
        }
        try (LoadedModel l = ModelFile.load(file)) {
          Dense loaded = (Dense) l.model().layers().get(4);
          float[][] after = l.model().predict(X, 32);
          assertEquals(form, loaded.inputLayout());
          assertEquals("saved", loaded.inputChoice().reason());
          for (int i = 0; i < N; i++) assertArrayEquals(before[i], after[i], "sample " + i);
          for (int i = 0; i < reference.size(); i++) {
            assertArrayEquals(reference.get(i), l.model().getWeights().get(i));
          }
        }
      }
    }
    // A file saved in the 4-D form, loaded with the 2-D view forced: the same Keras weights.
    String before = System.getProperty(DenseInput.PROPERTY);
    System.setProperty(DenseInput.PROPERTY, "view");
    try (LoadedModel l = ModelFile.load(dir.resolve("4d.cnn4j"))) {
      assertEquals(DenseInput.VIEW, ((Dense) l.model().layers().get(4)).inputLayout());
      for (int i = 0; i < reference.size(); i++) assertArrayEquals(reference.get(i), l.model().getWeights().get(i));
    } finally {
      if (before == null) System.clearProperty(DenseInput.PROPERTY);
      else System.setProperty(DenseInput.PROPERTY, before);
    }
  }

  @Test
  void badDenseInputsAreRejected() throws IOException {
    Path file = dir.resolve("model.cnn4j");
    try (Model m = trained(file)) {
      assertTrue(m.layers().get(4) instanceof Dense);
    }
    Path form = dir.resolve("form.cnn4j");
    editMetadata(file, form, m -> m.putObject("dense_inputs").put("dense", "3d"));
    assertLoadError(form, "dense_inputs.dense must be \"view\" or \"4d\", got \"3d\"");
    Path layer = dir.resolve("layer.cnn4j");
    editMetadata(file, layer, m -> m.putObject("dense_inputs").put("conv2d", "4d"));
    assertLoadError(layer, "dense_inputs names 'conv2d', which is not a Dense layer of the model");
    Path array = dir.resolve("array.cnn4j");
    editMetadata(file, array, m -> m.putArray("dense_inputs").add("4d"));
    assertLoadError(array, "dense_inputs must be an object");
  }

  @Test
  void loadedModelPredictsBitwiseTheSame() {
    Path file = dir.resolve("model.cnn4j");
    try (Model m = trained(null)) {
      m.optimizer().setLearningRate(2.5e-4f);
      float[][] before = m.predict(X, 32);
      TrainingState state = TrainingState.atEpoch(2)
          .withCallback("early_stopping", Map.of("best", 0.5, "wait", 1))
          .withCallback("history", Map.of("loss", List.of(1.1, 0.9)));
      ModelFile.save(m, file, state);
      try (LoadedModel l = ModelFile.load(file)) {
        Model g = l.model();
        float[][] after = g.predict(X, 32);
        for (int i = 0; i < N; i++) assertArrayEquals(before[i], after[i], "sample " + i);
        assertWeightsEqual(m, g);
        assertEquals(m.summary(), g.summary());
        assertEquals(7, g.seed());
        assertEquals(m.counter().get(), g.counter().get());
        assertEquals(4, g.counter().get(), "2 epochs of 2 batches");
        assertEquals(m.optimizer().config(), g.optimizer().config());
        assertEquals("sparse_categorical_crossentropy", g.loss().name());
        assertEquals(List.of("accuracy"), g.metrics());
        assertEquals(2, l.state().epoch());
        assertEquals(Map.of("early_stopping", Map.of("best", 0.5, "wait", 1L),
            "history", Map.of("loss", List.of(1.1, 0.9))), l.state().callbacks());
        assertEquals(ModelFile.cnn4jVersion(), l.cnn4jVersion());
      }
    }
  }

  @Test
  void resumedTrainingContinuesExactly() {
    Path file = dir.resolve("ckpt.cnn4j");
    try (Model m = trained(file); LoadedModel l = ModelFile.load(file)) {
      FitOptions more = new FitOptions().batchSize(32).epochs(1);
      m.fit(X, Y, more);
      l.model().fit(X, Y, more);
      // Same weights, Adam moments, step count and dropout masks: bitwise the same next epoch.
      assertWeightsEqual(m, l.model());
    }
  }

  /** BatchNormalization's moving statistics travel in weights.bin (Keras's order) and resume bitwise. */
  @Test
  void batchNormalizationStateIsSavedAndResumesExactly() throws IOException {
    Path file = dir.resolve("bn.cnn4j");
    try (Sequential m = new Sequential("bn").seed(3)) {
      m.add(new Conv2D(16, 3).padding("same").useBias(false).kernelRegularizer(1e-3).inputShape(8, 8, 3));
      m.add(new BatchNormalization());
      m.add(new ReLU());
      m.add(new GlobalAveragePooling2D());
      m.add(new Dense(3).activation("softmax"));
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      m.fit(X, Y, new FitOptions().batchSize(32).epochs(1));
      float[] moving = m.getWeights().get(3);
      assertTrue(moving[0] != 0f, "training moved moving_mean");
      ModelFile.save(m, file, TrainingState.atEpoch(1));
      try (LoadedModel l = ModelFile.load(file)) {
        assertWeightsEqual(m, l.model());
        assertEquals(List.of("conv2d/kernel", "batch_normalization/gamma", "batch_normalization/beta",
            "batch_normalization/moving_mean", "batch_normalization/moving_variance", "dense/kernel", "dense/bias"),
            l.model().weightNames());
        float[][] before = m.predict(X, 32);
        float[][] after = l.model().predict(X, 32);
        for (int i = 0; i < N; i++) assertArrayEquals(before[i], after[i], "sample " + i);
        FitOptions more = new FitOptions().batchSize(32).epochs(1);
        m.fit(X, Y, more);
        l.model().fit(X, Y, more);
        assertWeightsEqual(m, l.model());
      }
      try (ZipFile zip = new ZipFile(file.toFile())) {
        String meta = new String(zip.getInputStream(zip.getEntry("metadata.json")).readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
        // Adam's slots hold the 5 trainable tensors only; the moving statistics have none.
        assertEquals(2, meta.split("batch_normalization/moving_mean").length, "in the weights only: " + meta);
        assertEquals(4, meta.split("batch_normalization/gamma").length, "weights, m and v: " + meta);
      }
    }
  }

  @Test
  void sgdMomentumAndUncompiledModelsRoundTrip() {
    Path file = dir.resolve("sgd.cnn4j");
    try (Sequential m = small()) {
      m.compile(new SGD(0.05f, 0.9f, true), new org.cnn4j.losses.SparseCategoricalCrossentropy(), "accuracy");
      m.fit(X, Y, new FitOptions().batchSize(32).epochs(1));
      ModelFile.save(m, file, TrainingState.atEpoch(1));
      try (LoadedModel l = ModelFile.load(file)) {
        assertInstanceOf(SGD.class, l.model().optimizer());
        assertEquals(m.optimizer().config(), l.model().optimizer().config());
        assertWeightsEqual(m, l.model());
      }
    }
    try (Sequential m = small()) {
      float[][] before = m.predict(X, 16);
      ModelFile.save(m, file);
      try (LoadedModel l = ModelFile.load(file)) {
        assertNull(l.model().loss());
        assertTrue(l.model().arena().slotNames().isEmpty());
        assertEquals(0, l.state().epoch());
        float[][] after = l.model().predict(X, 16);
        for (int i = 0; i < N; i++) assertArrayEquals(before[i], after[i]);
      }
    }
  }

  @Test
  void fileHoldsKerasLayoutsAndTheDocumentedMetadata() throws IOException {
    Path file = dir.resolve("model.cnn4j");
    try (Model m = trained(file); ZipFile zip = new ZipFile(file.toFile())) {
      assertEquals(List.of("metadata.json", "config.json", "weights.bin"),
          zip.stream().map(ZipEntry::getName).toList());
      JsonNode meta = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("metadata.json")));
      assertEquals("cnn4j-model", meta.get("format").asText());
      assertEquals(1, meta.get("format_version").asInt());
      for (String k : List.of("cnn4j_version", "created")) assertTrue(meta.has(k), k);
      JsonNode t = meta.get("training");
      assertEquals(2, t.get("epoch").asInt());
      assertEquals(4, t.get("steps").asInt());
      assertEquals(7, t.get("seed").asInt());
      assertEquals("Adam", t.get("optimizer").get("class_name").asText());
      assertEquals("sparse_categorical_crossentropy", t.get("loss").asText());
      JsonNode w = meta.get("weights");
      assertEquals(List.of("m", "v"), iterable(w.get("optimizer_slots").fieldNames()));
      JsonNode first = w.get("tensors").get(0);
      assertEquals("conv2d/kernel", first.get("name").asText());
      assertEquals("[3,3,3,16]", first.get("shape").toString());
      String config = new String(zip.getInputStream(zip.getEntry("config.json")).readAllBytes(),
          StandardCharsets.UTF_8);
      assertEquals(KerasModelConfig.toJson(m), config);
      // weights.bin: Keras's layouts, little-endian float32, weights then m then v.
      byte[] bin = zip.getInputStream(zip.getEntry("weights.bin")).readAllBytes();
      ByteBuffer b = ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN);
      List<float[]> expected = new ArrayList<>(m.getWeights());
      ParameterArena a = m.arena();
      for (String slot : List.of("m", "v")) for (Parameter p : a.parameters()) expected.add(a.getSlot(p, slot));
      for (float[] v : expected) {
        float[] got = new float[v.length];
        b.asFloatBuffer().get(got);
        b.position(b.position() + v.length * 4);
        assertArrayEquals(v, got);
      }
      assertEquals(bin.length, b.position());
    }
  }

  @Test
  void corruptWeightsFailTheirCrc() throws IOException {
    Path good = saved();
    Path bad = dir.resolve("bad.cnn4j");
    edit(good, bad, e -> e.get("weights.bin")[40] ^= 1); // zip CRC recomputed: only cnn4j's CRC can tell
    assertLoadError(bad, "tensor 'conv2d/kernel' (bytes 0 to 1728 of weights.bin) fails its CRC32 check: "
        + "the file is corrupt");
    byte[] raw = Files.readAllBytes(good);
    raw[dataOffset(raw, "weights.bin") + 3000] ^= 0x10; // in place, as a disk error would
    Files.write(bad, raw);
    assertLoadError(bad, "fails its CRC32 check");
    raw = Files.readAllBytes(good);
    raw[dataOffset(raw, "metadata.json") + 20] ^= 0x01;
    Files.write(bad, raw);
    assertLoadError(bad, "metadata.json fails its CRC32 check: the file is corrupt");
  }

  @Test
  void truncatedAndForeignFilesAreRefused() throws IOException {
    Path good = saved();
    Path bad = dir.resolve("bad.cnn4j");
    byte[] raw = Files.readAllBytes(good);
    Files.write(bad, Arrays.copyOf(raw, raw.length / 2));
    assertLoadError(bad, bad + ": not a cnn4j model file: not a zip archive, or truncated");
    Files.writeString(bad, "{\"class_name\": \"Sequential\"}");
    assertLoadError(bad, "not a zip archive");
    zip(bad, Map.of("hello.txt", new byte[] {1}));
    assertLoadError(bad, bad + ": not a cnn4j model file: unexpected entries [hello.txt] (a cnn4j model file holds "
        + "exactly metadata.json, config.json, weights.bin)");
    zip(bad, Map.of("metadata.json", "{}".getBytes(StandardCharsets.UTF_8), "config.json", new byte[0],
        "model.weights.h5", new byte[8]));
    assertLoadError(bad, "this is a Keras .keras file");
    edit(good, bad, e -> e.put("../../escape.sh", new byte[] {'#'}));
    assertLoadError(bad, "unexpected entries [../../escape.sh]");
    assertTrue(Files.notExists(dir.resolve("../../escape.sh").normalize()));
    edit(good, bad, e -> e.remove("weights.bin"));
    assertLoadError(bad, "not a cnn4j model file, or an incomplete one: no weights.bin");
    edit(good, bad, e -> e.put("weights.bin", Arrays.copyOf(e.get("weights.bin"), e.get("weights.bin").length - 4)));
    assertLoadError(bad, "but weights.bin holds 55328 bytes (the file is truncated or corrupt)");
    assertLoadError(dir.resolve("missing.cnn4j"), "no such model file");
    assertLoadError(dir, "is a directory");
  }

  @Test
  void unknownFormatVersionsAreRefused() throws IOException {
    Path good = saved();
    Path bad = dir.resolve("bad.cnn4j");
    editMetadata(good, bad, m -> m.put("format_version", 2));
    assertLoadError(bad, bad + ": metadata.json: format_version 2 (written by cnn4j " + ModelFile.cnn4jVersion()
        + ") is newer than this cnn4j (" + ModelFile.cnn4jVersion() + ") reads (up to 1); upgrade cnn4j to load it");
    editMetadata(good, bad, m -> m.put("format_version", "one"));
    assertLoadError(bad, "bad format_version \"one\"");
    editMetadata(good, bad, m -> m.put("format", "keras"));
    assertLoadError(bad, "not a cnn4j model file (\"format\" is \"keras\", expected \"cnn4j-model\")");
    editMetadata(good, bad, m -> ((ObjectNode) m.get("weights")).put("byte_order", "big_endian"));
    assertLoadError(bad, "weights.byte_order is \"big_endian\"; this cnn4j reads \"little_endian\"");
    editMetadata(good, bad, m -> ((ObjectNode) m.get("weights")).put("bytes", 1_000_000_000_000_000L));
    assertLoadError(bad, "weights.bytes is 1000000000000000 but weights.bin holds ");
  }

  @Test
  void weightsThatDoNotFitTheArchitectureAreRefused() throws IOException {
    Path good = saved();
    Path bad = dir.resolve("bad.cnn4j");
    editText(good, bad, "config.json", s -> s.replace("\"units\": 16", "\"units\": 8"));
    assertLoadError(bad, bad + ": weights: tensor 2 is 'dense/kernel' of shape [256, 16] but the architecture in "
        + "config.json has 'dense/kernel' of shape [256, 8]");
    editText(good, bad, "config.json", s -> s.replace("\"units\": 3, \"activation\": \"softmax\", \"use_bias\": true",
        "\"units\": 3, \"activation\": \"softmax\", \"use_bias\": false"));
    assertLoadError(bad, "weights: the file holds 6 tensors but the architecture in config.json has 5 "
        + "[conv2d/kernel, conv2d/bias, dense/kernel, dense/bias, dense_1/kernel]");
    editText(good, bad, "config.json",
        s -> s.replace("\"class_name\": \"Dropout\"", "\"class_name\": \"GaussianNoise\""));
    assertLoadError(bad, bad + ": config.json: layer 3 'dropout' (GaussianNoise): the layer class \"GaussianNoise\" "
        + "is not supported");
    editMetadata(good, bad, m -> {
      ObjectNode slots = (ObjectNode) m.get("weights").get("optimizer_slots");
      slots.set("velocity", slots.remove("v"));
    });
    assertLoadError(bad, "optimizer slot 'velocity' does not belong to the optimizer adam");
    editMetadata(good, bad, m -> ((ObjectNode) m.get("weights").get("tensors").get(1)).put("length", 60));
    assertLoadError(bad, "weights.tensors[1] 'conv2d/bias': length 60 does not fit shape [16] of float32 (64 bytes)");
  }

  @Test
  void failedSavesLeaveThePreviousFileIntact() throws IOException {
    Path file = saved();
    byte[] good = Files.readAllBytes(file);
    Model closed = trained(null);
    closed.close();
    assertThrows(IllegalStateException.class, () -> ModelFile.save(closed, file));
    try (Model m = trained(null)) {
      TrainingState odd = TrainingState.atEpoch(1).withCallback("x", new Object());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.save(m, file, odd));
      assertTrue(e.getMessage().contains("callback state.x: cannot save a java.lang.Object"), e.getMessage());
    }
    // Failing halfway through writing, or in the read-back check, never reaches the rename.
    IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(file, out -> {
      out.write(new byte[100_000]);
      throw new IOException("No space left on device");
    }, written -> {}));
    assertEquals("No space left on device", e.getMessage());
    assertThrows(IOException.class, () -> AtomicWrite.write(file, out -> out.write(1), written -> {
      throw new IOException("read-back check failed");
    }));
    assertArrayEquals(good, Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary files left behind");
    }
    try (LoadedModel l = ModelFile.load(file)) {
      assertEquals(2, l.state().epoch());
    }
    Path blocked = dir.resolve("model.cnn4j").resolve("sub.cnn4j"); // parent is a file
    try (Sequential m = small()) {
      UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> ModelFile.save(m, blocked));
      assertTrue(u.getMessage().contains("any previous file there is untouched"), u.getMessage());
      assertTrue(u.getMessage().contains(file + " is not a directory"), "says what is wrong: " + u.getMessage());
    }
  }

  @Test
  void savingReplacesAnOlderFile() {
    Path file = saved();
    try (Sequential m = small()) {
      ModelFile.save(m, file, TrainingState.atEpoch(5));
    }
    try (LoadedModel l = ModelFile.load(file)) {
      assertEquals(5, l.state().epoch());
      assertNull(l.model().loss());
    }
  }

  @Test
  void unbuiltModelsCannotBeSaved() {
    try (Sequential m = new Sequential()) {
      m.add(new Dense(2));
      assertThrows(IllegalStateException.class, () -> ModelFile.save(m, dir.resolve("x.cnn4j")));
    }
  }

  private Path saved() {
    Path file = dir.resolve("model.cnn4j");
    trained(file).close();
    return file;
  }

  @Test
  void preprocessingTravelsWithTheModel() {
    Path file = dir.resolve("pre.cnn4j");
    try (Sequential m = small()) {
      m.preprocessing(org.cnn4j.data.Preprocessing.standardized(new float[] {0.5f, 0.4f, 0.3f},
          new float[] {0.2f, 0.25f, 0.3f}));
      ModelFile.save(m, file);
    }
    try (LoadedModel loaded = ModelFile.load(file)) {
      var pre = loaded.model().preprocessing();
      assertArrayEquals(new float[] {0.5f, 0.4f, 0.3f}, pre.mean());
      assertArrayEquals(new float[] {0.2f, 0.25f, 0.3f}, pre.std());
      assertEquals(1f / 255f, pre.scale());
    }
  }

  /** Issue 15, item 16: the class names travel in the model file; files without them still load. */
  @Test
  void classNamesTravelWithTheModel() throws IOException {
    Path file = dir.resolve("named.cnn4j");
    try (Sequential m = small()) {
      m.classNames(List.of("cat", "dog", "frog"));
      ModelFile.save(m, file);
    }
    try (LoadedModel loaded = ModelFile.load(file)) {
      assertEquals(List.of("cat", "dog", "frog"), loaded.model().classNames());
    }
    Path old = dir.resolve("old.cnn4j");
    editMetadata(file, old, m -> m.remove("class_names"));
    try (LoadedModel loaded = ModelFile.load(old)) {
      assertNull(loaded.model().classNames());
    }
    Path wrong = dir.resolve("wrong.cnn4j");
    editMetadata(file, wrong, m -> m.putArray("class_names").add("cat"));
    assertLoadError(wrong, "class_names has 1 names but the model has 3 outputs");
    Path notText = dir.resolve("nottext.cnn4j");
    editMetadata(file, notText, m -> m.putArray("class_names").add(1).add(2).add(3));
    assertLoadError(notText, "class_names[0] must be a string");
  }

    private static void assertWeightsEqual(Model expected, Model actual) {
    List<float[]> a = expected.getWeights();
    List<float[]> b = actual.getWeights();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), expected.weightNames().get(i));
    ParameterArena x = expected.arena();
    ParameterArena y = actual.arena();
    assertEquals(x.slotNames(), y.slotNames());
    for (String slot : x.slotNames()) {
      for (int i = 0; i < x.trainableParameters().size(); i++) {
        assertArrayEquals(x.getSlot(x.trainableParameters().get(i), slot),
            y.getSlot(y.trainableParameters().get(i), slot), slot + " of " + x.trainableParameters().get(i).name());
      }
    }
  }

  private static void assertLoadError(Path file, String expectedPart) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file).close());
    assertTrue(e.getMessage().contains(expectedPart), "message: " + e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
  }

  /** Rewrites a zip entry by entry (all stored, CRCs recomputed), after {@code change} edits the contents. */
  private static void edit(Path from, Path to, Consumer<Map<String, byte[]>> change) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(from.toFile())) {
      for (ZipEntry e : z.stream().toList()) {
        try (InputStream in = z.getInputStream(e)) {
          entries.put(e.getName(), in.readAllBytes());
        }
      }
    }
    change.accept(entries);
    zip(to, entries);
  }

  private static void editText(Path from, Path to, String entry, java.util.function.UnaryOperator<String> change)
      throws IOException {
    edit(from, to, e -> {
      String before = new String(e.get(entry), StandardCharsets.UTF_8);
      String after = change.apply(before);
      assertTrue(!after.equals(before), "the edit changed nothing");
      e.put(entry, after.getBytes(StandardCharsets.UTF_8));
    });
  }

  private static void editMetadata(Path from, Path to, Consumer<ObjectNode> change) throws IOException {
    edit(from, to, e -> {
      try {
        ObjectNode m = (ObjectNode) new ObjectMapper().readTree(e.get("metadata.json"));
        change.accept(m);
        e.put("metadata.json", m.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    });
  }

  private static void zip(Path to, Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey());
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(e.getValue().length);
        ze.setCompressedSize(e.getValue().length);
        ze.setCrc(crc.getValue());
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    Files.write(to, bytes.toByteArray());
  }

  /** Where an entry's data starts in a zip: after its local header (30 bytes, name, extra field). */
  private static int dataOffset(byte[] zip, String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + 30 + n.length < zip.length; i++) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4
          && Arrays.equals(Arrays.copyOfRange(zip, i + 30, i + 30 + n.length), n)) {
        int extra = (zip[i + 28] & 0xff) | (zip[i + 29] & 0xff) << 8;
        return i + 30 + n.length + extra;
      }
    }
    throw new AssertionError("no entry " + name);
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
