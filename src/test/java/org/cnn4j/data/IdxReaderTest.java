package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  private static final int ROWS = 3;
  private static final int COLS = 4;

  @TempDir
  Path dir;

  /** An IDX file: magic, dimensions, data. */
  private static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    buffer.putInt(magic);
    for (int d : dims) {
      buffer.putInt(d);
    }
    return buffer.put(data).array();
  }

  private static byte[] images(int count) {
    byte[] pixels = new byte[count * ROWS * COLS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 5 + 1);
    }
    return idx(0x803, new int[] {count, ROWS, COLS}, pixels);
  }

  private static byte[] labels(int... values) {
    byte[] data = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      data[i] = (byte) values[i];
    }
    return idx(0x801, new int[] {values.length}, data);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static void assertDigits(Dataset d) {
    assertEquals(3, d.size());
    assertEquals(ROWS, d.height());
    assertEquals(COLS, d.width());
    assertEquals(1, d.channels());
    assertArrayEquals(new int[] {7, 0, 2}, d.labels());
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7"), d.classNames());
    byte[] second = d.image(1);
    assertEquals((byte) ((12 + 1 * COLS + 2) * 5 + 1), second[1 * COLS + 2]); // image 1, row 1, col 2
  }

  @Test
  void readsRawAndGzipFilesByContentNotName() throws IOException {
    try (Dataset raw = IdxReader.read(write("img", images(3)), write("lbl", labels(7, 0, 2)))) {
      assertDigits(raw);
    }
    // gzip under a name without .gz, raw under a name with .gz
    try (Dataset mixed = IdxReader.read(write("img2", gzip(images(3))), write("lbl2.gz", labels(7, 0, 2)))) {
      assertDigits(mixed);
    }
  }

  @Test
  void readsTheMnistFolderLayout() throws IOException {
    write("train-images-idx3-ubyte.gz", gzip(images(3)));
    write("train-labels-idx1-ubyte.gz", gzip(labels(7, 0, 2)));
    write("t10k-images-idx3-ubyte", images(2));
    write("t10k-labels-idx1-ubyte", labels(1, 1));
    try (TrainTest mnist = IdxReader.readMnist(dir)) {
      assertDigits(mnist.train());
      assertArrayEquals(new int[] {1, 1}, mnist.test().labels());
    }
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readMnist(dir));
    assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
  }

  @Test
  void rejectsWrongMagicNumbers() throws IOException {
    Path imgs = write("img", images(3));
    Path lbls = write("lbl", labels(7, 0, 2));
    var swapped = assertThrows(DatasetException.class, () -> IdxReader.read(lbls, imgs));
    assertTrue(swapped.getMessage().contains("0x00000803") && swapped.getMessage().contains("expected 0x00000801"),
        swapped.getMessage());
    Path png = write("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});
    var e = assertThrows(DatasetException.class, () -> IdxReader.read(imgs, png));
    assertTrue(e.getMessage().contains("png") && e.getMessage().contains("0x89504e47"), e.getMessage());
  }

  @Test
  void checksDeclaredSizesBeforeAllocating() throws IOException {
    Path lbls = write("lbl", labels(7, 0, 2));
    byte[] full = images(3);
    Path cut = write("cut", Arrays.copyOf(full, full.length - 5));
    var raw = assertThrows(DatasetException.class, () -> IdxReader.read(cut, lbls));
    assertTrue(raw.getMessage().contains("cut") && raw.getMessage().contains("[3, 3, 4] = 36 data bytes")
        && raw.getMessage().contains("has 31"), raw.getMessage());

    byte[] gz = gzip(full);
    Path cutGz = write("cut.gz", Arrays.copyOf(gz, gz.length - 6));
    assertThrows(DatasetException.class, () -> IdxReader.read(cutGz, lbls));

    // a header claiming 2^31-1 images must fail on the size check, not on allocation
    byte[] huge = images(3);
    ByteBuffer.wrap(huge).putInt(4, Integer.MAX_VALUE);
    Path liar = write("liar", huge);
    var big = assertThrows(DatasetException.class, () -> IdxReader.read(liar, lbls));
    assertTrue(big.getMessage().contains("2147483647"), big.getMessage());

    byte[] overflow = images(3); // 3 * (2^31-1)^2 bytes would overflow a long count
    ByteBuffer.wrap(overflow).putInt(8, Integer.MAX_VALUE).putInt(12, Integer.MAX_VALUE);
    Path overflowing = write("overflow", overflow);
    assertThrows(DatasetException.class, () -> IdxReader.read(overflowing, lbls));

    Path extra = write("extra", Arrays.copyOf(full, full.length + 1));
    assertThrows(DatasetException.class, () -> IdxReader.read(extra, lbls));
  }

  @Test
  void rejectsBadDimensionsAndCountMismatch() throws IOException {
    Path lbls = write("lbl", labels(7, 0, 2));
    Path zeroRows = write("zero", idx(0x803, new int[] {3, 0, 4}, new byte[0]));
    var dims = assertThrows(DatasetException.class, () -> IdxReader.read(zeroRows, lbls));
    assertTrue(dims.getMessage().contains("dimension 1") && dims.getMessage().contains("byte offset 8"),
        dims.getMessage());
    Path twoImages = write("two", images(2));
    var count = assertThrows(DatasetException.class, () -> IdxReader.read(twoImages, lbls));
    assertTrue(count.getMessage().contains("2 images") && count.getMessage().contains("3 labels"),
        count.getMessage());
    var missing = assertThrows(DatasetException.class, () -> IdxReader.read(dir.resolve("nope"), lbls));
    assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    Path empty = write("empty", new byte[0]);
    var tooShort = assertThrows(DatasetException.class, () -> IdxReader.read(twoImages, empty));
    assertTrue(tooShort.getMessage().contains("empty"), tooShort.getMessage());
  }
}
