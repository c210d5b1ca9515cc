package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cnn4j.cli.Cli.Run;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.cnn4j.onnx.OnnxExport;
import org.cnn4j.onnx.OnnxOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnn4j export} writes what Model.exportOnnx writes, for every kind of --model. */
class ExportCommandTest {
  @Test
  void zooModel(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("reference.onnx");
    Run r = Cli.run("export", "--model", "reference", "--format", "onnx", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("ONNX opset 13, input [N, 32, 32, 3] (NHWC), output [N, 10]"), r.out());
    assertTrue(r.err().contains("initial"), r.err());
    try (Model m = Models.reference(32, 32, 3, 10)) { // the same seed, so the same initial weights
      assertArrayEquals(OnnxExport.toBytes(m, new OnnxOptions()), Files.readAllBytes(out));
    }
  }

  @Test
  void runFolderInNchw(@TempDir Path dir) throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(3, 3).activation("relu").inputShape(6, 6, 2));
      m.add(new Flatten());
      m.add(new Dense(4).activation("softmax"));
      m.seed(5);
      m.save(run.resolve("model.cnn4j"));
    }
    Path out = dir.resolve("m.onnx");
    Run r = Cli.run("export", "--model", run.toString(), "--input-layout", "nchw", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("input [N, 2, 6, 6] (NCHW), output [N, 4]"), r.out());
    assertEquals("", r.err());
    try (Model m = Model.load(run.resolve("model.cnn4j"))) {
      assertArrayEquals(OnnxExport.toBytes(m, new OnnxOptions().inputLayout(OnnxOptions.Layout.NCHW)),
          Files.readAllBytes(out));
    }
  }

  @Test
  void kerasFormatAndKerasWeights(@TempDir Path dir) throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    float[] probe = new float[6 * 6 * 2];
    for (int i = 0; i < probe.length; i++) probe[i] = (i % 7) / 7f;
    float[][] expected;
    try (Sequential m = new Sequential()) {
      m.add(new Conv2D(3, 3).activation("relu").inputShape(6, 6, 2));
      m.add(new Flatten());
      m.add(new Dense(4).activation("softmax"));
      m.seed(9);
      m.save(run.resolve("model.cnn4j"));
      expected = m.predict(probe, 1);
    }
    Path keras = dir.resolve("m.keras");
    Run r = Cli.run("export", "--model", run.toString(), "--format", "keras", keras.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Keras 3 .keras file"), r.out());
    try (Model back = Model.load(keras)) {
      assertArrayEquals(expected[0], back.predict(probe, 1)[0]);
    }
    // The .keras file's weights applied to the same architecture from JSON, then exported to ONNX:
    // the same bytes as exporting the model itself.
    Path json = dir.resolve("m.json");
    try (Model m = Model.load(run.resolve("model.cnn4j"))) {
      Files.writeString(json, org.cnn4j.io.KerasModelConfig.toJson(m));
    }
    Path onnx = dir.resolve("m.onnx");
    r = Cli.run("export", "--model", json.toString(), "--weights", keras.toString(), onnx.toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("initial"), r.err());
    try (Model m = Model.load(run.resolve("model.cnn4j"))) {
      assertArrayEquals(OnnxExport.toBytes(m, new OnnxOptions()), Files.readAllBytes(onnx));
    }
    r = Cli.run("export", "--model", run.toString(), "--format", "keras", dir.resolve("m.h5").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--format keras writes a .keras file"), r.err());
  }

  @Test
  void badOptionsAreNamed(@TempDir Path dir) {
    Path out = dir.resolve("m.onnx");
    Run r = Cli.run("export", "--model", "reference", "--format", "tflite", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--format tflite: expected onnx or keras"), r.err());
    r = Cli.run("export", "--model", "reference", "--input-layout", "chwn", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unknown layout 'chwn'"), r.err());
    r = Cli.run("export", "--model", dir.resolve("missing.cnn4j").toString(), out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("no such file"), r.err());
    assertFalse(Files.exists(out));
  }
}
