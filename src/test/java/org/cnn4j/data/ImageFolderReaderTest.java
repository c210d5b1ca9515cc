package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.cnn4j.data.ImageFolderReader.ColorMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir
  Path dir;

  /** The test pattern: red encodes the seed, green the column, blue the row. */
  private static int rgbAt(int seed, int y, int x) {
    return (seed & 0xff) << 16 | (x * 40 & 0xff) << 8 | (y * 60 & 0xff);
  }

  private static Path writeImage(Path file, int type, int height, int width, int seed) throws IOException {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, 0xff000000 | rgbAt(seed, y, x));
      }
    }
    Files.createDirectories(file.getParent());
    String format = file.toString().endsWith(".jpg") ? "jpg" : "png";
    assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
    return file;
  }

  private static Path png(Path file, int seed) throws IOException {
    return writeImage(file, BufferedImage.TYPE_INT_RGB, 3, 4, seed);
  }

  private static void assertRgbPattern(Dataset d, int index, int seed) {
    byte[] hwc = d.image(index);
    for (int y = 0; y < d.height(); y++) {
      for (int x = 0; x < d.width(); x++) {
        int rgb = rgbAt(seed, y, x);
        int p = (y * d.width() + x) * 3;
        assertEquals(rgb >> 16 & 0xff, hwc[p] & 0xff, "red of image " + index);
        assertEquals(rgb >> 8 & 0xff, hwc[p + 1] & 0xff, "green of image " + index);
        assertEquals(rgb & 0xff, hwc[p + 2] & 0xff, "blue of image " + index);
      }
    }
  }

  @Test
  void readsClassesAlphabeticallyAndFilesInNameOrder() throws IOException {
    png(dir.resolve("zebra/b.png"), 1);
    png(dir.resolve("zebra/a.png"), 2);
    png(dir.resolve("ant/c.png"), 3);
    png(dir.resolve("ant/sub/a.png"), 4); // nested folders are searched too
    writeImage(dir.resolve("ant/d.png"), BufferedImage.TYPE_4BYTE_ABGR, 3, 4, 5); // alpha dropped
    Files.writeString(dir.resolve("zebra/notes.txt"), "ignored");
    Files.writeString(dir.resolve("stray-file.png"), "not a class folder");
    try (Dataset d = ImageFolderReader.read(dir)) {
      assertEquals(List.of("ant", "zebra"), d.classNames());
      assertArrayEquals(new int[] {0, 0, 0, 1, 1}, d.labels());
      assertEquals(3, d.height());
      assertEquals(4, d.width());
      assertEquals(3, d.channels());
      int[] seedsInOrder = {3, 5, 4, 2, 1}; // ant/c, ant/d, ant/sub/a, zebra/a, zebra/b
      for (int i = 0; i < seedsInOrder.length; i++) {
        assertRgbPattern(d, i, seedsInOrder[i]);
      }
    }
  }

  /** As Keras: hidden folders (.ipynb_checkpoints, .git) are not classes. */
  @Test
  void hiddenFoldersAreNotClasses() throws IOException {
    png(dir.resolve("cat/a.png"), 1);
    png(dir.resolve("dog/a.png"), 2);
    png(dir.resolve(".ipynb_checkpoints/a-checkpoint.png"), 3);
    Files.createDirectories(dir.resolve(".git/objects"));
    try (Dataset d = ImageFolderReader.read(dir)) {
      assertEquals(List.of("cat", "dog"), d.classNames());
      assertArrayEquals(new int[] {0, 1}, d.labels());
    }
  }

  @Test
  void convertsToGrayscaleAndKeepsGrayImages() throws IOException {
    png(dir.resolve("color/a.png"), 200);
    Path gray = dir.resolve("gray/a.png");
    BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(2, 1, 0, 123);
    Files.createDirectories(gray.getParent());
    ImageIO.write(image, "png", gray.toFile());
    BufferedImage deep = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY); // 16-bit PNG
    deep.getRaster().setSample(1, 0, 0, 0x8080);
    Files.createDirectories(dir.resolve("gray16"));
    ImageIO.write(deep, "png", dir.resolve("gray16/a.png").toFile());
    try (Dataset d = ImageFolderReader.read(dir, ColorMode.GRAYSCALE)) {
      assertEquals(1, d.channels());
      assertEquals(128, d.image(2)[1] & 0xff);
      int rgb = rgbAt(200, 2, 3);
      int luma = (299 * (rgb >> 16 & 0xff) + 587 * (rgb >> 8 & 0xff) + 114 * (rgb & 0xff) + 500) / 1000;
      assertEquals(luma, d.image(0)[2 * 4 + 3] & 0xff);
      assertEquals(123, d.image(1)[1 * 4 + 2] & 0xff);
      assertEquals(0, d.image(1)[0]);
    }
    try (Dataset d = ImageFolderReader.read(dir, ColorMode.RGB)) {
      byte[] grayAsRgb = d.image(1);
      assertEquals(123, grayAsRgb[(1 * 4 + 2) * 3] & 0xff);
      assertEquals(123, grayAsRgb[(1 * 4 + 2) * 3 + 2] & 0xff);
    }
  }

  @Test
  void resizesMixedSizesBilinearly() throws IOException {
    BufferedImage checker = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        checker.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0x000000);
      }
    }
    Files.createDirectories(dir.resolve("a"));
    ImageIO.write(checker, "png", dir.resolve("a/big.png").toFile());
    png(dir.resolve("a/small.png"), 9);
    try (Dataset d = ImageFolderReader.read(dir, ColorMode.RGB, 2, 2)) {
      assertEquals(2, d.height());
      byte[] half = d.image(0); // each output pixel averages a 2x2 block: half white
      for (byte b : half) {
        assertEquals(128, b & 0xff);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> ImageFolderReader.read(dir, ColorMode.RGB, 2, 0));
  }

  @Test
  void readsJpegWithSmallCompressionLoss() throws IOException {
    BufferedImage gradient = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        gradient.setRGB(x, y, 100 << 16 | (x * 8) << 8 | y * 8);
      }
    }
    Files.createDirectories(dir.resolve("a"));
    assertTrue(ImageIO.write(gradient, "jpg", dir.resolve("a/x.jpg").toFile()));
    try (Dataset d = ImageFolderReader.read(dir)) {
      byte[] hwc = d.image(0);
      double error = 0;
      for (int p = 0; p < 256; p++) {
        int rgb = gradient.getRGB(p % 16, p / 16);
        error += Math.abs((hwc[3 * p] & 0xff) - (rgb >> 16 & 0xff))
            + Math.abs((hwc[3 * p + 1] & 0xff) - (rgb >> 8 & 0xff))
            + Math.abs((hwc[3 * p + 2] & 0xff) - (rgb & 0xff));
      }
      assertTrue(error / 768 < 4, "mean absolute error " + error / 768);
    }
  }

  @Test
  void decodesManyImagesInParallelIntoTheirOwnIndex() throws IOException {
    int count = 700; // several decoding tasks
    for (int i = 0; i < count; i++) {
      writeImage(dir.resolve(i % 2 == 0 ? "even" : "odd").resolve(String.format("%04d.png", i)),
          BufferedImage.TYPE_INT_RGB, 2, 2, i);
    }
    try (Dataset d = ImageFolderReader.read(dir)) {
      assertEquals(count, d.size());
      for (int i = 0; i < count; i++) {
        int original = i < count / 2 ? 2 * i : 2 * (i - count / 2) + 1;
        assertEquals(original & 0xff, d.image(i)[0] & 0xff, "image " + i);
        assertEquals(i < count / 2 ? 0 : 1, d.label(i));
      }
    }
  }

  @Test
  void recognisesTheFormatByContentNotName() throws IOException {
    Path png = png(dir.resolve("a/1.png"), 7);
    Files.move(png, dir.resolve("a/1.jpg"));
    try (Dataset d = ImageFolderReader.read(dir)) {
      assertRgbPattern(d, 0, 7);
    }
  }

  @Test
  void reportsMixedSizesNamingBothFiles() throws IOException {
    png(dir.resolve("a/1.png"), 1);
    writeImage(dir.resolve("b/2.png"), BufferedImage.TYPE_INT_RGB, 5, 4, 2);
    var e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    // Issue 15, item 11: sizes as people write them, width first, and said so.
    assertTrue(e.getMessage().contains("2.png is 4x5 (width x height)") && e.getMessage().contains("1.png is 4x3"),
        e.getMessage());
  }

  @Test
  void reportsUnreadableImage() throws IOException {
    png(dir.resolve("a/1.png"), 1);
    Files.write(dir.resolve("a/2.jpg"), new byte[] {1, 2, 3, 4});
    var e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertTrue(e.getMessage().contains("2.jpg"), e.getMessage());
    Files.write(dir.resolve("a/2.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16});
    var truncated = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertTrue(truncated.getMessage().contains("2.jpg"), truncated.getMessage());
  }

  @Test
  void reportsMissingOrEmptyFolders() throws IOException {
    var missing = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir.resolve("nope")));
    assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    var noClasses = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertTrue(noClasses.getMessage().contains("no class subfolders"), noClasses.getMessage());
    png(dir.resolve("a/1.png"), 1);
    Files.createDirectories(dir.resolve("b"));
    var empty = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertTrue(empty.getMessage().contains(dir.resolve("b") + " holds no images"), empty.getMessage());
  }

  @Test
  void readsTrainAndTestWithMatchingClasses() throws IOException {
    png(dir.resolve("train/cat/1.png"), 1);
    png(dir.resolve("train/dog/1.png"), 2);
    png(dir.resolve("test/cat/1.png"), 3);
    png(dir.resolve("test/dog/1.png"), 4);
    try (TrainTest tt = ImageFolderReader.readTrainTest(dir)) {
      assertEquals(2, tt.train().size());
      assertRgbPattern(tt.test(), 1, 4);
    }
    png(dir.resolve("test/eel/1.png"), 5);
    var e = assertThrows(DatasetException.class, () -> ImageFolderReader.readTrainTest(dir));
    assertTrue(e.getMessage().contains("[cat, dog, eel]") && e.getMessage().contains("[cat, dog]"),
        e.getMessage());
  }

  /** A JPEG cut in the middle of its scan data, as a broken download leaves it. */
  private static Path cutJpeg(Path file) throws IOException {
    writeImage(file, BufferedImage.TYPE_INT_RGB, 64, 64, 3);
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
    return file;
  }

  /** Issue 15, item 7: it used to decode without a word, the missing part made up. */
  @Test
  void aJpegCutInItsScanDataIsAnErrorNamingTheFile() throws IOException {
    writeImage(dir.resolve("a/1.jpg"), BufferedImage.TYPE_INT_RGB, 64, 64, 1);
    cutJpeg(dir.resolve("a/2.jpg"));
    var e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertTrue(e.getMessage().contains("2.jpg is damaged"), e.getMessage());
    var single = assertThrows(DatasetException.class,
        () -> ImageFolderReader.readImage(dir.resolve("a/2.jpg"), ColorMode.RGB, 8, 8));
    assertTrue(single.getMessage().contains("2.jpg is damaged"), single.getMessage());
  }

  /** Item 7: where asked for, damaged images are skipped (and logged), the rest read. */
  @Test
  void damagedImagesCanBeSkipped() throws IOException {
    cutJpeg(dir.resolve("a/0.jpg")); // the first file too: the size comes from the first readable one
    writeImage(dir.resolve("a/1.jpg"), BufferedImage.TYPE_INT_RGB, 64, 64, 1);
    writeImage(dir.resolve("b/1.jpg"), BufferedImage.TYPE_INT_RGB, 64, 64, 2);
    cutJpeg(dir.resolve("b/2.jpg"));
    writeImage(dir.resolve("b/3.jpg"), BufferedImage.TYPE_INT_RGB, 64, 64, 2);
    try (Dataset d = ImageFolderReader.read(dir, ColorMode.RGB, 0, 0, true)) {
      assertEquals(3, d.size());
      assertArrayEquals(new int[] {0, 1, 1}, d.labels());
      assertEquals(64, d.width());
    }
  }

  /** One image, as predict reads it: at the model's size, and whether the file was gray. */
  @Test
  void readsOneImageAtAGivenSize() throws IOException {
    Path rgb = writeImage(dir.resolve("x.png"), BufferedImage.TYPE_INT_RGB, 6, 8, 1);
    ImageFolderReader.Image image = ImageFolderReader.readImage(rgb, ColorMode.RGB, 3, 4);
    assertEquals(3 * 4 * 3, image.hwc().length);
    assertEquals(6, image.fileHeight());
    assertEquals(8, image.fileWidth());
    assertTrue(!image.fileGray());
    Path gray = writeImage(dir.resolve("g.png"), BufferedImage.TYPE_BYTE_GRAY, 3, 4, 1);
    assertTrue(ImageFolderReader.readImage(gray, ColorMode.RGB, 3, 4).fileGray());
  }
}
