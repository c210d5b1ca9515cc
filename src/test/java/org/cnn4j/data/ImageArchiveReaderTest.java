package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.cnn4j.data.ImageFolderReader.ColorMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15, item 10: image-folder archives (such as cifar10-jpeg.tar.gz) are read as they are. */
class ImageArchiveReaderTest {
  @TempDir Path dir;

  private static byte[] png(int seed) throws IOException {
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) img.setRGB(x, y, seed << 16 | x << 8 | y);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void readsTrainAndTestUnderATopFolderAsTheExtractedFolderReads() throws IOException {
    TarWriter tar = new TarWriter().directory("set/").directory("set/train/")
        .file("set/train/cat-x/1.png", png(1)).file("set/train/cat/2.png", png(2))
        .file("set/train/cat/10.png", png(3)).file("set/train/.hidden/1.png", png(9))
        .file("set/test/cat/1.png", png(4)).file("set/test/cat-x/1.png", png(5)).file("set/README", "text");
    Path archive = tar.writeTarGz(dir.resolve("set.tar.gz"));
    TarArchive.extract(archive, dir.resolve("x"));
    try (TrainTest fromArchive = ImageArchiveReader.read(archive, ColorMode.RGB, 0, 0, false);
        TrainTest fromFolder = ImageFolderReader.readTrainTest(dir.resolve("x").resolve("set"))) {
      assertEquals(List.of("cat", "cat-x"), fromArchive.train().classNames());
      assertEquals(fromFolder.train().classNames(), fromArchive.train().classNames());
      assertArrayEquals(fromFolder.train().labels(), fromArchive.train().labels());
      for (int i = 0; i < 3; i++) assertArrayEquals(fromFolder.train().image(i), fromArchive.train().image(i));
      assertArrayEquals(fromFolder.test().labels(), fromArchive.test().labels());
    }
  }

  @Test
  void readsClassFoldersWithoutTrainAndTest() throws IOException {
    Path archive = new TarWriter().file("./a/1.png", png(1)).file("./b/1.png", png(2)).file("./b/2.png", png(3))
        .writeTarGz(dir.resolve("ab.tar.gz"));
    try (TrainTest t = ImageArchiveReader.read(archive, ColorMode.GRAYSCALE, 6, 8, false)) {
      assertNull(t.test());
      assertEquals(List.of("a", "b"), t.train().classNames());
      assertArrayEquals(new int[] {0, 1, 1}, t.train().labels());
      assertEquals(8, t.train().width());
      assertEquals(1, t.train().channels());
    }
  }

  @Test
  void namesWhatIsWrong() throws IOException {
    Path none = new TarWriter().file("notes.txt", "x").writeTarGz(dir.resolve("none.tar.gz"));
    var e = assertThrows(DatasetException.class, () -> ImageArchiveReader.read(none, ColorMode.RGB, 0, 0, false));
    assertTrue(e.getMessage().contains("holds no image files"), e.getMessage());
    Path broken = new TarWriter().file("a/1.png", png(1)).file("a/2.png", new byte[] {1, 2})
        .writeTarGz(dir.resolve("broken.tar.gz"));
    var b = assertThrows(DatasetException.class, () -> ImageArchiveReader.read(broken, ColorMode.RGB, 0, 0, false));
    assertTrue(b.getMessage().contains("broken.tar.gz!a/2.png"), b.getMessage());
    try (TrainTest t = ImageArchiveReader.read(broken, ColorMode.RGB, 0, 0, true)) {
      assertEquals(1, t.train().size());
    }
  }

  /** The CIFAR-10 reader given the JPEG archive says what the archive is and how to read it. */
  @Test
  void cifarReaderRecognisesAnImageFolderArchive() throws IOException {
    Path archive = new TarWriter().file("cifar10-jpeg/train/cat/0.png", png(1))
        .writeTarGz(dir.resolve("cifar10-jpeg.tar.gz"));
    var e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(archive));
    assertTrue(e.getMessage().contains("holds image files (such as cifar10-jpeg/train/cat/0.png)")
        && e.getMessage().contains("--data folder:" + archive), e.getMessage());
    assertTrue(Files.exists(archive));
  }

  /** Issue 15, item 15: evaluating an archive decodes its test images only. */
  @Test
  void readTestLeavesTheTrainingImagesUndecoded() throws IOException {
    Path archive = new TarWriter().file("train/a/1.png", new byte[] {1, 2, 3}).file("train/b/1.png", png(1))
        .file("test/a/1.png", png(2)).file("test/b/1.png", png(3)).writeTarGz(dir.resolve("tt.tar.gz"));
    try (Dataset test = ImageArchiveReader.readTest(archive, ColorMode.RGB, 0, 0, false)) {
      assertEquals(2, test.size());
      assertEquals(List.of("a", "b"), test.classNames());
    }
    assertThrows(DatasetException.class, () -> ImageArchiveReader.read(archive, ColorMode.RGB, 0, 0, false));
  }
}
