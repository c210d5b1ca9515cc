package org.cnn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.layers.Layer;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Model;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras's model files, in and out.
 *
 * <ul>
 *   <li>Keras 3 {@code .keras}: a zip of {@code config.json} (the model's config, with its compile_config),
 *       {@code metadata.json} and {@code model.weights.h5} (HDF5: {@code layers/<name>/vars/<i>},
 *       {@code optimizer/vars/<i>}, see {@link KerasWeights}). Read and written.
 *   <li>Keras 2 HDF5 whole models ({@code model.save("m.h5")}): attribute {@code model_config} (the JSON),
 *       {@code training_config} (optimizer, loss, metrics), group {@code model_weights} and, when saved with
 *       the optimizer, {@code optimizer_weights}. Read.
 *   <li>Weights alone: Keras 2's {@code save_weights("w.h5")} and Keras 3's {@code save_weights("w.weights.h5")},
 *       applied to a model built from its JSON or in Java with {@link #loadWeights}. Read.
 * </ul>
 *
 * <pre>{@code
 * try (Model m = KerasFile.load(Path.of("model.keras"))) { ... }         // or Model.load: it dispatches here
 * try (Model m = KerasModelConfig.fromJson(Path.of("model.json"))) {
 *   KerasFile.loadWeights(m, Path.of("weights.h5"));                    // or m.loadWeights(path)
 *   KerasFile.save(m, Path.of("copy.keras"));                           // or m.save(path) with .keras
 * }
 * }</pre>
 *
 * <p>Files are untrusted. Nothing in them is run (a Lambda layer or any class cnn4j lacks is an error);
 * zip entries are read in memory by their exact names, never extracted, and a name that would leave the
 * archive's folder is refused; every tensor's shape is compared with the model's before its data is
 * read; an entry's size is checked against its compressed size before it is read. Weights may be
 * float16, float32 or float64 (converted to float32 when every value fits). Optimizer state is loaded
 * when the model is compiled with Adam, AdamW or SGD and the state has that optimizer's layout;
 * otherwise it is skipped with a logged warning.
 */
public final class KerasFile {
  private static final Logger log = LoggerFactory.getLogger(KerasFile.class);

  /** The Keras version whose saving code the {@code .keras} layout was checked against. */
  public static final String KERAS_VERSION = "3.16.0";
  static final String CONFIG = "config.json";
  static final String METADATA = "metadata.json";
  static final String WEIGHTS = "model.weights.h5";
  /** model.weights.h5 is held in one byte array. */
  static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 16;
  /** DEFLATE expands at most about 1032 times; a larger declared size is a lie (a zip bomb). */
  private static final long MAX_DEFLATE_RATIO = 1100;
  private static final int MAX_ENTRIES = 10_000;

  private KerasFile() {}

  /** True for a file that starts as HDF5 does, or a zip that holds Keras's model.weights.h5 (or .npz). */
  public static boolean isKerasFile(Path file) {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(8);
    } catch (IOException e) {
      return false;
    }
    if (Arrays.equals(head, Hdf5.SIGNATURE)) return true;
    if (head.length < 4 || head[0] != 'P' || head[1] != 'K') return false;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return zip.getEntry(WEIGHTS) != null || zip.getEntry("model.weights.npz") != null;
    } catch (IOException e) {
      return file.getFileName().toString().endsWith(".keras");
    }
  }

  /**
   * Loads a {@code .keras} file or a Keras 2 whole-model HDF5 file: the architecture, its weights, the
   * compile settings when cnn4j supports them (else uncompiled, with a warning), and the optimizer's state.
   *
   * @throws ModelFormatException naming the file, the layer and what was found, for anything that does not fit
   */
  public static Model load(Path file) {
    if (!Files.isRegularFile(file)) throw new ModelFormatException(file + ": no such model file");
    return isHdf5(file) ? loadHdf5(file) : loadKeras(file);
  }

  /**
   * Sets a built model's weights (and its optimizer's state, when it is compiled with the same optimizer)
   * from any Keras file: weights alone ({@code save_weights}), a whole-model {@code .h5} or a {@code .keras}.
   * Everything is read and checked before the model's weights change.
   */
  public static void loadWeights(Model model, Path file) {
    if (model.inputShape() == null) {
      throw new IllegalStateException("model '" + model.name() + "' has no input shape yet; build it before "
          + "loading weights");
    }
    if (!Files.isRegularFile(file)) throw new ModelFormatException(file + ": no such weights file");
    if (isHdf5(file)) {
      try (Hdf5 h5 = Hdf5.open(file, file.toString())) {
        KerasWeights.apply(model, KerasWeights.read(h5, model));
      }
      return;
    }
    try (ZipFile zip = openZip(file)) {
      Map<String, ZipEntry> entries = entries(zip, file);
      try (Hdf5 h5 = Hdf5.fromBytes(weightsBytes(zip, entries, file), file + ": " + WEIGHTS)) {
        KerasWeights.apply(model, KerasWeights.read(h5, model));
      }
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e, e);
    }
  }

  private static boolean isHdf5(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(8), Hdf5.SIGNATURE);
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e, e);
    }
  }

  // ---- .keras in ----------------------------------------------------------------------------------------

  private static Model loadKeras(Path file) {
    try (ZipFile zip = openZip(file)) {
      Map<String, ZipEntry> entries = entries(zip, file);
      ZipEntry configEntry = entries.get(CONFIG);
      if (configEntry == null) {
        throw new ModelFormatException(file + ": not a .keras file, or an incomplete one: no " + CONFIG);
      }
      JsonNode config = Json.parse(text(zip, configEntry, file), file + ": " + CONFIG);
      JsonNode meta = entries.containsKey(METADATA)
          ? Json.parse(text(zip, entries.get(METADATA), file), file + ": " + METADATA) : Json.object();
      if (!meta.isObject()) throw new ModelFormatException(file + ": " + METADATA + " is not a JSON object");
      log.debug("{}: written by Keras {}", file, meta.path("keras_version").asText("?"));
      byte[] weights = weightsBytes(zip, entries, file);
      Model model = KerasModelConfig.read(config, file + ": " + CONFIG, true);
      try (Hdf5 h5 = Hdf5.fromBytes(weights, file + ": " + WEIGHTS)) {
        if (model.inputShape() == null) throw new ModelFormatException(file + ": " + CONFIG + ": the model has no input shape");
        KerasWeights.Read read = KerasWeights.read(h5, model);
        JsonNode own = meta.path("cnn4j");
        String where = file + ": " + METADATA + ": cnn4j";
        model.classNames(ModelFile.classNames(own.path("class_names"), where));
        if (model.classNames() != null && model.classNames().size() != model.outputUnits()) {
          throw new ModelFormatException(where + ".class_names has " + model.classNames().size()
              + " names but the model has " + model.outputUnits() + " outputs");
        }
        model.preprocessing(ModelFile.preprocessing(own.path("preprocessing"), where));
        if (model.optimizer() != null && own.hasNonNull("weight_decay_exclusions")) {
          CompileSettings.exclusionsFromJson(own.get("weight_decay_exclusions"), model.optimizer(),
              where + ".weight_decay_exclusions");
        }
        if (own.hasNonNull("label_smoothing")) smoothSparseLoss(model, own.get("label_smoothing"), where);
        KerasWeights.apply(model, read);
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read the .keras file: " + e, e);
    }
  }

  /** Gives a compiled model's sparse loss the label smoothing that cnn4j keeps in metadata.json for it. */
  private static void smoothSparseLoss(Model model, JsonNode value, String where) {
    if (!value.isNumber() || !(value.doubleValue() >= 0 && value.doubleValue() < 1)) {
      throw new ModelFormatException(where + ".label_smoothing must be a number in [0, 1), got " + value);
    }
    if (model.loss() == null) return; // an uncompiled model: there is no loss to smooth
    if (!(model.loss() instanceof SparseCategoricalCrossentropy sparse)) {
      throw new ModelFormatException(where + ".label_smoothing is for a sparse loss, but the model's loss is "
          + model.loss().name());
    }
    model.compile(model.optimizer(), new SparseCategoricalCrossentropy(sparse.fromLogits(), value.floatValue()),
        model.metrics().toArray(String[]::new));
  }

  private static ZipFile openZip(Path file) throws IOException {
    try {
      return new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new ModelFormatException(file + ": not a .keras file (a zip archive), or a truncated or corrupt one ("
          + e.getMessage() + ")", e);
    }
  }

  /** The entries by name; a name that could leave the archive's folder, or a duplicate, refuses the file. */
  private static Map<String, ZipEntry> entries(ZipFile zip, Path file) {
    Map<String, ZipEntry> found = new HashMap<>();
    int[] count = {0};
    zip.stream().forEach(e -> {
      if (++count[0] > MAX_ENTRIES) {
        throw new ModelFormatException(file + ": more than " + MAX_ENTRIES + " zip entries; not a .keras file");
      }
      String n = e.getName();
      if (n.startsWith("/") || n.contains("\\") || n.contains(":") || n.contains("\0")
          || Arrays.asList(n.split("/")).contains("..")) {
        throw new ModelFormatException(file + ": zip entry '" + n + "' would leave the archive's folder; the file "
            + "is refused");
      }
      if (found.put(n, e) != null) throw new ModelFormatException(file + ": two zip entries are named '" + n + "'");
      if (!n.equals(CONFIG) && !n.equals(METADATA) && !n.equals(WEIGHTS) && !e.isDirectory()) {
        log.warn("{}: entry '{}' is not used by cnn4j and is ignored", file, n);
      }
    });
    return found;
  }

  private static byte[] weightsBytes(ZipFile zip, Map<String, ZipEntry> entries, Path file) throws IOException {
    ZipEntry w = entries.get(WEIGHTS);
    if (w == null) {
      throw new ModelFormatException(file + ": no " + WEIGHTS + (entries.containsKey("model.weights.npz")
          ? " (its weights are in model.weights.npz, which cnn4j does not read; save with Keras's default h5)"
          : "; not a .keras file, or an incomplete one"));
    }
    return bytes(zip, w, MAX_WEIGHTS_BYTES, file);
  }

  private static String text(ZipFile zip, ZipEntry e, Path file) throws IOException {
    return new String(bytes(zip, e, Json.MAX_BYTES, file), StandardCharsets.UTF_8);
  }

  /** An entry's bytes: its declared size within {@code limit} and its compressed size, then its CRC32. */
  private static byte[] bytes(ZipFile zip, ZipEntry e, long limit, Path file) throws IOException {
    long declared = e.getSize();
    long compressed = e.getCompressedSize();
    String where = file + ": " + e.getName();
    if (declared < 0 || declared > limit) {
      throw new ModelFormatException(where + " declares " + declared + " bytes; the limit is " + limit);
    }
    if (e.getMethod() == ZipEntry.STORED ? compressed != declared
        : compressed < 0 || declared > compressed * MAX_DEFLATE_RATIO + 1024) {
      throw new ModelFormatException(where + " declares " + declared + " bytes from " + compressed
          + " compressed bytes: the file is corrupt");
    }
    byte[] b;
    try (InputStream in = zip.getInputStream(e)) {
      b = in.readNBytes((int) declared + 1); // grows with the data actually read, not with the declaration
    } catch (ZipException | java.io.EOFException ex) {
      throw new ModelFormatException(where + " is corrupt or truncated: " + ex.getMessage(), ex);
    }
    if (b.length != declared) {
      throw new ModelFormatException(where + " declares " + declared + " bytes but holds "
          + (b.length > declared ? "more" : b.length) + " (the file is truncated or corrupt)");
    }
    CRC32 crc = new CRC32();
    crc.update(b);
    if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
      throw new ModelFormatException(where + " fails its CRC32 check: the file is corrupt");
    }
    return b;
  }

  // ---- Keras 2 HDF5 in -----------------------------------------------------------------------------------

  private static Model loadHdf5(Path file) {
    try (Hdf5 h5 = Hdf5.open(file, file.toString())) {
      String config = h5.text(h5.root(), "model_config");
      if (config == null) {
        throw new ModelFormatException(file + ": holds weights only (Keras's save_weights), no architecture; build "
            + "the model (KerasModelConfig.fromJson, or in Java) and call model.loadWeights(file), or on the "
            + "command line give --model MODEL.json --weights " + file.getFileName());
      }
      String where = file + ": model_config";
      Model model = KerasModelConfig.read(Json.parse(config, where), where, false);
      try {
        if (model.inputShape() == null) throw new ModelFormatException(where + ": the model has no input shape");
        String training = h5.text(h5.root(), "training_config");
        if (training != null) compile(model, Json.parse(training, file + ": training_config"), file);
        KerasWeights.apply(model, KerasWeights.read(h5, model));
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
  }

  /** Keras 2's training_config (optimizer_config, loss, metrics) as compile settings; unsupported: a warning. */
  private static void compile(Model model, JsonNode training, Path file) {
    ObjectNode c = Json.object();
    c.set("optimizer", training.get("optimizer_config"));
    c.set("loss", training.get("loss"));
    JsonNode metrics = training.get("metrics");
    if (metrics != null && metrics.isArray() && metrics.size() == 1 && metrics.get(0).isArray()) {
      metrics = metrics.get(0); // one list per output
    }
    c.set("metrics", metrics);
    for (String k : new String[] {"loss_weights", "weighted_metrics"}) {
      JsonNode n = training.get(k);
      if (n != null && !(n.isArray() && n.isEmpty())) c.set(k, n);
    }
    try {
      CompileSettings.fromJson(c, file + ": training_config").applyTo(model);
    } catch (ModelFormatException e) {
      log.warn("{}; the model is left uncompiled and its optimizer state is skipped", e.getMessage());
    }
  }

  // ---- .keras out ---------------------------------------------------------------------------------------

  /**
   * Writes a built model as a Keras 3 {@code .keras} file, atomically: config.json (with its compile_config
   * when compiled), metadata.json (Keras's fields, and cnn4j's class names, preprocessing and weight-decay
   * exclusions, which Keras ignores) and model.weights.h5 in Keras 3's layout, the optimizer's state included.
   *
   * @throws ModelFormatException when a layer or the optimizer has no Keras form
   * @throws UncheckedIOException when the file cannot be written; a previous file there is then untouched
   */
  public static void save(Model model, Path file) {
    if (model.inputShape() == null) {
      throw new IllegalStateException("model '" + model.name() + "' has no input shape yet; build it before saving");
    }
    byte[] config = KerasModelConfig.toJson(model).getBytes(StandardCharsets.UTF_8);
    ObjectNode meta = Json.object();
    meta.put("keras_version", KERAS_VERSION);
    meta.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    ObjectNode own = meta.putObject("cnn4j");
    own.put("version", ModelFile.cnn4jVersion());
    if (model.classNames() != null) model.classNames().forEach(own.putArray("class_names")::add);
    own.set("preprocessing", ModelFile.preprocessingToJson(model.preprocessing()));
    if (model.optimizer() != null && model.loss() != null) {
      ObjectNode exclusions = CompileSettings.exclusionsToJson(model.optimizer());
      if (exclusions != null) own.set("weight_decay_exclusions", exclusions);
      float smoothing = CompileSettings.smoothingKerasCannotRead(model.loss());
      if (smoothing != 0) own.put("label_smoothing", Json.decimal(smoothing));
    }
    byte[] metadata = Json.pretty(meta).getBytes(StandardCharsets.UTF_8);
    try {
      byte[] weights = weightsFile(model, file);
      AtomicWrite.write(file, out -> zip(out, metadata, config, weights), written -> {
        try (ZipFile zip = openZip(written)) {
          Map<String, ZipEntry> entries = entries(zip, written);
          text(zip, entries.get(CONFIG), written);
          text(zip, entries.get(METADATA), written);
          try (Hdf5 h5 = Hdf5.fromBytes(weightsBytes(zip, entries, written), written + ": " + WEIGHTS)) {
            if (h5.group(h5.root(), "layers") == null) throw new IOException("written file has no layers group");
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model '" + model.name() + "' to " + file + ": "
          + AtomicWrite.describe(e) + "; any previous file there is untouched", e);
    }
  }

  /** model.weights.h5's bytes, written by jhdf to a temporary file beside the target and read back. */
  private static byte[] weightsFile(Model model, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".h5.tmp");
    try {
      try (WritableHdfFile h5 = HdfFile.write(tmp)) {
        writeWeights(model, h5);
      } catch (RuntimeException e) {
        throw new FileSystemException(tmp.toString(), null, "cannot write HDF5: " + e.getMessage());
      }
      byte[] bytes = Files.readAllBytes(tmp);
      verify(model, bytes, target);
      return bytes;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Keras 3's layout: layers/<class_snake[_k]>/vars/<i>, optimizer/vars/<i>; each vars names its owner. */
  private static void writeWeights(Model model, WritableHdfFile h5) {
    List<float[]> values = model.getWeights();
    WritableGroup layers = h5.putGroup("layers");
    Map<String, Integer> used = new HashMap<>();
    int k = 0;
    for (Layer l : model.layers()) {
      String name = KerasWeights.uniqueName(KerasWeights.snakeCase(l.kerasType()), used);
      List<Parameter> params = l.parameters();
      // Layers without weights get no group: Keras reads a missing one as empty, and jhdf 0.10 misplaces
      // an empty group written after a dataset.
      if (params.isEmpty()) continue;
      WritableGroup vars = layers.putGroup(name).putGroup("vars");
      vars.putAttribute("name", l.name());
      for (int i = 0; i < params.size(); i++) {
        vars.putDataset(Integer.toString(i), shaped(values.get(k++), params.get(i).kerasShape()));
      }
    }
    Optimizer o = model.optimizer();
    if (model.loss() != null && (o instanceof Adam || o instanceof SGD)) {
      WritableGroup vars = h5.putGroup("optimizer").putGroup("vars");
      vars.putAttribute("name", String.valueOf(o.config().get("name")));
      vars.putDataset("0", model.counter().get());
      int next = 1;
      if (o.schedule() == null) vars.putDataset(Integer.toString(next++), o.learningRate());
      List<String> slots = o instanceof Adam ? List.of("m", "v")
          : ((Number) o.config().get("momentum")).doubleValue() != 0 ? List.of("momentum") : List.of();
      ParameterArena arena = model.arena();
      for (Parameter p : arena.trainableParameters()) {
        for (String s : slots) {
          float[] v = arena.slotNames().contains(s) ? arena.getSlot(p, s) : new float[(int) p.size()];
          vars.putDataset(Integer.toString(next++), shaped(v, p.kerasShape()));
        }
      }
    }
  }

  /** Reads the written weights back and compares every tensor: jhdf's writer is young. */
  private static void verify(Model model, byte[] h5bytes, Path target) throws IOException {
    try (Hdf5 h5 = Hdf5.fromBytes(h5bytes, target + ": " + WEIGHTS)) {
      List<float[]> back = KerasWeights.read(h5, model).weights();
      List<float[]> weights = model.getWeights();
      for (int i = 0; i < weights.size(); i++) {
        if (!Arrays.equals(weights.get(i), back.get(i))) {
          throw new IOException("the HDF5 written for " + model.weightNames().get(i) + " reads back differently");
        }
      }
    } catch (ModelFormatException e) {
      throw new IOException("the HDF5 written reads back badly: " + e.getMessage(), e);
    }
  }

  /** A flat C-order array as a Java array of the given shape, which jhdf writes with that shape. */
  static Object shaped(float[] flat, int[] shape) {
    if (shape.length <= 1) return flat.clone();
    int[] offset = {0};
    return fill(flat, shape, 0, offset);
  }

  private static Object fill(float[] flat, int[] shape, int axis, int[] offset) {
    if (axis == shape.length - 1) {
      float[] row = Arrays.copyOfRange(flat, offset[0], offset[0] + shape[axis]);
      offset[0] += shape[axis];
      return row;
    }
    Object first = fill(flat, shape, axis + 1, offset);
    Object out = Array.newInstance(first.getClass(), shape[axis]);
    Array.set(out, 0, first);
    for (int i = 1; i < shape[axis]; i++) Array.set(out, i, fill(flat, shape, axis + 1, offset));
    return out;
  }

  private static void zip(OutputStream out, byte[] metadata, byte[] config, byte[] weights) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    for (Object[] e : new Object[][] {{METADATA, metadata}, {CONFIG, config}, {WEIGHTS, weights}}) {
      byte[] b = (byte[]) e[1];
      ZipEntry entry = new ZipEntry((String) e[0]);
      entry.setMethod(ZipEntry.STORED); // as Keras writes it
      entry.setSize(b.length);
      entry.setCompressedSize(b.length);
      CRC32 crc = new CRC32();
      crc.update(b);
      entry.setCrc(crc.getValue());
      zip.putNextEntry(entry);
      zip.write(b);
      zip.closeEntry();
    }
    zip.finish(); // the caller flushes the file to disk
  }
}
