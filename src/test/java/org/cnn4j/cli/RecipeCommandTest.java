package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.io.ModelFile;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.SGD;
import org.cnn4j.optim.schedules.CosineDecay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnn4j recipes, and cnn4j train --recipe with command-line overrides. */
class RecipeCommandTest {
  /** The command run in this JVM, its output captured. */
  private static Cli.Run run(String... args) {
    return Cli.run(args);
  }

  @Test
  void recipesAreListedByTheirCommandAndInTrainHelp() {
    Cli.Run list = run("recipes");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("keras-cifar10-resnet\n  Keras's cifar10_resnet.py"), list.out());
    assertTrue(list.out().contains("cifar10-resnet20-fast\n"), list.out());
    assertTrue(list.out().contains("batch 64, 80 epochs"), list.out());
    Cli.Run help = run("train", "--help");
    assertTrue(help.out().contains("keras-cifar10-resnet, cifar10-resnet20-fast"), help.out());
    Cli.Run top = run("--help");
    assertTrue(top.out().contains("recipes"), top.out());
  }

  @Test
  void aRecipeTrainsWithItsSettingsAndTheCommandLineOverridesThem(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("fast");
    // 400 training images in batches of 50 (an override): 8 steps per epoch, 2 epochs (another override).
    Cli.Run fast = run("train", "--data", "shapes:400,100", "--recipe", "cifar10-resnet20-fast", "--epochs", "2",
        "--batch", "50", "--out", out.toString(), "--verbose", "2");
    assertEquals(0, fast.code(), fast.err());
    assertTrue(fast.out().contains("recipe cifar10-resnet20-fast: "), fast.out());
    try (LoadedModel m = ModelFile.load(out.resolve("model.cnn4j"))) {
      SGD sgd = assertInstanceOf(SGD.class, m.model().optimizer());
      CosineDecay s = assertInstanceOf(CosineDecay.class, sgd.schedule());
      assertEquals(8L, s.config().get("warmup_steps"), "a 2-epoch run warms up for 1 epoch of 8 steps");
      assertEquals(8L, s.config().get("decay_steps"));
      assertEquals(0.1f, m.model().loss().labelSmoothing());
      assertEquals(2.5e-3f, sgd.weightDecay());
      assertEquals(16, m.model().counter().get());
      assertEquals(3, m.model().preprocessing().mean().length, "standardised per channel as the recipe says");
    }
    List<String> history = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(3, history.size());

    Path keras = dir.resolve("keras");
    Cli.Run k = run("train", "--data", "shapes:200,50", "--recipe", "keras-cifar10-resnet", "--epochs", "1",
        "--label-smoothing", "0.2", "--lr", "0.002", "--no-augment", "--out", keras.toString(), "--verbose", "0");
    assertEquals(0, k.code(), k.err());
    try (LoadedModel m = ModelFile.load(keras.resolve("model.cnn4j"))) {
      assertInstanceOf(Adam.class, m.model().optimizer());
      assertEquals(0.002f, m.model().optimizer().learningRate(), "lr_schedule(0) times the given base rate");
      assertEquals(0.2f, m.model().loss().labelSmoothing());
    }

    Cli.Run bad = run("train", "--recipe", "nope", "--out", dir.resolve("x").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("unknown recipe 'nope'; known recipes: keras-cifar10-resnet"), bad.err());
  }
}
