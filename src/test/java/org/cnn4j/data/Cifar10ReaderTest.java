package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
  @TempDir
  Path dir;

  /** Batch b (1..5) holds 2 records with seeds 10b, 10b+1; the test batch holds 3 with seeds 100.. */
  private void writeRelease(Path folder) throws IOException {
    Files.createDirectories(folder);
    for (int b = 1; b <= 5; b++) {
      Files.write(folder.resolve("data_batch_" + b + ".bin"), CifarBinaryWriter.cifar10(10 * b, b, 9 - b));
    }
    Files.write(folder.resolve("test_batch.bin"), CifarBinaryWriter.cifar10(100, 0, 9, 4));
  }

  private static void assertPixels(Dataset d, int index, int seed) {
    byte[] hwc = d.image(index);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(CifarBinaryWriter.pixel(seed, c, y, x), hwc[(y * 32 + x) * 3 + c] & 0xff,
              "image " + index + " at y=" + y + " x=" + x + " c=" + c);
        }
      }
    }
  }

  private static void assertRelease(TrainTest cifar) {
    assertEquals(10, cifar.train().size());
    assertEquals(3, cifar.test().size());
    assertEquals(32, cifar.train().height());
    assertEquals(3, cifar.train().channels());
    assertArrayEquals(new int[] {1, 8, 2, 7, 3, 6, 4, 5, 5, 4}, cifar.train().labels());
    assertArrayEquals(new int[] {0, 9, 4}, cifar.test().labels());
    assertPixels(cifar.train(), 0, 10);
    assertPixels(cifar.train(), 9, 51); // batches stay in order 1..5
    assertPixels(cifar.test(), 2, 102);
  }

  @Test
  void readsAFolderAndConvertsPlanesToNhwc() throws IOException {
    writeRelease(dir);
    try (TrainTest cifar = Cifar10Reader.read(dir)) {
      assertRelease(cifar);
      assertEquals(Cifar10Reader.CLASS_NAMES, cifar.train().classNames());
    }
  }

  @Test
  void findsTheReleaseSubfolder() throws IOException {
    writeRelease(dir.resolve("cifar-10-batches-bin"));
    try (TrainTest cifar = Cifar10Reader.read(dir)) {
      assertRelease(cifar);
    }
  }

  @Test
  void readsTheTarGzArchiveWithItsClassNames() throws IOException {
    writeRelease(dir.resolve("files"));
    TarWriter tar = new TarWriter().directory("cifar-10-batches-bin/")
        .file("cifar-10-batches-bin/readme.html", "<p>hi</p>")
        .file("cifar-10-batches-bin/batches.meta.txt", "a0\na1\na2\na3\na4\na5\na6\na7\na8\na9\n\n");
    for (String name : List.of("test_batch.bin", "data_batch_5.bin", "data_batch_1.bin",
        "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin")) { // any order in the archive
      tar.file("cifar-10-batches-bin/" + name, Files.readAllBytes(dir.resolve("files").resolve(name)));
    }
    try (TrainTest cifar = Cifar10Reader.read(tar.writeTarGz(dir.resolve("cifar-10-binary.tar.gz")))) {
      assertRelease(cifar);
      assertEquals("a3", cifar.test().classNames().get(3));
    }
  }

  @Test
  void reportsTruncatedRecordWithOffset() throws IOException {
    writeRelease(dir);
    Path batch = dir.resolve("data_batch_3.bin");
    byte[] bytes = Files.readAllBytes(batch);
    Files.write(batch, Arrays.copyOf(bytes, bytes.length - 100));
    var e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir));
    assertTrue(e.getMessage().contains("data_batch_3.bin") && e.getMessage().contains("record 1")
        && e.getMessage().contains("byte offset 3073") && e.getMessage().contains("expected 3073"),
        e.getMessage());
  }

  @Test
  void reportsLabelOutOfRange() throws IOException {
    writeRelease(dir);
    Files.write(dir.resolve("test_batch.bin"), CifarBinaryWriter.cifar10(0, 3, 3, 10));
    var e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir));
    assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("record 2")
        && e.getMessage().contains("byte offset 6146") && e.getMessage().contains("label 10")
        && e.getMessage().contains("0 to 9"), e.getMessage());
  }

  @Test
  void reportsMissingAndEmptyFiles() throws IOException {
    writeRelease(dir);
    Files.delete(dir.resolve("data_batch_4.bin"));
    var missing = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir));
    assertTrue(missing.getMessage().contains("data_batch_4.bin"), missing.getMessage());

    Files.write(dir.resolve("data_batch_4.bin"), new byte[0]);
    var empty = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir));
    assertTrue(empty.getMessage().contains("data_batch_4.bin is empty"), empty.getMessage());

    var nothing = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir.resolve("none")));
    assertTrue(nothing.getMessage().contains("none"), nothing.getMessage());

    Path incomplete = new TarWriter().file("cifar-10-batches-bin/test_batch.bin", CifarBinaryWriter.cifar10(0, 1))
        .writeTarGz(dir.resolve("partial.tar.gz"));
    var lacking = assertThrows(DatasetException.class, () -> Cifar10Reader.read(incomplete));
    assertTrue(lacking.getMessage().contains("partial.tar.gz") && lacking.getMessage().contains("data_batch_1.bin"),
        lacking.getMessage());
  }

  @Test
  void readsChosenBatches() throws IOException {
    writeRelease(dir);
    try (Dataset two = Cifar10Reader.readBatches(List.of(dir.resolve("test_batch.bin"), dir.resolve("data_batch_2.bin")))) {
      assertArrayEquals(new int[] {0, 9, 4, 2, 7}, two.labels());
      assertPixels(two, 4, 21);
    }
  }

  /** Issue 15, item 15: evaluating reads the test batch alone; the training batches need not even be there. */
  @Test
  void readsTheTestBatchAlone() throws IOException {
    writeRelease(dir);
    for (int b = 1; b <= 5; b++) Files.write(dir.resolve("data_batch_" + b + ".bin"), new byte[] {1});
    try (Dataset test = Cifar10Reader.readTest(dir)) {
      assertArrayEquals(new int[] {0, 9, 4}, test.labels());
    }
  }
}
