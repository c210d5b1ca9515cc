package org.cnn4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.DatasetException;
import org.cnn4j.data.ImageFolderReader;
import org.cnn4j.data.ImageFolderReader.ColorMode;
import org.cnn4j.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cnn4j predict}: the most likely classes of image files, or of a dataset's test set. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Predict classes with a saved model, for image files and folders of them, or for a dataset.",
        "Images of another size are resized (bilinear) to the model's input, and gray images are repeated "
            + "into three channels for an RGB model (or color ones made gray for a gray model); a warning "
            + "counts both. An image that cannot be read is named and skipped, and the exit code is then 1.",
        "Class names are those saved in the model file (for older files: classes.txt beside it).",
        "Examples:",
        "  cnn4j predict --model runs/train cat.png dog.jpg photos/",
        "  cnn4j predict --model runs/train --top 3 --csv predictions.csv photos/",
        "  cnn4j predict --model runs/train --data shapes --csv predictions.csv", ""})
final class PredictCommand implements Callable<Integer> {
  private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");

  @Option(names = "--model", required = true, paramLabel = "MODEL.cnn4j",
      description = "A model saved by cnn4j, or the folder cnn4j train wrote it to; a Keras model file "
          + "(MODEL.keras, MODEL.h5); or a Keras JSON or zoo model with --weights.")
  String model;

  @Option(names = "--weights", paramLabel = "WEIGHTS.h5", description = ModelSpec.WEIGHTS_HELP)
  Path weights;

  @Option(names = "--data", paramLabel = "SPEC", description = "Predict a dataset's test set (all of it when it has "
      + "none) instead of image files: " + DataSpec.HELP + ".")
  String data;

  @Option(names = "--seed", defaultValue = "42",
      description = "With --data shapes: seed of the generated data, as given to train (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--top", defaultValue = "1", paramLabel = "K",
      description = "Show the K most likely classes of each image (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--csv", paramLabel = "FILE", description = "Write the predictions to FILE: path (index and "
      + "label with --data), predicted, probability, then predicted_2, probability_2, ... with --top.")
  Path csv;

  @Option(names = "--threads", description = ThreadsOption.HELP)
  Integer threads;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "JPEG, PNG, BMP or GIF files, or folders of "
      + "them (searched recursively, in name order).")
  List<Path> images = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (images.isEmpty() == (data == null)) {
      throw new IllegalArgumentException("give image files or --data, not both or neither");
    }
    if (top < 1) throw new IllegalArgumentException("--top " + top + ": expected at least 1");
    ThreadsOption.apply(threads);
    if (csv != null) {
      if (Files.isDirectory(csv)) throw new IllegalArgumentException("--csv " + csv + ": is a directory, expected a file");
      if (csv.getParent() != null) RunOutputs.directory(csv.getParent(), "--csv's folder");
    }
    try (Model m = ModelSpec.loadSaved(model, weights)) {
      List<String> names = ModelSpec.classNames(m, model);
      int k = Math.min(top, m.outputUnits());
      return data != null ? predictDataset(m, names, k) : predictImages(m, names, k);
    }
  }

  private int predictDataset(Model m, List<String> names, int k) throws IOException {
    if (csv == null) throw new IllegalArgumentException("--data needs --csv FILE for the predictions");
    ColorMode color = m.inputShape().get(2) == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB;
    try (Dataset set = DataSpec.loadEvaluation(data, new DataSpec.Reading(seed, m.inputShape().get(0),
        m.inputShape().get(1), color, false))) {
      ModelSpec.check(m, set, model);
      ModelSpec.warnIfOtherClasses(m, model, set);
      float[][] p = m.predict(set, 64);
      StringBuilder s = new StringBuilder("index,label," + header(k) + "\n");
      for (int i = 0; i < p.length; i++) {
        s.append(i).append(',').append(csvField(set.classNames().get(set.label(i)))).append(',')
            .append(csvColumns(p[i], names, k)).append('\n');
      }
      RunOutputs.write(csv, s.toString());
      System.out.println("wrote " + p.length + " predictions to " + csv);
    }
    return 0;
  }

  private int predictImages(Model m, List<String> names, int k) throws IOException {
    int h = m.inputShape().get(0);
    int w = m.inputShape().get(1);
    int c = m.inputShape().get(2);
    List<Path> files = expand(images);
    List<Path> read = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    byte[] px = new byte[files.size() * h * w * c];
    int resized = 0;
    int converted = 0;
    for (Path f : files) {
      ImageFolderReader.Image img;
      try {
        if (!Files.isRegularFile(f)) throw new DatasetException("image " + f + " does not exist");
        img = ImageFolderReader.readImage(f, c == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB, h, w);
      } catch (DatasetException e) {
        Warnings.warn(e.getMessage());
        failed.add(f.toString());
        continue;
      }
      if (img.fileHeight() != h || img.fileWidth() != w) resized++;
      if (img.fileGray() != (c == 1)) converted++;
      System.arraycopy(img.hwc(), 0, px, read.size() * h * w * c, img.hwc().length);
      read.add(f);
    }
    if (resized > 0) {
      Warnings.warn(count(resized, "image was", "images were") + " resized to the model's " + new ImageSize(w, h));
    }
    if (converted > 0) {
      Warnings.warn(count(converted, c == 3 ? "grayscale image was" : "color image was",
          c == 3 ? "grayscale images were" : "color images were") + " converted to the model's " + c
          + (c == 1 ? " channel" : " channels"));
    }
    StringBuilder s = new StringBuilder("path," + header(k) + "\n");
    if (!read.isEmpty()) {
      byte[] pixels = java.util.Arrays.copyOf(px, read.size() * h * w * c);
      try (Dataset d = Dataset.of(pixels, new int[read.size()], h, w, c, names)) {
        float[][] p = m.predict(d, 64);
        for (int i = 0; i < p.length; i++) {
          StringBuilder line = new StringBuilder(read.get(i) + ": ");
          int[] best = topK(p[i], k);
          for (int j = 0; j < k; j++) {
            line.append(j > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s (%.4f)", names.get(best[j]),
                p[i][best[j]]));
          }
          System.out.println(line);
          s.append(csvField(read.get(i).toString())).append(',').append(csvColumns(p[i], names, k)).append('\n');
        }
      }
    }
    if (csv != null) {
      RunOutputs.write(csv, s.toString());
      System.out.println("wrote " + read.size() + " predictions to " + csv);
    }
    if (!failed.isEmpty()) {
      throw new IllegalArgumentException(failed.size() + " of " + files.size() + " images could not be read: "
          + String.join(", ", failed.size() <= 5 ? failed : failed.subList(0, 5)) + (failed.size() > 5 ? ", ..." : ""));
    }
    return 0;
  }

  /** Files as given; folders become the image files in them, recursively, in path order. */
  private static List<Path> expand(List<Path> given) {
    List<Path> out = new ArrayList<>();
    for (Path p : given) {
      if (!Files.isDirectory(p)) {
        out.add(p);
        continue;
      }
      try (Stream<Path> tree = Files.walk(p)) {
        List<Path> found = tree.filter(f -> Files.isRegularFile(f) && isImage(f))
            .sorted((a, b) -> p.relativize(a).toString().compareTo(p.relativize(b).toString())).toList();
        if (found.isEmpty()) {
          throw new IllegalArgumentException("folder " + p + " holds no images; expected " + String.join(", ",
              EXTENSIONS) + " files");
        }
        out.addAll(found);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + p, e);
      }
    }
    return out;
  }

  private static boolean isImage(Path f) {
    String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static String header(int k) {
    StringBuilder s = new StringBuilder("predicted,probability");
    for (int j = 2; j <= k; j++) s.append(",predicted_").append(j).append(",probability_").append(j);
    return s.toString();
  }

  private static String csvColumns(float[] p, List<String> names, int k) {
    StringBuilder s = new StringBuilder();
    int[] best = topK(p, k);
    for (int j = 0; j < k; j++) {
      s.append(j > 0 ? "," : "").append(csvField(names.get(best[j])))
          .append(String.format(Locale.ROOT, ",%.6f", p[best[j]]));
    }
    return s.toString();
  }

  /** The indices of the k largest values, largest first (the first of equal values first). */
  static int[] topK(float[] p, int k) {
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < p.length; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
    int[] out = new int[k];
    for (int j = 0; j < k; j++) out[j] = order[j];
    return out;
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break. */
  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
