package org.cnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnn4j.data.Cifar100Reader;
import org.cnn4j.data.Cifar10Reader;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.IdxReader;
import org.cnn4j.data.ImageFolderReader;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.data.TrainTest;

/**
 * The {@code --data} flag: where the images come from.
 *
 * <pre>
 *   shapes[:TRAIN,TEST]          the embedded generated dataset (default 6000,1000)
 *   cifar10:DIR|FILE.tar.gz      CIFAR-10 binary batches, or the archive as downloaded
 *   cifar100:DIR|FILE.tar.gz     CIFAR-100 binary, fine labels
 *   idx:DIR                      MNIST-style IDX files with their standard names (raw or .gz)
 *   idx:IMAGES,LABELS            one IDX pair (validation from --validation-split)
 *   folder:DIR                   one subfolder per class, or DIR/train and DIR/test
 * </pre>
 */
final class DataSpec {
  static final String HELP = "shapes[:TRAIN,TEST] | cifar10:DIR|FILE.tar.gz | cifar100:DIR|FILE.tar.gz | "
      + "idx:DIR | idx:IMAGES,LABELS | folder:DIR";

  private DataSpec() {}

  /** Reads the data; test is null when the source has no separate test set. */
  static TrainTest load(String spec, long seed) {
    String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    String arg = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : "";
    return switch (kind) {
      case "shapes" -> shapes(arg, seed);
      case "cifar10" -> Cifar10Reader.read(existing(arg, spec));
      case "cifar100" -> Cifar100Reader.read(existing(arg, spec), Cifar100Reader.Labels.FINE);
      case "idx" -> idx(arg, spec, seed);
      case "folder" -> folder(existing(arg, spec), seed);
      default -> throw new IllegalArgumentException("unknown --data '" + spec + "': expected " + HELP);
    };
  }

  private static TrainTest shapes(String arg, long seed) {
    int train = 6000;
    int test = 1000;
    if (!arg.isEmpty()) {
      String[] parts = arg.split(",");
      try {
        train = Integer.parseInt(parts[0].trim());
        test = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : test;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--data shapes:" + arg + ": expected shapes:TRAIN,TEST with two counts");
      }
    }
    Dataset[] d = SyntheticShapes.trainTest(train, test, seed);
    return new TrainTest(d[0], d[1]);
  }

  private static TrainTest idx(String arg, String spec, long seed) {
    if (arg.contains(",")) {
      String[] parts = arg.split(",", 2);
      return new TrainTest(shuffled(IdxReader.read(existing(parts[0], spec), existing(parts[1], spec)), seed), null);
    }
    return IdxReader.readMnist(existing(arg, spec));
  }

  private static TrainTest folder(Path dir, long seed) {
    if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) {
      return ImageFolderReader.readTrainTest(dir);
    }
    return new TrainTest(shuffled(ImageFolderReader.read(dir), seed), null);
  }

  /**
   * A seeded permutation of a dataset with no test set of its own. Folders are
   * read class by class, and the validation split takes the last fraction (as
   * Keras's does): without this it would hold only the last classes.
   */
  private static Dataset shuffled(Dataset d, long seed) {
    try (d) {
      int n = d.size();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) order[i] = i;
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      Dataset out = Dataset.allocate(n, d.height(), d.width(), d.channels(), d.classNames());
      byte[] image = new byte[(int) d.imageBytes()];
      for (int i = 0; i < n; i++) {
        d.copyImage(order[i], image);
        out.setImage(i, image);
        out.setLabel(i, d.label(order[i]));
      }
      return out;
    }
  }

  private static Path existing(String path, String spec) {
    if (path.isEmpty()) throw new IllegalArgumentException("--data " + spec + ": a path is missing");
    Path p = Path.of(path);
    if (!Files.exists(p)) throw new IllegalArgumentException("--data " + spec + ": " + p + " does not exist");
    return p;
  }
}
