package org.cnn4j.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * An untrusted HDF5 file read through jhdf, every access checked: groups and
 * datasets by exact name (links are refused, so nothing outside the file is
 * ever opened), shapes compared with what the model expects before any data
 * is read, and any failure of the parser (a truncated or corrupt file) turned
 * into a {@link ModelFormatException} naming the file and the object.
 */
final class Hdf5 implements AutoCloseable {
  /** The 8 bytes every HDF5 file starts with (without a user block). */
  static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  /** The most entries a string-list attribute (layer_names, weight_names) may have. */
  static final int MAX_LIST = 100_000;

  /** Filters such as deflate expand data at most about 1032 times; more means a corrupt or hostile file. */
  private static final long MAX_EXPANSION = 1100;

  private final HdfFile file;
  private final String shown;
  private final long size;

  private Hdf5(HdfFile file, String shown, long size) {
    this.file = file;
    this.shown = shown;
    this.size = size;
  }

  /** Opens a file on disk; {@code shown} names it in errors. */
  static Hdf5 open(Path path, String shown) {
    if (!Files.isRegularFile(path)) throw new ModelFormatException(shown + ": no such file");
    long size;
    try {
      size = Files.size(path);
    } catch (java.io.IOException e) {
      throw new ModelFormatException(shown + ": cannot read: " + e, e);
    }
    return new Hdf5(parse(() -> new HdfFile(path), shown), shown, size);
  }

  /** Opens a file held in memory (a zip entry). */
  static Hdf5 fromBytes(byte[] bytes, String shown) {
    return new Hdf5(parse(() -> HdfFile.fromByteBuffer(ByteBuffer.wrap(bytes)), shown), shown, bytes.length);
  }

  private static HdfFile parse(Supplier<HdfFile> opener, String shown) {
    try {
      return opener.get();
    } catch (RuntimeException e) {
      throw new ModelFormatException(shown + ": not a readable HDF5 file (" + describe(e) + ")", e);
    }
  }

  String shown() {
    return shown;
  }

  Group root() {
    return file;
  }

  /** The child group {@code name}, or null when there is none; a dataset or link of that name is an error. */
  Group group(Group parent, String name) {
    Node n = child(parent, name);
    if (n == null) return null;
    if (!(n instanceof Group g)) throw error(parent, name, "is a dataset, expected a group");
    return g;
  }

  /** The child group at a path of names separated by '/', or null when some part is missing. */
  Group groupAt(Group parent, String path) {
    Group g = parent;
    for (String part : path.split("/")) {
      if (part.isEmpty()) continue;
      g = group(g, part);
      if (g == null) return null;
    }
    return g;
  }

  /** The dataset at a path of names separated by '/' (Keras 2 weight names hold slashes), or null. */
  Dataset datasetAt(Group parent, String path) {
    String[] parts = path.split("/");
    Group g = parent;
    for (int i = 0; i < parts.length - 1; i++) {
      if (parts[i].isEmpty()) continue;
      g = group(g, parts[i]);
      if (g == null) return null;
    }
    Node n = child(g, parts[parts.length - 1]);
    if (n == null) return null;
    if (!(n instanceof Dataset d)) throw error(g, parts[parts.length - 1], "is a group, expected a dataset");
    return d;
  }

  /** The names of a group's children, in the file's order. */
  List<String> children(Group g) {
    return call(() -> new ArrayList<>(g.getChildren().keySet()), g.getPath());
  }

  private Node child(Group parent, String name) {
    Node n = call(() -> parent.getChildren().get(name), path(parent, name));
    if (n != null && n.isLink()) {
      throw error(parent, name, "is a link; cnn4j reads only objects stored in the file itself");
    }
    return n;
  }

  /** A text attribute (Keras's model_config, stored as bytes or as a string), or null when absent. */
  String text(Node node, String name) {
    Attribute a = attribute(node, name);
    if (a == null) return null;
    checkBytes(a, node.getPath() + "@" + name);
    Object v = call(a::getData, node.getPath() + "@" + name);
    if (v instanceof String s) return s;
    if (v instanceof String[] s && s.length == 1) return s[0];
    throw new ModelFormatException(shown + ": attribute " + name + " of " + node.getPath() + " is not text but "
        + describeValue(v));
  }

  /**
   * A list of names, as Keras's save_attributes_to_hdf5_group stores them: one attribute {@code name}, or
   * when long {@code name0}, {@code name1}, ...; null when absent. An empty numeric array counts as an empty list.
   */
  List<String> names(Node node, String name) {
    Attribute whole = attribute(node, name);
    if (whole != null) return strings(node, name, whole, new ArrayList<>());
    if (attribute(node, name + "0") == null) return null;
    List<String> out = new ArrayList<>();
    for (int chunk = 0; ; chunk++) {
      Attribute a = attribute(node, name + chunk);
      if (a == null) return out;
      strings(node, name + chunk, a, out);
    }
  }

  private List<String> strings(Node node, String name, Attribute a, List<String> out) {
    String where = node.getPath() + "@" + name;
    long count = call(a::getSize, where);
    if (count + out.size() > MAX_LIST) {
      throw new ModelFormatException(shown + ": attribute " + where + " lists " + count + " names; the limit is "
          + MAX_LIST);
    }
    checkBytes(a, where);
    if (size == 0 || call(a::isEmpty, where)) return out;
    Object v = call(a::getData, where);
    if (v instanceof String s) {
      out.add(s);
    } else if (v instanceof String[] s) {
      out.addAll(Arrays.asList(s));
    } else {
      throw new ModelFormatException(shown + ": attribute " + where + " should list names but holds "
          + describeValue(v));
    }
    return out;
  }

  /** An attribute's values cannot take more bytes than the file has. */
  private void checkBytes(Attribute a, String where) {
    long bytes = call(a::getSizeInBytes, where);
    if (bytes < 0 || bytes > size) {
      throw new ModelFormatException(shown + ": attribute " + where + " declares " + bytes + " bytes in a file of "
          + size + ": the file is truncated or corrupt");
    }
  }

  private Attribute attribute(Node node, String name) {
    return call(() -> node.getAttributes().get(name), node.getPath() + "@" + name);
  }

  /** The dataset's dimensions (empty for a scalar). */
  int[] dims(Dataset d) {
    return call(() -> d.isScalar() ? new int[0] : d.getDimensions(), d.getPath());
  }

  /**
   * A floating-point dataset of exactly {@code shape}, as float32 values in C (row-major) order: float16
   * widens exactly, float64 narrows when every value fits a float. The shape is checked before any data
   * is read; {@code what} names the weight in errors.
   */
  float[] floats(Dataset d, int[] shape, String what) {
    int[] dims = dims(d);
    if (!Arrays.equals(dims, shape)) {
      throw new ModelFormatException(shown + ": " + what + ": " + d.getPath() + " has shape "
          + Arrays.toString(dims) + " but the model expects " + Arrays.toString(shape));
    }
    if (!(call(d::getDataType, d.getPath()) instanceof FloatingPoint fp)) {
      throw new ModelFormatException(shown + ": " + what + ": " + d.getPath() + " holds "
          + typeName(d) + " values; cnn4j reads float16, float32 and float64 weights");
    }
    int bytes = fp.getSize();
    if (bytes != 2 && bytes != 4 && bytes != 8) {
      throw new ModelFormatException(shown + ": " + what + ": " + d.getPath() + " holds " + (8 * bytes)
          + "-bit floats; cnn4j reads float16, float32 and float64 weights");
    }
    // The values take (count x bytes); they must come from stored bytes within the file, expanded at most
    // as much as a compression filter can, before anything of that size is allocated.
    long count = 1;
    for (int x : shape) count *= x;
    long stored = call(d::getStorageInBytes, d.getPath());
    if (stored < 0 || stored > size || count * bytes > stored * MAX_EXPANSION + (1 << 20)) {
      throw new ModelFormatException(shown + ": " + what + ": " + d.getPath() + " declares " + count * bytes
          + " bytes of values from " + stored + " stored bytes in a file of " + size + ": the file is truncated "
          + "or corrupt");
    }
    Object flat = call(dims.length == 0 ? d::getData : d::getDataFlat, d.getPath());
    if (flat instanceof float[] f) return f;
    if (flat instanceof Float f) return new float[] {f};
    double[] v = flat instanceof Double x ? new double[] {x} : (double[]) flat;
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
      if (Float.isInfinite(out[i]) && !Double.isInfinite(v[i])) {
        throw new ModelFormatException(shown + ": " + what + ": " + d.getPath() + " holds the float64 value "
            + v[i] + ", beyond float32's range");
      }
    }
    return out;
  }

  /** A scalar integer dataset (an optimizer's iteration count); null when it holds something else. */
  Long integer(Dataset d) {
    if (dims(d).length > 1 || call(d::getSize, d.getPath()) != 1) return null;
    if (!(call(d::getDataType, d.getPath()) instanceof FixedPoint)) return null;
    Object v = call(d.isScalar() ? d::getData : d::getDataFlat, d.getPath());
    if (v.getClass().isArray()) v = Array.get(v, 0);
    return v instanceof Number n ? n.longValue() : null;
  }

  private String typeName(Dataset d) {
    Object t = call(d::getDataType, d.getPath());
    if (t instanceof FixedPoint f) return (f.isSigned() ? "int" : "uint") + (8 * f.getSize());
    return t.getClass().getSimpleName();
  }

  private static String describeValue(Object v) {
    return v == null ? "nothing" : v.getClass().isArray() ? v.getClass().getComponentType().getSimpleName()
        + " values" : v.getClass().getSimpleName();
  }

  private ModelFormatException error(Group parent, String name, String what) {
    return new ModelFormatException(shown + ": " + path(parent, name) + " " + what);
  }

  private static String path(Group parent, String name) {
    String p = parent.getPath();
    return (p.endsWith("/") ? p : p + "/") + name;
  }

  /** Runs a jhdf call; its failures on a corrupt or truncated file become errors naming the object. */
  <T> T call(Supplier<T> read, String where) {
    try {
      return read.get();
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException(shown + ": cannot read " + where + ": the file is truncated or corrupt ("
          + describe(e) + ")", e);
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (RuntimeException e) {
      // Closing a file we only read cannot lose data.
    }
  }
}
