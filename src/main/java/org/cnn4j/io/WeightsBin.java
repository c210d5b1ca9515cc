package org.cnn4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/** Float32 tensors as little-endian bytes, in chunks, with their CRC32: the contents of weights.bin. */
final class WeightsBin {
  private static final int CHUNK = 1 << 16;

  private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

  /** The CRC32 of a tensor's bytes; also feeds them to {@code whole}, the CRC of all of weights.bin. */
  long crc(float[] values, CRC32 whole) {
    CRC32 crc = new CRC32();
    for (int from = 0; from < values.length; from += CHUNK / Float.BYTES) {
      int n = fill(values, from);
      crc.update(buffer.array(), 0, n);
      whole.update(buffer.array(), 0, n);
    }
    return crc.getValue();
  }

  void write(float[] values, OutputStream out) throws IOException {
    for (int from = 0; from < values.length; from += CHUNK / Float.BYTES) {
      out.write(buffer.array(), 0, fill(values, from));
    }
  }

  /**
   * Reads one tensor and checks its CRC32; returns its values, or null when
   * {@code keep} is false (checking only). {@code where} names the tensor in errors.
   */
  float[] read(InputStream in, WeightsIndex.Entry e, boolean keep, String where) throws IOException {
    float[] values = keep ? new float[(int) e.floats()] : null;
    CRC32 crc = new CRC32();
    long left = e.length();
    int at = 0;
    while (left > 0) {
      int want = (int) Math.min(CHUNK, left);
      int n = in.readNBytes(buffer.array(), 0, want);
      if (n < want) {
        throw new ModelFormatException(where + ": " + ModelArchive.WEIGHTS + " ends inside tensor '" + e.name()
            + "' (the file is truncated)");
      }
      crc.update(buffer.array(), 0, n);
      if (keep) {
        buffer.clear().limit(n);
        buffer.asFloatBuffer().get(values, at, n / Float.BYTES);
        at += n / Float.BYTES;
      }
      left -= n;
    }
    if (crc.getValue() != e.crc32()) {
      throw new ModelFormatException(where + ": tensor '" + e.name() + "' (bytes " + e.offset() + " to "
          + (e.offset() + e.length()) + " of " + ModelArchive.WEIGHTS
          + ") fails its CRC32 check: the file is corrupt");
    }
    return values;
  }

  private int fill(float[] values, int from) {
    int n = Math.min(CHUNK / Float.BYTES, values.length - from);
    buffer.clear();
    buffer.asFloatBuffer().put(values, from, n);
    return n * Float.BYTES;
  }
}
