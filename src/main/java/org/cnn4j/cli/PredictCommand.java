package org.cnn4j.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.TrainTest;
import org.cnn4j.Threads;
import org.cnn4j.model.Model;
import org.cnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cnn4j predict}: the class of each image, or of a whole dataset to CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Predict classes with a saved model, for image files or a whole dataset.",
        "Examples: cnn4j predict --model runs/train/model.cnn4j cat.png dog.jpg",
        "          cnn4j predict --model runs/train/model.cnn4j --data shapes --csv predictions.csv",
        "Images of another size are resized to the model's input. Class names come from classes.txt",
        "beside the model (cnn4j train writes it), else they are numbers."})
final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL.cnn4j", description = "A model saved by cnn4j.")
  String model;

  @Option(names = "--data", paramLabel = "SPEC", description = "Predict a dataset's test set instead: "
      + DataSpec.HELP + ".")
  String data;

  @Option(names = "--seed", defaultValue = "42",
      description = "With --data shapes: seed of the generated data, as given to train (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--csv", paramLabel = "FILE", description = "With --data: write index,label,predicted,probability rows.")
  Path csv;

  @Option(names = "--threads", description = "Threads for oneDNN and cnn4j's kernels (default: all cores).")
  Integer threads;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "PNG or JPEG files.")
  List<Path> images = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (threads != null) Threads.set(threads);
    if (images.isEmpty() == (data == null)) {
      throw new IllegalArgumentException("give image files or --data, not both or neither");
    }
    try (Model m = ModelSpec.loadSaved(model)) {
      List<String> names = RunOutputs.readClasses(Path.of(model), m.outputUnits());
      if (data != null) return predictDataset(m, names);
      try (Dataset d = readImages(m)) {
        float[][] p = m.predict(d, 64);
        int[] best = Trainer.argmax(p);
        for (int i = 0; i < p.length; i++) {
          System.out.printf(Locale.ROOT, "%s: %s (%.4f)%n", images.get(i), names.get(best[i]), p[i][best[i]]);
        }
      }
    }
    return 0;
  }

  private int predictDataset(Model m, List<String> names) throws IOException {
    if (csv == null) throw new IllegalArgumentException("--data needs --csv FILE for the predictions");
    if (Files.isDirectory(csv)) throw new IllegalArgumentException("--csv " + csv + ": is a directory, expected a file");
    if (csv.getParent() != null) RunOutputs.directory(csv.getParent(), "--csv's folder");
    try (TrainTest sets = DataSpec.load(data, seed)) {
      Dataset set = sets.test() != null ? sets.test() : sets.train();
      ModelSpec.check(m, set, model);
      float[][] p = m.predict(set, 64);
      int[] best = Trainer.argmax(p);
      StringBuilder s = new StringBuilder("index,label,predicted,probability\n");
      for (int i = 0; i < p.length; i++) {
        s.append(String.format(Locale.ROOT, "%d,%s,%s,%.6f%n", i, names.get(set.label(i)), names.get(best[i]),
            p[i][best[i]]));
      }
      RunOutputs.write(csv, s.toString());
      System.out.println("wrote " + p.length + " predictions to " + csv);
    }
    return 0;
  }

  /** The images as the model's input: resized (bilinear) to its size, RGB or grayscale as it expects. */
  private Dataset readImages(Model m) throws IOException {
    int h = m.inputShape().get(0);
    int w = m.inputShape().get(1);
    int c = m.inputShape().get(2);
    byte[] px = new byte[images.size() * h * w * c];
    for (int i = 0; i < images.size(); i++) {
      Path f = images.get(i);
      if (Files.isDirectory(f)) throw new IllegalArgumentException("image " + f + " is a directory, expected an image file");
      if (!Files.isRegularFile(f)) throw new IllegalArgumentException("image " + f + " does not exist");
      BufferedImage img = ImageIO.read(f.toFile());
      if (img == null) throw new IllegalArgumentException("image " + f + " is not a readable PNG or JPEG");
      BufferedImage sized = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = sized.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, w, h, null);
      g.dispose();
      int o = i * h * w * c;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = sized.getRGB(x, y);
          int r = rgb >> 16 & 0xff;
          int gr = rgb >> 8 & 0xff;
          int b = rgb & 0xff;
          if (c == 1) {
            px[o++] = (byte) Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
          } else {
            px[o++] = (byte) r;
            px[o++] = (byte) gr;
            px[o++] = (byte) b;
          }
        }
      }
    }
    List<String> names = RunOutputs.readClasses(Path.of(model), m.outputUnits());
    return Dataset.of(px, new int[images.size()], h, w, c, names);
  }
}
