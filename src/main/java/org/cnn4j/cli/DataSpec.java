package org.cnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnn4j.data.Cifar100Reader;
import org.cnn4j.data.Cifar10Reader;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.DatasetException;
import org.cnn4j.data.IdxReader;
import org.cnn4j.data.ImageArchiveReader;
import org.cnn4j.data.ImageFolderReader;
import org.cnn4j.data.ImageFolderReader.ColorMode;
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
 *   folder:DIR|FILE.tar.gz       one subfolder per class, or DIR/train and DIR/test; or their archive
 * </pre>
 */
final class DataSpec {
  static final String HELP = "shapes[:TRAIN,TEST] | cifar10:DIR|FILE.tar.gz | cifar100:DIR|FILE.tar.gz | "
      + "idx:DIR | idx:IMAGES,LABELS | folder:DIR|FILE.tar.gz";

  /**
   * How to read the data: the seed (of the generated shapes and of the order of data without a
   * test set); for image folders, the size to resize to (0 x 0: keep it; all images must then
   * share one size), the color mode, and whether damaged images are skipped.
   */
  record Reading(long seed, int height, int width, ColorMode color, boolean skipDamaged) {
    static Reading of(long seed) {
      return new Reading(seed, 0, 0, ColorMode.RGB, false);
    }
  }

  private DataSpec() {}

  /** Reads the data; test is null when the source has no separate test set. */
  static TrainTest load(String spec, Reading r) {
    String arg = arg(spec);
    return hinted(r, () -> switch (kind(spec)) {
      case "shapes" -> shapes(arg, r.seed());
      case "cifar10" -> Cifar10Reader.read(existing(arg, spec));
      case "cifar100" -> Cifar100Reader.read(existing(arg, spec), Cifar100Reader.Labels.FINE);
      case "idx" -> idx(arg, spec, r.seed());
      case "folder" -> folder(existing(arg, spec), r);
      default -> throw new IllegalArgumentException("unknown --data '" + spec + "': expected " + HELP);
    });
  }

  /**
   * The data to evaluate or predict: the test set, or all of the data when it has none. A
   * training set is never read (it can be many times larger).
   */
  static Dataset loadEvaluation(String spec, Reading r) {
    String arg = arg(spec);
    return hinted(r, () -> switch (kind(spec)) {
      case "shapes" -> SyntheticShapes.generate(shapesCounts(arg)[1], SyntheticShapes.testSeed(r.seed()));
      case "cifar10" -> Cifar10Reader.readTest(existing(arg, spec));
      case "cifar100" -> Cifar100Reader.readTest(existing(arg, spec), Cifar100Reader.Labels.FINE);
      case "idx" -> arg.contains(",") ? idx(arg, spec, r.seed()).train() : IdxReader.readMnistTest(existing(arg, spec));
      case "folder" -> {
        Path dir = existing(arg, spec);
        if (Files.isRegularFile(dir)) {
          yield ImageArchiveReader.readTest(dir, r.color(), r.height(), r.width(), r.skipDamaged());
        }
        yield isTrainTest(dir) ? readFolder(dir.resolve("test"), r) : readFolder(dir, r);
      }
      default -> throw new IllegalArgumentException("unknown --data '" + spec + "': expected " + HELP);
    });
  }

  /** True for data whose images are files of any size (so --image-size applies). */
  static boolean isFolder(String spec) {
    return kind(spec).equals("folder");
  }

  private static String kind(String spec) {
    return spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
  }

  private static String arg(String spec) {
    return spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : "";
  }

  /** A damaged image's error says how to go on without it. */
  private static <T> T hinted(Reading r, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (DatasetException e) {
      String m = e.getMessage();
      if (!r.skipDamaged() && m != null && (m.contains(" is damaged") || m.contains("cannot decode"))) {
        throw new DatasetException(m + "; --skip-damaged-images leaves such images out (and counts them)", e);
      }
      throw e;
    }
  }

  private static TrainTest shapes(String arg, long seed) {
    int[] counts = shapesCounts(arg);
    Dataset[] d = SyntheticShapes.trainTest(counts[0], counts[1], seed);
    return new TrainTest(d[0], d[1]);
  }

  /** {train, test} image counts of shapes[:TRAIN,TEST]. */
  private static int[] shapesCounts(String arg) {
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
    return new int[] {train, test};
  }

  private static TrainTest idx(String arg, String spec, long seed) {
    if (arg.contains(",")) {
      String[] parts = arg.split(",", 2);
      return new TrainTest(shuffled(IdxReader.read(existing(parts[0], spec), existing(parts[1], spec)), seed), null);
    }
    return IdxReader.readMnist(existing(arg, spec));
  }

  private static TrainTest folder(Path dir, Reading r) {
    if (Files.isRegularFile(dir)) {
      TrainTest t = archive(dir, r);
      return t.test() != null ? t : new TrainTest(shuffled(t.train(), r.seed()), null);
    }
    if (isTrainTest(dir)) {
      Dataset train = readFolder(dir.resolve("train"), r);
      try {
        Dataset test = readFolder(dir.resolve("test"), r);
        if (!test.classNames().equals(train.classNames())) {
          test.close();
          throw new DatasetException(dir.resolve("test") + " has classes " + test.classNames() + " but "
              + dir.resolve("train") + " has " + train.classNames() + ", expected the same class folders");
        }
        return new TrainTest(train, test);
      } catch (RuntimeException e) {
        train.close();
        throw e;
      }
    }
    return new TrainTest(shuffled(readFolder(dir, r), r.seed()), null);
  }

  /** An image-folder tree in a .tar or .tar.gz file, read without extracting it. */
  private static TrainTest archive(Path file, Reading r) {
    return ImageArchiveReader.read(file, r.color(), r.height(), r.width(), r.skipDamaged());
  }

  private static boolean isTrainTest(Path dir) {
    return Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
  }

  private static Dataset readFolder(Path dir, Reading r) {
    return ImageFolderReader.read(dir, r.color(), r.height(), r.width(), r.skipDamaged());
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
