package org.cnn4j.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small MNIST-style IDX files for command tests: two classes, told apart by brightness. */
final class Idx {
  private Idx() {}

  static void write(Path images, Path labels, int n, int h, int w) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(images))) {
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(h);
      out.writeInt(w);
      for (int i = 0; i < n; i++) for (int p = 0; p < h * w; p++) out.writeByte(i % 2 == 0 ? 30 : 220);
    }
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(labels))) {
      out.writeInt(0x00000801);
      out.writeInt(n);
      for (int i = 0; i < n; i++) out.writeByte(i % 2);
    }
  }
}
