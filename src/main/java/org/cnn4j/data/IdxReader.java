package org.cnn4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads MNIST-style IDX files (MNIST, Fashion-MNIST, KMNIST and the like): an images file with
 * magic 0x00000803 and dimensions (count, rows, columns), and a labels file with magic 0x00000801
 * and one unsigned byte per image. Files may be raw or gzip-compressed (recognised by their first
 * bytes, not their names). Images come out as rows x columns x 1; classes are named "0" up to the
 * largest label.
 *
 * <pre>{@code
 * try (TrainTest mnist = IdxReader.readMnist(Path.of("mnist"))) {
 *     Dataset train = mnist.train();   // 60,000 x 28x28x1, 10 classes
 * }
 * }</pre>
 */
public final class IdxReader {
  private static final Logger log = LoggerFactory.getLogger(IdxReader.class);

  private static final int IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions
  private static final int LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension
  private static final int CHUNK = 1 << 20;
  private static final long TOO_BIG = Long.MAX_VALUE / 4; // more than any file holds

  private IdxReader() {
  }

  /**
   * Reads one images file and its labels file. Headers are checked against the real data size
   * before any memory is allocated.
   *
   * @throws DatasetException on a missing file, wrong magic number, impossible dimensions, a size
   *     that disagrees with the header, or different image and label counts
   */
  public static Dataset read(Path imagesFile, Path labelsFile) {
    byte[] labels = readLabels(labelsFile);
    try (IdxInput in = IdxInput.open(imagesFile, IMAGES_MAGIC)) {
      int count = in.dims[0];
      if (count != labels.length) {
        throw new DatasetException(imagesFile + " holds " + count + " images but " + labelsFile
            + " holds " + labels.length + " labels, expected equal counts");
      }
      int maxLabel = 0;
      boolean[] seen = new boolean[256];
      for (byte label : labels) {
        maxLabel = Math.max(maxLabel, label & 0xff);
        seen[label & 0xff] = true;
      }
      int unseen = 0;
      for (int c = 0; c <= maxLabel; c++) unseen += seen[c] ? 0 : 1;
      if (unseen > 0) {
        // IDX has no class count: classes are 0..max label, and a stray label makes many empty classes.
        log.warn("{}: labels go up to {} but {} of the classes 0..{} have no image; the model gets {} outputs",
            labelsFile, maxLabel, unseen, maxLabel, maxLabel + 1);
      }
      List<String> classNames = IntStream.rangeClosed(0, maxLabel).mapToObj(Integer::toString).toList();
      Dataset dataset = Dataset.allocate(count, in.dims[1], in.dims[2], 1, classNames, false);
      try {
        for (int i = 0; i < count; i++) {
          dataset.setLabel(i, labels[i] & 0xff);
        }
        byte[] chunk = new byte[CHUNK];
        for (long done = 0; done < in.dataBytes; done += CHUNK) {
          int n = (int) Math.min(CHUNK, in.dataBytes - done);
          in.readFully(chunk, n);
          dataset.putBytes(done, chunk, 0, n); // 1 channel: IDX order is already NHWC
        }
        in.expectEnd();
        return dataset;
      } catch (RuntimeException e) {
        dataset.close();
        throw e;
      }
    }
  }

  /**
   * Reads a folder in the MNIST layout: {@code train-images-idx3-ubyte},
   * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
   * {@code t10k-labels-idx1-ubyte}, each optionally ending in {@code .gz}.
   */
  public static TrainTest readMnist(Path folder) {
    Dataset train = read(find(folder, "train-images-idx3-ubyte"), find(folder, "train-labels-idx1-ubyte"));
    try {
      return new TrainTest(train,
          read(find(folder, "t10k-images-idx3-ubyte"), find(folder, "t10k-labels-idx1-ubyte")));
    } catch (RuntimeException e) {
      train.close();
      throw e;
    }
  }

  /** The test pair of a folder in the MNIST layout ({@code t10k-*}) only, for evaluating. */
  public static Dataset readMnistTest(Path folder) {
    return read(find(folder, "t10k-images-idx3-ubyte"), find(folder, "t10k-labels-idx1-ubyte"));
  }

  private static byte[] readLabels(Path labelsFile) {
    try (IdxInput in = IdxInput.open(labelsFile, LABELS_MAGIC)) {
      if (in.dims[0] == 0) {
        throw new DatasetException(labelsFile + " declares 0 labels, expected at least one");
      }
      byte[] labels = new byte[in.dims[0]];
      in.readFully(labels, labels.length);
      in.expectEnd();
      return labels;
    }
  }

  private static Path find(Path folder, String name) {
    for (Path candidate : new Path[] {folder.resolve(name), folder.resolve(name + ".gz")}) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new DatasetException("missing " + folder.resolve(name) + " (or " + name + ".gz) in " + folder);
  }

  /** An IDX file opened past its header, the header already checked against the file size. */
  private static final class IdxInput implements AutoCloseable {
    final Path file;
    final DataInputStream in;
    final int[] dims;
    final long dataBytes;
    long offset; // of the uncompressed content

    private IdxInput(Path file, DataInputStream in, int[] dims, long dataBytes, long offset) {
      this.file = file;
      this.in = in;
      this.dims = dims;
      this.dataBytes = dataBytes;
      this.offset = offset;
    }

    static IdxInput open(Path file, int expectedMagic) {
      if (!Files.isRegularFile(file)) {
        throw new DatasetException("IDX file " + file + " does not exist or is not a file");
      }
      DataInputStream in = null;
      try {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        in = new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw), 1 << 16) : raw);
        long realSize = gzip ? gzipContentSize(file) : Files.size(file);
        int magic = in.readInt();
        if (magic != expectedMagic) {
          throw new DatasetException(file + ": magic number at byte offset 0 is 0x"
              + String.format("%08x", magic) + ", expected 0x" + String.format("%08x", expectedMagic)
              + " (unsigned bytes, " + (expectedMagic & 0xff) + " dimension(s))");
        }
        int[] dims = new int[expectedMagic & 0xff];
        long dataBytes = 1;
        for (int d = 0; d < dims.length; d++) {
          dims[d] = in.readInt();
          if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
            throw new DatasetException(file + ": dimension " + d + " at byte offset " + (4 + 4 * d)
                + " is " + dims[d] + ", expected a positive size");
          }
          // saturate rather than overflow: the size check below then fails
          dataBytes = dataBytes > TOO_BIG / Math.max(1, dims[d]) ? TOO_BIG : dataBytes * dims[d];
        }
        long headerBytes = 4 + 4L * dims.length;
        long declared = headerBytes + dataBytes;
        // gzip records the content size modulo 2^32, and deflate shrinks by at most 1032:1
        boolean fits = gzip
            ? (declared & 0xffffffffL) == realSize && declared <= Files.size(file) * 1032
            : declared == realSize;
        if (!fits) {
          throw new DatasetException(file + ": header declares dimensions "
              + Arrays.toString(dims) + " = " + dataBytes + " data bytes after the "
              + headerBytes + "-byte header, but the " + (gzip ? "uncompressed " : "") + "file has "
              + (realSize - headerBytes) + " (truncated or corrupt)");
        }
        return new IdxInput(file, in, dims, dataBytes, headerBytes);
      } catch (IOException e) {
        closeQuietly(in);
        throw new DatasetException(file + ": cannot read the IDX header (expected magic 0x"
            + String.format("%08x", expectedMagic) + " and its dimensions): " + e, e);
      } catch (RuntimeException e) {
        closeQuietly(in);
        throw e;
      }
    }

    void readFully(byte[] buffer, int length) {
      try {
        in.readFully(buffer, 0, length);
        offset += length;
      } catch (IOException e) {
        throw new DatasetException(file + ": cannot read " + length + " bytes at byte offset "
            + offset + " of " + (dataBytes + 4 + 4L * dims.length) + " declared: " + e, e);
      }
    }

    void expectEnd() {
      try {
        if (in.read() != -1) {
          throw new DatasetException(file + ": unexpected data after byte offset " + offset
              + ", expected the file to end there");
        }
      } catch (IOException e) {
        throw new DatasetException(file + ": cannot read at byte offset " + offset + ": " + e, e);
      }
    }

    @Override
    public void close() {
      closeQuietly(in);
    }

    /** The ISIZE trailer of a gzip file: its uncompressed size modulo 2^32. */
    private static long gzipContentSize(Path file) throws IOException {
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
        if (f.length() < 18) {
          throw new DatasetException(file + " is a gzip file of only " + f.length()
              + " bytes, expected at least 18");
        }
        f.seek(f.length() - 4);
        int littleEndian = f.readInt();
        return Integer.reverseBytes(littleEndian) & 0xffffffffL;
      }
    }

    private static void closeQuietly(InputStream in) {
      try {
        if (in != null) {
          in.close();
        }
      } catch (IOException ignored) {
        // nothing was written, so nothing can be lost
      }
    }
  }
}
