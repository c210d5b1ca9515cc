package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of contents of weights.bin, kept in metadata.json: for each tensor
 * its name, Keras shape, byte offset, byte length and CRC32. The weights come
 * first in the model's order, then each optimizer slot ("m", "v", "momentum")
 * with one tensor per weight in the same order; tensors are back to back.
 *
 * <pre>{@code
 * "weights": {"file": "weights.bin", "dtype": "float32", "byte_order": "little_endian", "layout": "keras",
 *   "bytes": 4240552,
 *   "tensors": [{"name": "conv2d/kernel", "shape": [3, 3, 3, 32], "offset": 0, "length": 3456, "crc32": 12345}, ...],
 *   "optimizer_slots": {"m": [...], "v": [...]}}
 * }</pre>
 */
final class WeightsIndex {
  /** One tensor of float32 values in weights.bin. */
  record Entry(String name, int[] shape, long offset, long length, long crc32) {
    long floats() {
      return length / Float.BYTES;
    }
  }

  final List<Entry> weights;
  final Map<String, List<Entry>> slots;
  final long bytes;

  WeightsIndex(List<Entry> weights, Map<String, List<Entry>> slots) {
    this.weights = List.copyOf(weights);
    this.slots = new LinkedHashMap<>(slots);
    long end = 0;
    for (Entry e : all()) end = e.offset() + e.length();
    this.bytes = end;
  }

  /** Every tensor in file order. */
  List<Entry> all() {
    List<Entry> out = new ArrayList<>(weights);
    slots.values().forEach(out::addAll);
    return out;
  }

  ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("file", ModelArchive.WEIGHTS);
    n.put("dtype", "float32");
    n.put("byte_order", "little_endian");
    n.put("layout", "keras");
    n.put("bytes", bytes);
    n.set("tensors", entries(weights));
    ObjectNode s = n.putObject("optimizer_slots");
    slots.forEach((name, list) -> s.set(name, entries(list)));
    return n;
  }

  private static ArrayNode entries(List<Entry> list) {
    ArrayNode a = Json.array();
    for (Entry e : list) {
      ObjectNode o = a.addObject();
      o.put("name", e.name());
      ArrayNode shape = o.putArray("shape");
      for (int d : e.shape()) shape.add(d);
      o.put("offset", e.offset());
      o.put("length", e.length());
      o.put("crc32", e.crc32());
    }
    return a;
  }

  /**
   * Reads and checks the index: known encoding, lengths that match shapes,
   * tensors back to back from offset 0, and a total equal to {@code entryBytes},
   * the size of weights.bin in the zip.
   */
  static WeightsIndex parse(JsonNode n, String where, long entryBytes) {
    if (!n.isObject()) throw bad(where, "\"weights\" is missing");
    expect(n, "dtype", "float32", where);
    expect(n, "byte_order", "little_endian", where);
    expect(n, "layout", "keras", where);
    long[] offset = {0};
    List<Entry> weights = entries(n.path("tensors"), where + ": weights.tensors", offset);
    Map<String, List<Entry>> slots = new LinkedHashMap<>();
    JsonNode s = n.path("optimizer_slots");
    if (!s.isMissingNode() && !s.isNull()) {
      if (!s.isObject()) throw bad(where, "weights.optimizer_slots must be an object");
      for (Map.Entry<String, JsonNode> e : s.properties()) {
        slots.put(e.getKey(), entries(e.getValue(), where + ": weights.optimizer_slots." + e.getKey(), offset));
      }
    }
    JsonNode declared = n.path("bytes");
    if (!declared.isMissingNode() && !(declared.canConvertToExactIntegral() && declared.longValue() == entryBytes)) {
      throw bad(where, "weights.bytes is " + declared + " but " + ModelArchive.WEIGHTS + " holds " + entryBytes
          + " bytes (the file is truncated or corrupt)");
    }
    if (offset[0] != entryBytes) {
      throw bad(where, "the index describes " + offset[0] + " bytes of weights but " + ModelArchive.WEIGHTS
          + " holds " + entryBytes + " (the file is truncated or corrupt)");
    }
    return new WeightsIndex(weights, slots);
  }

  private static List<Entry> entries(JsonNode a, String where, long[] offset) {
    if (!a.isArray()) throw new ModelFormatException(where + ": expected a list of tensors");
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode e = a.get(i);
      String at = where + "[" + i + "]";
      if (!e.path("name").isTextual()) throw new ModelFormatException(at + ": \"name\" is missing");
      at += " '" + e.get("name").textValue() + "'";
      JsonNode sh = e.path("shape");
      if (!sh.isArray() || sh.isEmpty() || sh.size() > 8) throw new ModelFormatException(at + ": bad \"shape\" " + sh);
      int[] shape = new int[sh.size()];
      long floats = 1;
      for (int k = 0; k < shape.length; k++) {
        long d = integer(sh.get(k), at + ": shape");
        if (d < 1 || d > Integer.MAX_VALUE) throw new ModelFormatException(at + ": bad \"shape\" " + sh);
        shape[k] = (int) d;
        floats = Math.min(floats * d, 1L << 32); // saturates: d < 2^31, so no overflow
      }
      long off = integer(e.get("offset"), at + ": offset");
      long len = integer(e.get("length"), at + ": length");
      long crc = integer(e.get("crc32"), at + ": crc32");
      if (len != floats * Float.BYTES) {
        throw new ModelFormatException(at + ": length " + len + " does not fit shape " + Arrays.toString(shape)
            + " of float32 (" + floats * Float.BYTES + " bytes)");
      }
      if (off != offset[0]) {
        throw new ModelFormatException(at + ": offset " + off + ", expected " + offset[0]
            + " (tensors are stored back to back)");
      }
      if (crc < 0 || crc > 0xFFFFFFFFL) throw new ModelFormatException(at + ": bad crc32 " + crc);
      offset[0] += len;
      out.add(new Entry(e.get("name").textValue(), shape, off, len, crc));
    }
    return out;
  }

  private static long integer(JsonNode v, String where) {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw new ModelFormatException(where + " must be a non-negative integer, got " + v);
    }
    return v.longValue();
  }

  private static void expect(JsonNode n, String key, String value, String where) {
    if (!value.equals(n.path(key).asText(null))) {
      throw bad(where, "weights." + key + " is " + n.path(key) + "; this cnn4j reads \"" + value + "\"");
    }
  }

  private static ModelFormatException bad(String where, String what) {
    return new ModelFormatException(where + ": " + what);
  }
}
