package org.cnn4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cnn4j.model.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesTest {
  /**
   * Ten epochs shaped like the seed's CIFAR-10 run: training keeps improving, validation flattens.
   */
  static History tenEpochs(String accuracyKey, boolean validation) {
    History h = new History();
    for (int e = 0; e < 10; e++) {
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put("loss", 1.55 * Math.exp(-0.12 * e) + 0.05 * e / 10);
      logs.put(accuracyKey, 0.45 + 0.35 * (1 - Math.exp(-0.25 * e)));
      if (validation) {
        logs.put("val_loss", 1.25 - 0.05 * e + 0.008 * e * e);
        logs.put("val_" + accuracyKey, 0.55 + 0.13 * (1 - Math.exp(-0.45 * e)));
      }
      logs.put("seconds", 41.0);
      h.add(logs);
    }
    return h;
  }

  private static BufferedImage read(Path png) throws Exception {
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(TrainingCurves.WIDTH, image.getWidth());
    assertEquals(TrainingCurves.HEIGHT, image.getHeight());
    return image;
  }

  /** Pixels of matplotlib's orange, the validation line's colour. */
  private static long orange(BufferedImage image) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == 0xff7f0e) n++;
      }
    }
    return n;
  }

  @Test
  void writesBothCurvesAt800By500(@TempDir Path dir) throws Exception {
    History h = tenEpochs("accuracy", true);
    Path accuracy = dir.resolve("run/accuracy.png");
    Path loss = dir.resolve("run/loss.png");
    TrainingCurves.writeAccuracy(h, accuracy);
    TrainingCurves.writeLoss(h, loss);
    assertTrue(orange(read(accuracy)) > 100, "a validation line");
    assertTrue(orange(read(loss)) > 100, "a validation line");
    try (var files = Files.list(dir.resolve("run"))) {
      assertEquals(2, files.count(), "no temporary file is left behind");
    }
    TrainingCurves.writeLoss(tenEpochs("accuracy", false), loss); // replaces the old picture
    assertEquals(0, orange(read(loss)));
  }

  @Test
  void acceptsKerasLongAccuracyNameAndTrainingOnly(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("accuracy.png");
    TrainingCurves.writeAccuracy(tenEpochs("sparse_categorical_accuracy", false), png);
    assertEquals(0, orange(read(png)), "no validation line without validation metrics");
    TrainingCurves.writeAccuracy(tenEpochs("sparse_categorical_accuracy", true), png);
    assertTrue(orange(read(png)) > 100);
  }

  @Test
  void missingMetricsAreExplained(@TempDir Path dir) {
    History lossOnly = new History();
    lossOnly.add(Map.of("loss", 1.0));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainingCurves.writeAccuracy(lossOnly, dir.resolve("a.png")));
    assertTrue(e.getMessage().contains("[loss]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingCurves.writeLoss(new History(), dir.resolve("l.png")));
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingCurves.write(lossOnly, "top5", "Top 5", "top5", dir.resolve("t.png")));
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingCurves.write(lossOnly, "val_loss", "Loss", "loss", dir.resolve("v.png")));
    assertEquals(List.of(), dir.toFile().list() == null ? List.of() : List.of(dir.toFile().list()));
  }
}
