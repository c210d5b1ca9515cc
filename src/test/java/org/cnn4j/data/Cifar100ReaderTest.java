package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar100ReaderTest {
  @TempDir
  Path dir;

  private void writeRelease(Path folder, int badFineLabel) throws IOException {
    Files.createDirectories(folder);
    Files.write(folder.resolve("train.bin"), CifarBinaryWriter.records(new int[][] {{3, 17}, {19, 99}}, 0));
    Files.write(folder.resolve("test.bin"), CifarBinaryWriter.records(new int[][] {{0, badFineLabel}}, 5));
  }

  @Test
  void readsFineOrCoarseLabels() throws IOException {
    writeRelease(dir, 42);
    try (TrainTest fine = Cifar100Reader.read(dir, Cifar100Reader.Labels.FINE)) {
      assertArrayEquals(new int[] {17, 99}, fine.train().labels());
      assertArrayEquals(new int[] {42}, fine.test().labels());
      assertEquals(100, fine.train().numClasses());
      assertEquals("99", fine.train().classNames().get(99));
      byte[] hwc = fine.train().image(1);
      assertEquals(CifarBinaryWriter.pixel(1, 2, 31, 30), hwc[(31 * 32 + 30) * 3 + 2] & 0xff);
      assertEquals(CifarBinaryWriter.pixel(1, 0, 0, 1), hwc[3] & 0xff);
    }
    try (TrainTest coarse = Cifar100Reader.read(dir, Cifar100Reader.Labels.COARSE)) {
      assertArrayEquals(new int[] {3, 19}, coarse.train().labels());
      assertEquals(20, coarse.train().numClasses());
    }
  }

  @Test
  void takesClassNamesFromTheNamesFilesAndTheSubfolder() throws IOException {
    Path release = dir.resolve("cifar-100-binary");
    writeRelease(release, 1);
    String coarse = IntStream.range(0, 20).mapToObj(i -> "super" + i).collect(Collectors.joining("\n"));
    Files.writeString(release.resolve("coarse_label_names.txt"), coarse + "\n");
    try (TrainTest cifar = Cifar100Reader.read(dir, Cifar100Reader.Labels.COARSE)) {
      assertEquals("super19", cifar.train().classNames().get(19));
    }
    Files.writeString(release.resolve("fine_label_names.txt"), "apple\nbanana\n");
    var e = assertThrows(DatasetException.class, () -> Cifar100Reader.read(dir, Cifar100Reader.Labels.FINE));
    assertTrue(e.getMessage().contains("fine_label_names.txt") && e.getMessage().contains("expected 100"),
        e.getMessage());
  }

  @Test
  void reportsFineLabelOutOfRange() throws IOException {
    writeRelease(dir, 100);
    var e = assertThrows(DatasetException.class, () -> Cifar100Reader.read(dir, Cifar100Reader.Labels.FINE));
    assertTrue(e.getMessage().contains("test.bin") && e.getMessage().contains("record 0")
        && e.getMessage().contains("label 100") && e.getMessage().contains("0 to 99"), e.getMessage());
  }

  @Test
  void reportsTruncatedFile() throws IOException {
    writeRelease(dir, 1);
    Files.write(dir.resolve("train.bin"), new byte[3074 + 10]);
    var e = assertThrows(DatasetException.class, () -> Cifar100Reader.read(dir, Cifar100Reader.Labels.FINE));
    assertTrue(e.getMessage().contains("train.bin") && e.getMessage().contains("byte offset 3074")
        && e.getMessage().contains("expected 3074"), e.getMessage());
  }
}
