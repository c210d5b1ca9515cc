package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.cli.Cli.Run;
import org.cnn4j.io.KerasModelConfig;
import org.cnn4j.layers.Layer;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --model MODEL.keras / MODEL.h5 and --weights on the commands. */
class KerasModelCommandTest {
  @TempDir static Path dir;
  static Path json;
  static Path keras;
  static Path weights;

  /** The reference model with known weights: as a .keras file, and as a JSON plus Keras 3 weights. */
  @BeforeAll
  static void files() {
    json = dir.resolve("reference.json");
    keras = dir.resolve("reference.keras");
    weights = dir.resolve("reference.weights.h5");
    try (Model m = Models.reference(32, 32, 3, 10)) {
      List<float[]> values = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(3);
      for (float[] w : m.getWeights()) {
        float[] v = new float[w.length];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * 0.05);
        values.add(v);
      }
      m.setWeights(values);
      KerasModelConfig.toJson(m, json);
      m.save(keras);
      // Keras 3's save_weights layout, written here with jhdf: layers/<class_snake[_k]>/vars/<i>.
      try (WritableHdfFile h5 = HdfFile.write(weights)) {
        WritableGroup layers = h5.putGroup("layers");
        int k = 0;
        for (Layer l : m.layers()) {
          if (l.parameters().isEmpty()) continue;
          WritableGroup vars = layers.putGroup(l.name()).putGroup("vars"); // conv2d, conv2d_1, dense, dense_1
          for (int i = 0; i < l.parameters().size(); i++) {
            int[] shape = l.parameters().get(i).kerasShape();
            vars.putDataset(Integer.toString(i), shape.length == 1 ? values.get(k) : reshape(values.get(k), shape));
            k++;
          }
        }
      }
    }
  }

  private static Object reshape(float[] v, int[] shape) {
    if (shape.length == 2) {
      float[][] a = new float[shape[0]][shape[1]];
      for (int i = 0; i < shape[0]; i++) System.arraycopy(v, i * shape[1], a[i], 0, shape[1]);
      return a;
    }
    float[][][][] a = new float[shape[0]][shape[1]][shape[2]][shape[3]];
    int k = 0;
    for (float[][][] x : a) for (float[][] y : x) for (float[] z : y) for (int l = 0; l < z.length; l++) z[l] = v[k++];
    return a;
  }

  @Test
  void predictAndEvaluateTakeKerasFilesAndWeights() throws IOException {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    Run fromKeras = Cli.run("predict", "--model", keras.toString(), "--data", "shapes:10,30", "--csv", a.toString());
    assertEquals(0, fromKeras.code(), fromKeras.err());
    Run fromWeights = Cli.run("predict", "--model", json.toString(), "--weights", weights.toString(), "--data",
        "shapes:10,30", "--csv", b.toString());
    assertEquals(0, fromWeights.code(), fromWeights.err());
    Run fromZoo = Cli.run("predict", "--model", "reference", "--weights", keras.toString(), "--data",
        "shapes:10,30", "--csv", c.toString());
    assertEquals(0, fromZoo.code(), fromZoo.err());
    assertEquals(Files.readAllLines(a), Files.readAllLines(b));
    assertEquals(Files.readAllLines(a), Files.readAllLines(c));
    assertEquals(31, Files.readAllLines(a).size());

    Run e1 = Cli.run("evaluate", "--model", keras.toString(), "--data", "shapes:10,30");
    Run e2 = Cli.run("evaluate", "--model", json.toString(), "--weights", weights.toString(), "--data", "shapes:10,30");
    assertEquals(0, e1.code(), e1.err());
    assertEquals(e1.out(), e2.out());
    Run summary = Cli.run("summary", "--model", keras.toString());
    assertEquals(0, summary.code(), summary.err());
    assertTrue(summary.out().contains("Total params: 1,060,138"), summary.out());
  }

  @Test
  void weightsAloneAreNotAModel() {
    Run r = Cli.run("predict", "--model", weights.toString(), "--data", "shapes:10,30");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().contains("holds no Keras model") || r.err().contains("--weights"), r.err());
    Run json2 = Cli.run("evaluate", "--model", json.toString(), "--data", "shapes:10,30");
    assertEquals(1, json2.code());
    assertTrue(json2.err().contains("--weights WEIGHTS.h5"), json2.err());
  }

  @Test
  void trainGoesOnFromKerasWeights() {
    Path out = dir.resolve("run");
    Run r = Cli.run("train", "--model", json.toString(), "--weights", weights.toString(), "--data", "shapes:40,20",
        "--epochs", "1", "--verbose", "0", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("model.cnn4j")));
  }
}
