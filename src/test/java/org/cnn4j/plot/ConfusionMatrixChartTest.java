package org.cnn4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfusionMatrixChartTest {
  static final List<String> CIFAR10 =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  /**
   * A plausible 10,000-image CIFAR-10 test run at about 70% accuracy: cats and dogs mixed up most.
   */
  static ConfusionMatrix cifarLike() {
    long[][] counts = {
      {745, 18, 52, 20, 22, 8, 10, 12, 80, 33},
      {20, 812, 8, 10, 4, 6, 10, 5, 35, 90},
      {60, 6, 560, 80, 105, 70, 65, 35, 12, 7},
      {18, 10, 68, 498, 70, 205, 72, 35, 12, 12},
      {15, 4, 70, 60, 660, 45, 60, 75, 8, 3},
      {8, 4, 55, 160, 50, 640, 25, 50, 4, 4},
      {8, 6, 45, 60, 40, 20, 805, 6, 6, 4},
      {12, 4, 30, 40, 60, 55, 8, 775, 4, 12},
      {55, 28, 12, 12, 6, 4, 6, 4, 850, 23},
      {25, 70, 8, 14, 6, 6, 8, 14, 30, 819},
    };
    return ConfusionMatrix.fromCounts(counts, CIFAR10);
  }

  /** n classes, each mostly right and otherwise taken for its neighbour. */
  private static ConfusionMatrix banded(int n) {
    long[][] counts = new long[n][n];
    List<String> names = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      names.add("class_" + a);
      counts[a][a] = 80;
      counts[a][(a + 1) % n] = 20;
    }
    return ConfusionMatrix.fromCounts(counts, names);
  }

  private static double nonWhiteFraction(BufferedImage image) {
    long differing = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) differing++;
      }
    }
    return (double) differing / ((long) image.getWidth() * image.getHeight());
  }

  @Test
  void tenClassPngDecodesAtAbout900By800AndIsNotBlank(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("plots/confusion-matrix.png");
    ConfusionMatrixChart.write(cifarLike(), png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertTrue(Math.abs(image.getWidth() - 900) <= 60, "width " + image.getWidth());
    assertTrue(Math.abs(image.getHeight() - 800) <= 60, "height " + image.getHeight());
    double inked = nonWhiteFraction(image);
    assertTrue(inked > 0.4, "the grid and its labels cover much of the picture, got " + inked);
    try (var files = Files.list(png.getParent())) {
      assertEquals(List.of(png), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void cellsAreColouredByTheirRowFraction() {
    BufferedImage image = ConfusionMatrixChart.render(banded(4)); // fractions 0.8, 0.2 and 0
    int cellArea = 64 * 64; // cells are at least that big for up to 10 classes
    assertTrue(count(image, ColorScale.at(0.8).getRGB()) > 4 * cellArea / 2);
    assertTrue(count(image, ColorScale.at(0.2).getRGB()) > 4 * cellArea / 2);
    assertTrue(count(image, ColorScale.at(0).getRGB()) > 8 * cellArea / 2);
    assertTrue(ColorScale.at(0.8).getRed() < ColorScale.at(0.2).getRed());
    assertEquals(ColorScale.at(0).getRGB(), ColorScale.at(-1).getRGB());
    assertEquals(ColorScale.at(1).getRGB(), ColorScale.at(2).getRGB());
    assertTrue(ColorScale.isDark(ColorScale.at(0.8)), "white text on the diagonal");
    assertTrue(!ColorScale.isDark(ColorScale.at(0.2)), "dark text off it");
  }

  private static long count(BufferedImage image, int rgb) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == rgb) n++;
      }
    }
    return n;
  }

  @Test
  void sizeGrowsWithClassesFrom2To100() {
    BufferedImage two = ConfusionMatrixChart.render(banded(2));
    BufferedImage ten = ConfusionMatrixChart.render(banded(10));
    BufferedImage hundred = ConfusionMatrixChart.render(banded(100));
    assertTrue(two.getWidth() < ten.getWidth() && ten.getWidth() < hundred.getWidth());
    assertTrue(
        hundred.getHeight() >= 100 * 12, "at least 12 px per class, got " + hundred.getHeight());
    assertTrue(hundred.getWidth() < 1600 && hundred.getHeight() < 1600);
    assertTrue(nonWhiteFraction(hundred) > 0.3);
  }

  @Test
  void refusesMoreClassesThanPixels() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfusionMatrixChart.render(banded(ConfusionMatrixChart.MAX_CLASSES + 1)));
    assertTrue(e.getMessage().contains("toCsv"), e.getMessage());
  }
}
