package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The zip container of a model file: exactly metadata.json, config.json and
 * weights.bin, all stored uncompressed. Reading checks the entry names (so
 * nothing else, and no path, is ever looked at), each entry's size against
 * its declaration and limit, the JSON entries' zip CRC32, the format and its
 * version, and each tensor's CRC32 from the index. Entries are read in
 * memory, never extracted to disk.
 */
final class ModelArchive implements AutoCloseable {
  static final String METADATA = "metadata.json";
  static final String CONFIG = "config.json";
  static final String WEIGHTS = "weights.bin";
  private static final List<String> ENTRIES = List.of(METADATA, CONFIG, WEIGHTS);

  private final Path file;
  private final ZipFile zip;
  private final Map<String, ZipEntry> entries;

  private ModelArchive(Path file, ZipFile zip, Map<String, ZipEntry> entries) {
    this.file = file;
    this.zip = zip;
    this.entries = entries;
  }

  /** Opens {@code file}; errors name {@code shownAs} (the target, when checking a temporary file). */
  static ModelArchive open(Path file, Path shownAs) throws IOException {
    if (Files.isDirectory(file)) throw new ModelFormatException(shownAs + ": is a directory, not a model file");
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new ModelFormatException(shownAs + ": no such model file", e);
    } catch (ZipException e) {
      throw new ModelFormatException(shownAs + ": not a cnn4j model file: not a zip archive, or truncated ("
          + e.getMessage() + ")", e);
    }
    try {
      return new ModelArchive(shownAs, zip, entries(zip, shownAs));
    } catch (RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  /** metadata.json, parsed, with its format and version checked. */
  JsonNode metadata() throws IOException {
    String where = file + ": " + METADATA;
    JsonNode meta = Json.parse(text(entries.get(METADATA)), where);
    if (!meta.isObject() || !ModelFile.FORMAT.equals(meta.path("format").asText(null))) {
      throw new ModelFormatException(where + ": not a cnn4j model file (\"format\" is " + meta.path("format")
          + ", expected \"" + ModelFile.FORMAT + "\")");
    }
    JsonNode v = meta.path("format_version");
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new ModelFormatException(where + ": bad format_version " + v);
    }
    if (v.intValue() > ModelFile.FORMAT_VERSION) {
      throw new ModelFormatException(where + ": format_version " + v.intValue() + " (written by cnn4j "
          + meta.path("cnn4j_version").asText("?") + ") is newer than this cnn4j (" + ModelFile.cnn4jVersion()
          + ") reads (up to " + ModelFile.FORMAT_VERSION + "); upgrade cnn4j to load it");
    }
    return meta;
  }

  /** config.json, parsed. */
  JsonNode config() throws IOException {
    return Json.parse(text(entries.get(CONFIG)), file + ": " + CONFIG);
  }

  /** The index in metadata.json, checked against the size of weights.bin. */
  WeightsIndex index(JsonNode metadata) {
    return WeightsIndex.parse(metadata.path("weights"), file + ": " + METADATA, entries.get(WEIGHTS).getSize());
  }

  /** Every tensor of weights.bin in index order, each CRC-checked; with {@code keep} false, checks only. */
  List<float[]> tensors(WeightsIndex index, boolean keep) throws IOException {
    List<float[]> out = new ArrayList<>();
    WeightsBin bin = new WeightsBin();
    try (InputStream in = new BufferedInputStream(zip.getInputStream(entries.get(WEIGHTS)), 1 << 16)) {
      for (WeightsIndex.Entry t : index.all()) out.add(bin.read(in, t, keep, file.toString()));
    } catch (ZipException e) {
      throw new ModelFormatException(file + ": " + WEIGHTS + " is corrupt: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }

  /** Writes the three entries; {@code weightsCrc} is the CRC32 of all of weights.bin. */
  static void write(OutputStream out, byte[] metadata, byte[] config, WeightsIndex index, long weightsCrc,
      List<float[]> tensors, Instant time) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    put(zip, METADATA, metadata.length, crc(metadata), time, z -> z.write(metadata));
    put(zip, CONFIG, config.length, crc(config), time, z -> z.write(config));
    WeightsBin bin = new WeightsBin();
    put(zip, WEIGHTS, index.bytes, weightsCrc, time, z -> {
      for (float[] v : tensors) bin.write(v, z);
    });
    zip.finish(); // not close(): the caller still has to flush the file to disk
  }

  /** Reads a just-written file back (entries, format, index, every CRC) before it may replace {@code target}. */
  static void check(Path written, Path target) throws IOException {
    try (ModelArchive a = open(written, target)) {
      JsonNode meta = a.metadata();
      a.config();
      a.tensors(a.index(meta), false);
    }
  }

  private interface Body {
    void write(OutputStream out) throws IOException;
  }

  /** Stored, not deflated: weights barely compress, and stored entries declare size and CRC up front. */
  private static void put(ZipOutputStream zip, String name, long size, long crc, Instant time, Body body)
      throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(size);
    e.setCompressedSize(size);
    e.setCrc(crc);
    e.setTime(time.toEpochMilli());
    zip.putNextEntry(e);
    body.write(zip);
    zip.closeEntry();
  }

  private static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  /** The three entries by name; anything else in the zip, a duplicate or a missing one is an error. */
  private static Map<String, ZipEntry> entries(ZipFile zip, Path file) {
    Map<String, ZipEntry> found = new HashMap<>();
    List<String> unexpected = new ArrayList<>();
    zip.stream().limit(1000).forEach(e -> {
      if (!ENTRIES.contains(e.getName())) {
        unexpected.add(e.getName());
      } else if (found.put(e.getName(), e) != null) {
        throw new ModelFormatException(file + ": corrupt model file: two entries named " + e.getName());
      }
    });
    if (unexpected.contains("model.weights.h5")) {
      throw new ModelFormatException(file + ": this is a Keras .keras file, not a cnn4j model file; load it with "
          + "Model.load or KerasFile.load");
    }
    if (!unexpected.isEmpty()) {
      String shown = unexpected.size() <= 5 ? unexpected.toString() : unexpected.subList(0, 5) + " ...";
      throw new ModelFormatException(file + ": not a cnn4j model file: unexpected entries " + shown
          + " (a cnn4j model file holds exactly " + String.join(", ", ENTRIES) + ")");
    }
    for (String name : ENTRIES) {
      if (!found.containsKey(name)) {
        throw new ModelFormatException(file + ": not a cnn4j model file, or an incomplete one: no " + name);
      }
    }
    ZipEntry w = found.get(WEIGHTS);
    if (w.getMethod() != ZipEntry.STORED || w.getSize() < 0 || w.getCompressedSize() != w.getSize()) {
      throw new ModelFormatException(file + ": " + WEIGHTS + " must be stored uncompressed, as cnn4j writes it");
    }
    return found;
  }

  /** A JSON entry: at most 16 MB, exactly its declared size, with the CRC32 the zip declares. */
  private String text(ZipEntry e) throws IOException {
    long declared = e.getSize();
    if (declared < 0 || declared > Json.MAX_BYTES) {
      throw new ModelFormatException(file + ": " + e.getName() + " declares " + declared + " bytes; the limit is "
          + Json.MAX_BYTES);
    }
    byte[] b;
    try (InputStream in = zip.getInputStream(e)) {
      b = in.readNBytes((int) declared + 1);
    } catch (ZipException ex) {
      throw new ModelFormatException(file + ": " + e.getName() + " is corrupt: " + ex.getMessage(), ex);
    }
    if (b.length != declared) {
      throw new ModelFormatException(file + ": " + e.getName() + " declares " + declared + " bytes but holds "
          + (b.length > declared ? "more" : b.length) + " (the file is truncated or corrupt)");
    }
    if (e.getCrc() != -1 && crc(b) != e.getCrc()) {
      throw new ModelFormatException(file + ": " + e.getName() + " fails its CRC32 check: the file is corrupt");
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
