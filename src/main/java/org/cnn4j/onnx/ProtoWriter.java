package org.cnn4j.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Protocol Buffers wire format, written field by field: varints (int32, int64,
 * enums; negative values take ten bytes, as the format says), 32-bit floats,
 * length-delimited bytes, strings and nested messages, and packed repeated
 * values. Enough to write an ONNX model without a protobuf runtime.
 *
 * <p>A message is written into its own writer and then embedded in its parent
 * with {@link #message}, which prefixes its length. Messages are limited to
 * 2 GiB, as protobuf itself limits them.
 */
final class ProtoWriter {
  /** Wire types: the low three bits of a field's key. */
  static final int VARINT = 0;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  /** The largest message protobuf (and so ONNX) can read. */
  static final long MAX_MESSAGE_BYTES = Integer.MAX_VALUE - 8;

  private byte[] buf = new byte[64];
  private int size;

  /** A varint field: int32, int64, bool or enum (negative numbers as ten-byte two's complement). */
  ProtoWriter int64(int field, long value) {
    key(field, VARINT);
    varint(value);
    return this;
  }

  /** A float field (fixed32, little-endian IEEE 754). */
  ProtoWriter float32(int field, float value) {
    key(field, FIXED32);
    fixed32(Float.floatToRawIntBits(value));
    return this;
  }

  /** A string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    key(field, LENGTH_DELIMITED);
    varint(value.length);
    append(value, 0, value.length);
    return this;
  }

  /** An embedded message: its length, then its bytes. */
  ProtoWriter message(int field, ProtoWriter message) {
    key(field, LENGTH_DELIMITED);
    varint(message.size);
    append(message.buf, 0, message.size);
    return this;
  }

  /** A packed repeated varint field: one key, the byte length, then the varints. */
  ProtoWriter packedInt64(int field, long[] values) {
    ProtoWriter body = new ProtoWriter();
    for (long v : values) body.varint(v);
    key(field, LENGTH_DELIMITED);
    varint(body.size);
    append(body.buf, 0, body.size);
    return this;
  }

  /**
   * A bytes field holding the floats little-endian, as ONNX's raw_data wants them (on the wire
   * the same bytes as a packed repeated float field).
   */
  ProtoWriter littleEndianFloats(int field, float[] values) {
    key(field, LENGTH_DELIMITED);
    varint(4L * values.length);
    ensure(4L * values.length);
    for (float f : values) fixed32(Float.floatToRawIntBits(f));
    return this;
  }

  /** The bytes written so far. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  int size() {
    return size;
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(buf, 0, size);
  }

  private void key(int field, int wireType) {
    if (field < 1 || field > (1 << 29) - 1) throw new IllegalArgumentException("bad protobuf field number " + field);
    varint(((long) field << 3) | wireType);
  }

  /** Seven bits a byte, low bits first, the high bit set on every byte but the last. */
  private void varint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  private void fixed32(int bits) {
    ensure(4);
    buf[size++] = (byte) bits;
    buf[size++] = (byte) (bits >>> 8);
    buf[size++] = (byte) (bits >>> 16);
    buf[size++] = (byte) (bits >>> 24);
  }

  private void append(byte[] b, int from, int n) {
    ensure(n);
    System.arraycopy(b, from, buf, size, n);
    size += n;
  }

  private void ensure(long more) {
    long needed = size + more;
    if (needed > MAX_MESSAGE_BYTES) {
      throw new IllegalStateException("the ONNX model would be over 2 GiB, the largest protobuf message; "
          + "cnn4j does not write ONNX's external-data files");
    }
    if (needed > buf.length) buf = Arrays.copyOf(buf, (int) Math.min(MAX_MESSAGE_BYTES, Math.max(needed, 2L * buf.length)));
  }
}
