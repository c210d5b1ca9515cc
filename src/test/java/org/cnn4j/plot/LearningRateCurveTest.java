package org.cnn4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cnn4j.model.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningRateCurveTest {
  @Test
  void drawsTheRateOfEachEpoch(@TempDir Path dir) throws Exception {
    History h = new History();
    for (int e = 0; e < 12; e++) {
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put("loss", 1.0 / (e + 1));
      logs.put("learning_rate", e < 4 ? 1e-3 : e < 8 ? 1e-4 : 1e-5); // step decays: a log axis
      h.add(logs);
    }
    Path png = dir.resolve("learning-rate.png");
    TrainingCurves.writeLearningRate(h, png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(TrainingCurves.WIDTH, image.getWidth());
    long blue = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) if ((image.getRGB(x, y) & 0xffffff) == 0x1f77b4) blue++;
    }
    assertTrue(blue > 500, "the line is drawn: " + blue + " pixels");
  }

  @Test
  void aHistoryWithoutRatesIsRefused(@TempDir Path dir) {
    History h = new History();
    h.add(Map.of("loss", 1.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingCurves.writeLearningRate(h, dir.resolve("x.png")));
    assertTrue(e.getMessage().contains("no \"learning_rate\""), e.getMessage());
  }
}
