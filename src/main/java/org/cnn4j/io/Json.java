package org.cnn4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of this package: Jackson's tree model only (never data binding, so
 * reading a file can never instantiate a class the file names), with limits on
 * document size, nesting and token lengths, and duplicate keys rejected.
 */
final class Json {
  /** The largest JSON document (config.json, metadata.json) read. */
  static final int MAX_BYTES = 16 << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxDocumentLength(MAX_BYTES).maxNestingDepth(64).maxStringLength(1 << 20)
          .maxNameLength(1 << 10).maxNumberLength(64).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Parses a document; {@code source} names it in the error ("config.json in model.cnn4j"). */
  static JsonNode parse(String json, String source) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || n.isMissingNode()) throw new ModelFormatException(source + ": empty document");
      return n;
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(source + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() : ""), e);
    }
  }

  /** Reads a UTF-8 text file of at most {@link #MAX_BYTES}, checking the size before reading. */
  static String readText(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new ModelFormatException(file + ": " + size + " bytes is larger than the " + MAX_BYTES
          + "-byte limit for a model config");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** One line with Python's separators, as Keras's {@code model.to_json()} writes it. */
  static String compact(JsonNode n) {
    try {
      return MAPPER.writer(new PythonStyle()).writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Indented, for files people read (metadata.json). */
  static String pretty(JsonNode n) {
    try {
      return MAPPER.writer(new DefaultPrettyPrinter().withSeparators(Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))).writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A float as the shortest decimal that reads back as the same float: 0.3f as 0.3, not 0.30000001192092896. */
  static double decimal(double floatValue) {
    return Double.parseDouble(Float.toString((float) floatValue));
  }

  /**
   * Plain Java values (Map with String keys, List, String, Number, Boolean, null)
   * as a JSON tree; anything else is an IllegalArgumentException naming {@code where}.
   */
  static JsonNode fromPlain(Object v, String where) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null) return f.nullNode();
    if (v instanceof String s) return f.textNode(s);
    if (v instanceof Boolean b) return f.booleanNode(b);
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return f.numberNode(((Number) v).longValue());
    }
    if (v instanceof Float x) return f.numberNode(decimal(x));
    if (v instanceof Double x) {
      if (!Double.isFinite(x)) throw new IllegalArgumentException(where + ": " + x + " has no JSON form");
      return f.numberNode(x);
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = f.objectNode();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new IllegalArgumentException(where + ": map keys must be strings, got " + e.getKey());
        }
        o.set(k, fromPlain(e.getValue(), where + "." + k));
      }
      return o;
    }
    if (v instanceof List<?> l) {
      ArrayNode a = f.arrayNode();
      for (int i = 0; i < l.size(); i++) a.add(fromPlain(l.get(i), where + "[" + i + "]"));
      return a;
    }
    throw new IllegalArgumentException(where + ": cannot save a " + v.getClass().getName()
        + "; use maps, lists, strings, numbers, booleans or null");
  }

  /** The inverse of {@link #fromPlain}: Long for integers, Double for other numbers. */
  static Object toPlain(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (n.isTextual()) return n.textValue();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
    if (n.isNumber()) return n.doubleValue();
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) m.put(e.getKey(), toPlain(e.getValue()));
      return m;
    }
    List<Object> l = new ArrayList<>();
    for (JsonNode x : n) l.add(toPlain(x));
    return l;
  }

  /** Python's json.dumps separators: ", " between items and ": " after keys. */
  private static final class PythonStyle extends MinimalPrettyPrinter {
    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }
}
