package org.cnn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The CIFAR binary record layout shared by CIFAR-10 and CIFAR-100: a few label bytes, then a 32x32
 * image as three planes (1024 red, 1024 green, 1024 blue bytes, each row-major). Files are streamed
 * in chunks of records through small reused buffers and converted to NHWC; files are converted in
 * parallel, each into its own range of the dataset.
 */
final class CifarRecords {
  static final int SIDE = 32;
  static final int CHANNELS = 3;
  static final int PLANE = SIDE * SIDE; // 1024
  static final int IMAGE_BYTES = PLANE * CHANNELS; // 3072
  private static final int CHUNK = 256; // records per read: the buffers stay in cache

  private CifarRecords() {
  }

  /**
   * Builds one dataset from the records of {@code files}, in order.
   *
   * @param labelBytes label bytes before each image: 1 for CIFAR-10, 2 for CIFAR-100
   * @param labelIndex which of those bytes is the label
   */
  static Dataset toDataset(List<CifarFiles.Source> files, int labelBytes, int labelIndex,
      List<String> classNames) {
    int recordBytes = labelBytes + IMAGE_BYTES;
    int[] firstIndex = new int[files.size() + 1];
    for (int f = 0; f < files.size(); f++) {
      long end = firstIndex[f] + recordCount(files.get(f), recordBytes);
      if (end > Integer.MAX_VALUE) {
        throw new DatasetException("more than " + Integer.MAX_VALUE + " CIFAR records in " + files);
      }
      firstIndex[f + 1] = (int) end;
    }
    // every byte is written below, so the memory is not cleared first
    Dataset dataset = Dataset.allocate(firstIndex[files.size()], SIDE, SIDE, CHANNELS, classNames, false);
    try {
      IntStream.range(0, files.size()).parallel()
          .forEach(f -> copyRecords(files.get(f), recordBytes, labelIndex, dataset, firstIndex[f]));
      return dataset;
    } catch (RuntimeException e) {
      dataset.close();
      throw e;
    }
  }

  /** Checks that the file is a whole, non-zero number of records; checked before allocating. */
  private static long recordCount(CifarFiles.Source file, int recordBytes) {
    long length = file.size();
    if (length == 0) {
      throw new DatasetException(file.location() + " is empty, expected records of " + recordBytes
          + " bytes");
    }
    if (length % recordBytes != 0) {
      long whole = length / recordBytes;
      throw new DatasetException(file.location() + " is truncated: record " + whole
          + " at byte offset " + whole * recordBytes + " has " + (length % recordBytes)
          + " bytes, expected " + recordBytes + " (file size " + length + ")");
    }
    return length / recordBytes;
  }

  private static void copyRecords(CifarFiles.Source file, int recordBytes, int labelIndex,
      Dataset dataset, int firstIndex) {
    int count = (int) (file.size() / recordBytes);
    int numClasses = dataset.numClasses();
    byte[] records = new byte[CHUNK * recordBytes];
    byte[] images = new byte[CHUNK * IMAGE_BYTES];
    try (InputStream in = file.open()) {
      for (int start = 0; start < count; start += CHUNK) {
        int n = Math.min(CHUNK, count - start);
        int got = in.readNBytes(records, 0, n * recordBytes);
        if (got < n * recordBytes) {
          throw new DatasetException(file.location() + " ended at byte offset "
              + ((long) start * recordBytes + got) + ", expected " + file.size() + " bytes");
        }
        for (int r = 0; r < n; r++) {
          int label = records[r * recordBytes + labelIndex] & 0xff;
          if (label >= numClasses) {
            throw new DatasetException(file.location() + ": record " + (start + r)
                + " at byte offset " + (long) (start + r) * recordBytes + " has label "
                + label + ", expected 0 to " + (numClasses - 1));
          }
          dataset.setLabel(firstIndex + start + r, label);
          planarToInterleaved(records, r * recordBytes + recordBytes - IMAGE_BYTES, images,
              r * IMAGE_BYTES);
        }
        dataset.putBytes((long) (firstIndex + start) * IMAGE_BYTES, images, 0, n * IMAGE_BYTES);
      }
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file.location() + ": " + e, e);
    }
  }

  /** {3, 32, 32} planes -> {32, 32, 3} pixels. */
  private static void planarToInterleaved(byte[] src, int srcOffset, byte[] dst, int dstOffset) {
    for (int p = 0; p < PLANE; p++) {
      int d = dstOffset + p * CHANNELS;
      dst[d] = src[srcOffset + p];
      dst[d + 1] = src[srcOffset + PLANE + p];
      dst[d + 2] = src[srcOffset + 2 * PLANE + p];
    }
  }
}
