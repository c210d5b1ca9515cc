package org.cnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The protobuf encoder on its own: known byte sequences of the wire format. */
class ProtoWriterTest {
  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
    return out;
  }

  @Test
  void varints() {
    assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().int64(1, 150).toByteArray());
    assertArrayEquals(bytes(0x08, 0x00), new ProtoWriter().int64(1, 0).toByteArray());
    assertArrayEquals(bytes(0x18, 0x7F, 0x18, 0x80, 0x01), new ProtoWriter().int64(3, 127).int64(3, 128).toByteArray());
    // int64 -1: ten bytes of two's complement
    assertArrayEquals(bytes(0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
        new ProtoWriter().int64(2, -1).toByteArray());
    assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F),
        new ProtoWriter().int64(1, Long.MAX_VALUE).toByteArray());
  }

  @Test
  void keysOfLargeFieldNumbers() {
    // field 20 (AttributeProto.type), varint: key 160 = 0xA0 0x01
    assertArrayEquals(bytes(0xA0, 0x01, 0x02), new ProtoWriter().int64(20, 2).toByteArray());
    assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().int64(0, 1));
  }

  @Test
  void floatsAreFixed32LittleEndian() {
    assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().float32(2, 1f).toByteArray());
    assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x00, 0xC0), new ProtoWriter().float32(2, -2f).toByteArray());
  }

  @Test
  void lengthDelimited() {
    assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
        new ProtoWriter().string(2, "testing").toByteArray());
    assertArrayEquals(bytes(0x0A, 0x02, 0xC3, 0xA9), new ProtoWriter().string(1, "\u00e9").toByteArray());
    assertArrayEquals(bytes(0x22, 0x00), new ProtoWriter().bytes(4, new byte[0]).toByteArray());
    ProtoWriter inner = new ProtoWriter().int64(1, 150);
    assertArrayEquals(bytes(0x1A, 0x03, 0x08, 0x96, 0x01), new ProtoWriter().message(3, inner).toByteArray());
  }

  @Test
  void longLengthsTakeSeveralBytes() {
    byte[] payload = new byte[300];
    byte[] out = new ProtoWriter().bytes(1, payload).toByteArray();
    assertArrayEquals(bytes(0x0A, 0xAC, 0x02), java.util.Arrays.copyOf(out, 3)); // 300 = 0b10_0101100
    org.junit.jupiter.api.Assertions.assertEquals(303, out.length);
  }

  @Test
  void packedAndRawData() {
    assertArrayEquals(bytes(0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05),
        new ProtoWriter().packedInt64(4, new long[] {3, 270, 86942}).toByteArray());
    assertArrayEquals(bytes(0x4A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0),
        new ProtoWriter().littleEndianFloats(9, new float[] {1f, -2f}).toByteArray());
  }

  @Test
  void onnxNodeWithAnAttribute() {
    OnnxGraph g = new OnnxGraph("g");
    g.node("Relu", "y", List.of("x"));
    g.node("Softmax", "z", List.of("y"), OnnxGraph.Attribute.of("axis", 1L));
    g.input(-1, 2);
    g.output("z", -1, 2);
    byte[] graph = g.encode().toByteArray();
    // GraphProto.node (1): NodeProto {input "x", output "y", name "y", op_type "Relu"}
    byte[] relu = bytes(0x0A, 0x0F, 0x0A, 0x01, 'x', 0x12, 0x01, 'y', 0x1A, 0x01, 'y', 0x22, 0x04, 'R', 'e', 'l', 'u');
    assertArrayEquals(relu, java.util.Arrays.copyOf(graph, relu.length));
    // the second node's attribute (NodeProto field 5): AttributeProto {name "axis", type INT (20: 2), i 1}
    byte[] attribute = bytes(0x2A, 0x0B, 0x0A, 0x04, 'a', 'x', 'i', 's', 0xA0, 0x01, 0x02, 0x18, 0x01);
    org.junit.jupiter.api.Assertions.assertTrue(indexOf(graph, attribute) > relu.length, "attribute bytes");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
