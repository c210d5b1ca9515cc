package org.cnn4j.data;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes CIFAR binary records for tests: synthetic ones, or a real dataset's images as planes. */
final class CifarBinaryWriter {
  private CifarBinaryWriter() {
  }

  /** The synthetic pixel of image {@code seed} at (channel, y, x): every position differs. */
  static int pixel(int seed, int channel, int y, int x) {
    return (seed * 7 + channel * 50 + y * 3 + x) & 0xff;
  }

  /** One record per seed: the label bytes, then the planes R, G, B of {@link #pixel}. */
  static byte[] records(int[][] labelBytes, int firstSeed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int r = 0; r < labelBytes.length; r++) {
      for (int label : labelBytes[r]) {
        out.write(label);
      }
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            out.write(pixel(firstSeed + r, c, y, x));
          }
        }
      }
    }
    return out.toByteArray();
  }

  /** CIFAR-10 records with one label byte each. */
  static byte[] cifar10(int firstSeed, int... labels) {
    int[][] labelBytes = new int[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      labelBytes[i] = new int[] {labels[i]};
    }
    return records(labelBytes, firstSeed);
  }

  /** Writes images {@code [from, to)} of an RGB 32x32 dataset as a CIFAR-10 batch file. */
  static void write(Dataset dataset, int from, int to, Path file) throws IOException {
    byte[] hwc = new byte[3072];
    byte[] record = new byte[3073];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (int i = from; i < to; i++) {
        dataset.copyImage(i, hwc);
        record[0] = (byte) dataset.label(i);
        for (int p = 0; p < 1024; p++) {
          for (int c = 0; c < 3; c++) {
            record[1 + c * 1024 + p] = hwc[p * 3 + c];
          }
        }
        out.write(record);
      }
    }
  }
}
