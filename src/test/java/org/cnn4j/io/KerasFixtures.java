package org.cnn4j.io;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes Keras files the way Keras lays them out, from known values, for the tests: HDF5 through jhdf,
 * zips through java.util.zip. Nothing here uses cnn4j's own writer.
 */
final class KerasFixtures {
  private KerasFixtures() {}

  /** A tensor: its Keras shape and its values in C order. */
  record Tensor(int[] shape, float[] values) {
    static Tensor random(long seed, double scale, int... shape) {
      int n = 1;
      for (int d : shape) n *= d;
      float[] v = new float[n];
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
      return new Tensor(shape, v);
    }

    /** Positive values in [lo, lo + span): variances. */
    static Tensor positive(long seed, double lo, double span, int... shape) {
      Tensor t = random(seed, 1, shape);
      for (int i = 0; i < t.values.length; i++) t.values[i] = (float) (lo + span * (t.values[i] + 1) / 2);
      return t;
    }

    /** The values as a Java array of the tensor's rank (1, 2 or 4), which jhdf writes with that shape. */
    Object array() {
      switch (shape.length) {
        case 1 -> {
          return values.clone();
        }
        case 2 -> {
          float[][] a = new float[shape[0]][shape[1]];
          for (int i = 0; i < shape[0]; i++) for (int j = 0; j < shape[1]; j++) a[i][j] = values[i * shape[1] + j];
          return a;
        }
        case 4 -> {
          float[][][][] a = new float[shape[0]][shape[1]][shape[2]][shape[3]];
          int k = 0;
          for (float[][][] x : a) for (float[][] y : x) for (float[] z : y) for (int l = 0; l < z.length; l++) z[l] = values[k++];
          return a;
        }
        default -> throw new IllegalArgumentException("rank " + shape.length);
      }
    }
  }

  /** Writes an HDF5 file with jhdf. */
  static void hdf5(Path file, Consumer<WritableHdfFile> body) {
    try (WritableHdfFile h5 = HdfFile.write(file)) {
      body.accept(h5);
    }
  }

  /** Keras 3's weights: layers/&lt;path&gt;/vars/0..n-1 for each (path, tensors) with weights, then optimizer/vars. */
  static void keras3Weights(WritableHdfFile h5, Map<String, List<Tensor>> layers, List<Object> optimizer) {
    WritableGroup root = h5.putGroup("layers");
    for (Map.Entry<String, List<Tensor>> e : layers.entrySet()) {
      if (e.getValue().isEmpty()) continue; // as Keras before 3.6; jhdf 0.10 cannot write an empty group after data
      WritableGroup vars = root.putGroup(e.getKey()).putGroup("vars");
      vars.putAttribute("name", e.getKey());
      List<Tensor> ts = e.getValue();
      for (int i = 0; i < ts.size(); i++) vars.putDataset(Integer.toString(i), ts.get(i).array());
    }
    if (optimizer != null) {
      WritableGroup vars = h5.putGroup("optimizer").putGroup("vars");
      for (int i = 0; i < optimizer.size(); i++) {
        Object v = optimizer.get(i);
        vars.putDataset(Integer.toString(i), v instanceof Tensor t ? t.array() : v);
      }
    }
  }

  /**
   * Keras 2's weights under {@code g}: attribute layer_names, then per layer a group with attribute
   * weight_names and each dataset at that name (slashes make nested groups, as h5py does).
   */
  static void keras2Weights(WritableGroup g, List<String> layerNames, Map<String, Map<String, Tensor>> weights) {
    g.putAttribute("layer_names", layerNames.toArray(String[]::new));
    g.putAttribute("backend", "tensorflow");
    g.putAttribute("keras_version", "2.13.1");
    for (String layer : layerNames) {
      WritableGroup lg = g.putGroup(layer);
      Map<String, Tensor> w = weights.getOrDefault(layer, Map.of());
      // h5py stores an empty list as an empty float array; jhdf cannot write that, so no attribute stands for it.
      if (!w.isEmpty()) lg.putAttribute("weight_names", w.keySet().toArray(String[]::new));
      for (Map.Entry<String, Tensor> e : w.entrySet()) put(lg, e.getKey(), e.getValue().array());
    }
  }

  /** A dataset at a path with slashes, creating the groups on the way (each group is created once). */
  static void put(WritableGroup g, String path, Object data) {
    String[] parts = path.split("/");
    WritableGroup at = g;
    for (int i = 0; i < parts.length - 1; i++) {
      WritableGroup next = (WritableGroup) at.getChild(parts[i]);
      at = next != null ? next : at.putGroup(parts[i]);
    }
    at.putDataset(parts[parts.length - 1], data);
  }

  /** A zip of the given entries (name, bytes) in order, stored as Keras's zipfile writes them. */
  static void zip(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        z.setMethod(ZipEntry.STORED);
        z.setSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        z.setCrc(crc.getValue());
        zip.putNextEntry(z);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
  }

  /** A .keras file: config.json, metadata.json and model.weights.h5 written by {@code weights}. */
  static void keras(Path file, String config, Consumer<WritableHdfFile> weights) throws IOException {
    Path h5 = file.resolveSibling(file.getFileName() + ".weights.h5");
    hdf5(h5, weights);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("metadata.json", "{\"keras_version\": \"3.16.0\", \"date_saved\": \"2026-01-01@00:00:00\"}"
        .getBytes(StandardCharsets.UTF_8));
    entries.put("config.json", config.getBytes(StandardCharsets.UTF_8));
    entries.put("model.weights.h5", Files.readAllBytes(h5));
    Files.delete(h5);
    zip(file, entries);
  }
}
