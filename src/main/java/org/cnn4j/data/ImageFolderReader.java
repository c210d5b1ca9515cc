package org.cnn4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a folder of images with one subfolder per class, like Keras's
 * {@code image_dataset_from_directory}: classes are the subfolder names in alphabetical order
 * (hidden ones, such as {@code .ipynb_checkpoints}, skipped),
 * images (.jpg, .jpeg, .png, .bmp, .gif, searched recursively) are taken in class order and then
 * path order, so the result is the same on every run. Decoding runs on one thread per core.
 *
 * <pre>{@code
 * // cifar10-jpeg/train/airplane/0000.jpg ... cifar10-jpeg/test/truck/0999.jpg
 * try (TrainTest cifar = ImageFolderReader.readTrainTest(Path.of("cifar10-jpeg"))) {
 *     Dataset train = cifar.train();   // 50,000 x 32x32x3, classes airplane ... truck
 * }
 * Dataset digits = ImageFolderReader.read(Path.of("digits"), ColorMode.GRAYSCALE, 28, 28);
 * }</pre>
 */
public final class ImageFolderReader {
  /** The channels to produce, whatever the files hold. */
  public enum ColorMode {
    /** 3 channels, red, green, blue; alpha is dropped and gray is repeated. */
    RGB,
    /** 1 channel; color is converted with the ITU-R 601 luma weights. */
    GRAYSCALE
  }

  /**
   * One image file as {@link #readImage} returns it: {@code hwc} at the size asked for, and the
   * file's own size and whether it held a single (gray) channel.
   */
  public record Image(byte[] hwc, int fileHeight, int fileWidth, boolean fileGray) {
  }

  private static final Logger log = LoggerFactory.getLogger(ImageFolderReader.class);
  private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");
  private static final int CHUNK = 256; // images per decoding task

  private ImageFolderReader() {
  }

  /** Reads RGB images that all have the same size. */
  public static Dataset read(Path root) {
    return read(root, ColorMode.RGB, 0, 0);
  }

  /** Reads images that all have the same size, in the given color mode. */
  public static Dataset read(Path root, ColorMode colorMode) {
    return read(root, colorMode, 0, 0);
  }

  /**
   * Reads images and resizes each bilinearly to {@code targetHeight x targetWidth}; with both 0,
   * images are kept at their size, which must then be the same for all.
   *
   * @throws DatasetException if the root or a class folder is missing or empty, an image cannot be
   *     decoded, or, without resizing, images differ in size
   */
  public static Dataset read(Path root, ColorMode colorMode, int targetHeight, int targetWidth) {
    return read(root, colorMode, targetHeight, targetWidth, false);
  }

  /**
   * Like {@link #read(Path, ColorMode, int, int)}; with {@code skipDamaged}, an image that cannot be
   * decoded, or is damaged (such as a JPEG cut short), is left out with a warning in the log, and
   * a last warning counts them, rather than failing the read.
   */
  public static Dataset read(Path root, ColorMode colorMode, int targetHeight, int targetWidth,
      boolean skipDamaged) {
    if (targetHeight < 0 || targetWidth < 0 || (targetHeight == 0) != (targetWidth == 0)) {
      throw new IllegalArgumentException("target size " + targetHeight + "x" + targetWidth
          + ": expected both positive to resize, or both 0 to keep the image size");
    }
    long start = System.nanoTime();
    List<String> classNames = classFolders(root);
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int label = 0; label < classNames.size(); label++) {
      List<Path> images = imagesIn(root.resolve(classNames.get(label)));
      files.addAll(images);
      labels.addAll(Collections.nCopies(images.size(), label));
    }
    List<String> names = files.stream().map(Path::toString).toList();
    Dataset dataset = decode(root.toString(), names, (decoder, i) -> decoder.decode(files.get(i)), labels,
        classNames, colorMode, targetHeight, targetWidth, skipDamaged);
    log.debug("Read {} images of {} classes from {} in {} ms", files.size(), classNames.size(), root,
        (System.nanoTime() - start) / 1_000_000);
    return dataset;
  }

  /** How the i-th image of a read is decoded: from a file, or from bytes held in memory. */
  interface ImageSource {
    ImageDecoder.Pixels decode(ImageDecoder decoder, int index);
  }

  /**
   * Decodes images named {@code names} (in messages) into a new dataset, in parallel; see
   * {@link #read(Path, ColorMode, int, int, boolean)} for sizes and skipping.
   */
  static Dataset decode(String where, List<String> names, ImageSource source, List<Integer> labels,
      List<String> classNames, ColorMode colorMode, int targetHeight, int targetWidth, boolean skipDamaged) {
    int channels = colorMode == ColorMode.RGB ? 3 : 1;
    Set<Integer> skipped = ConcurrentHashMap.newKeySet();
    ImageDecoder.Pixels first = null; // its size is the size of all when not resizing
    int firstIndex = 0;
    try (ImageDecoder decoder = new ImageDecoder(channels)) {
      while (first == null) {
        try {
          first = source.decode(decoder, firstIndex);
        } catch (DatasetException e) {
          if (!skipDamaged || firstIndex == names.size() - 1) {
            throw e;
          }
          skip(skipped, firstIndex++, e);
        }
      }
    }
    int height = targetHeight > 0 ? targetHeight : first.height();
    int width = targetWidth > 0 ? targetWidth : first.width();
    Dataset dataset = Dataset.allocate(names.size(), height, width, channels, classNames, false);
    try {
      for (int i = 0; i < names.size(); i++) {
        dataset.setLabel(i, labels.get(i));
      }
      decodeAll(names, source, dataset, firstIndex, first, targetHeight > 0, skipDamaged ? skipped : null);
    } catch (RuntimeException e) {
      dataset.close();
      throw e;
    }
    if (!skipped.isEmpty()) {
      log.warn("{}: skipped {} of {} images that could not be decoded", where, skipped.size(), names.size());
      dataset = without(dataset, skipped);
    }
    return dataset;
  }

  /** Reads {@code root/train} and {@code root/test} as RGB images of one size. */
  public static TrainTest readTrainTest(Path root) {
    return readTrainTest(root, ColorMode.RGB, 0, 0);
  }

  /**
   * Reads {@code root/train} and {@code root/test}, which must hold the same class folders.
   *
   * @see #read(Path, ColorMode, int, int)
   */
  public static TrainTest readTrainTest(Path root, ColorMode colorMode, int targetHeight, int targetWidth) {
    Dataset train = read(root.resolve("train"), colorMode, targetHeight, targetWidth);
    try {
      Dataset test = read(root.resolve("test"), colorMode, targetHeight, targetWidth);
      if (!test.classNames().equals(train.classNames())) {
        test.close();
        throw new DatasetException(root.resolve("test") + " has classes " + test.classNames()
            + " but " + root.resolve("train") + " has " + train.classNames()
            + ", expected the same class folders");
      }
      return new TrainTest(train, test);
    } catch (RuntimeException e) {
      train.close();
      throw e;
    }
  }

  /**
   * One image file (JPEG, PNG, BMP or GIF, told by its content), resized bilinearly to
   * {@code height x width} when its size differs, in the given color mode.
   *
   * @throws DatasetException naming the file if it cannot be read, is no image, or is damaged
   */
  public static Image readImage(Path file, ColorMode colorMode, int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("size " + width + "x" + height + " (width x height): expected both positive");
    }
    int channels = colorMode == ColorMode.RGB ? 3 : 1;
    try (ImageDecoder decoder = new ImageDecoder(channels)) {
      ImageDecoder.Pixels p = decoder.decode(file);
      byte[] hwc = ImageDecoder.resize(p.hwc(), p.height(), p.width(), channels, height, width);
      return new Image(hwc, p.height(), p.width(), p.gray());
    }
  }

  private static void skip(Set<Integer> skipped, int index, DatasetException e) {
    skipped.add(index);
    log.warn("skipped: {}", e.getMessage());
  }

  /** The dataset without the skipped images; the original is closed. */
  private static Dataset without(Dataset all, Set<Integer> skipped) {
    try (all) {
      Dataset kept = Dataset.allocate(all.size() - skipped.size(), all.height(), all.width(), all.channels(),
          all.classNames());
      byte[] image = new byte[(int) all.imageBytes()];
      for (int i = 0, j = 0; i < all.size(); i++) {
        if (skipped.contains(i)) {
          continue;
        }
        all.copyImage(i, image);
        kept.setImage(j, image);
        kept.setLabel(j++, all.label(i));
      }
      return kept;
    }
  }

  /**
   * Decodes every image into the dataset in parallel; each result goes to its own index. With
   * {@code skipped} non-null, images that fail to decode are added to it instead of failing.
   */
  private static void decodeAll(List<String> files, ImageSource source, Dataset dataset, int firstIndex,
      ImageDecoder.Pixels first, boolean resize, Set<Integer> skipped) {
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
        decoderThreads());
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int start = 0; start < files.size(); start += CHUNK) {
        int from = start;
        int to = Math.min(files.size(), start + CHUNK);
        tasks.add(pool.submit(() -> {
          try (ImageDecoder decoder = new ImageDecoder(dataset.channels())) {
            for (int i = from; i < to && !failed.get(); i++) {
              if (i < firstIndex) {
                continue; // skipped while looking for the first readable image
              }
              ImageDecoder.Pixels pixels;
              try {
                pixels = i == firstIndex ? first : source.decode(decoder, i);
              } catch (DatasetException e) {
                if (skipped == null) {
                  throw e;
                }
                skip(skipped, i, e);
                continue;
              }
              dataset.setImage(i, fit(pixels, files.get(i), dataset, files.get(firstIndex), first, resize));
            }
            return null;
          } catch (RuntimeException e) {
            failed.set(true); // the other tasks stop early: the read fails anyway
            throw e;
          }
        }));
      }
      for (Future<?> task : tasks) {
        task.get();
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime; // a DatasetException naming the file, as a rule
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new DatasetException("decoding images failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatasetException("interrupted while decoding images such as " + files.get(0), e);
    } finally {
      // On failure the caller closes the dataset: every task must have stopped writing first.
      failed.set(true);
      pool.shutdown();
      awaitUninterruptibly(pool);
    }
  }

  /** The pixels at the dataset's size: resized, or checked to match the first image. */
  private static byte[] fit(ImageDecoder.Pixels pixels, String file, Dataset dataset, String firstFile,
      ImageDecoder.Pixels first, boolean resize) {
    if (resize) {
      return ImageDecoder.resize(pixels.hwc(), pixels.height(), pixels.width(), dataset.channels(),
          dataset.height(), dataset.width());
    }
    if (pixels.height() != first.height() || pixels.width() != first.width()) {
      throw new DatasetException(file + " is " + pixels.width() + "x" + pixels.height() + " (width x height) but "
          + firstFile + " is " + first.width() + "x" + first.height()
          + "; images of different sizes need a size to be resized to (targetHeight and targetWidth here; "
          + "cnn4j's --image-size WIDTHxHEIGHT)");
    }
    return pixels.hwc();
  }

  private static List<String> classFolders(Path root) {
    if (!Files.isDirectory(root)) {
      throw new DatasetException("image folder " + root + " does not exist or is not a folder");
    }
    try (Stream<Path> children = Files.list(root)) {
      List<String> names = children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith(".")).sorted().toList(); // as Keras: .git is no class
      if (names.isEmpty()) {
        throw new DatasetException(root + " has no class subfolders; expected one folder of images"
            + " per class, such as " + root.resolve("cat") + "/0001.jpg");
      }
      return names;
    } catch (IOException e) {
      throw new DatasetException("cannot list image folder " + root + ": " + e, e);
    }
  }

  private static List<Path> imagesIn(Path classFolder) {
    try (Stream<Path> tree = Files.walk(classFolder)) {
      List<Path> images = tree.filter(ImageFolderReader::isImageFile)
          .sorted((a, b) -> classFolder.relativize(a).toString().compareTo(classFolder.relativize(b).toString()))
          .toList();
      if (images.isEmpty()) {
        throw new DatasetException("class folder " + classFolder + " holds no images; expected "
            + String.join(", ", EXTENSIONS) + " files");
      }
      return images;
    } catch (IOException e) {
      throw new DatasetException("cannot list class folder " + classFolder + ": " + e, e);
    }
  }

  private static boolean isImageFile(Path path) {
    return isImageName(path.getFileName().toString()) && Files.isRegularFile(path);
  }

  /** True for a name ending in an image extension (.jpg, .jpeg, .png, .bmp, .gif, any case). */
  static boolean isImageName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(lower::endsWith);
  }

  private static ThreadFactory decoderThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "cnn4j-image-decoder-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void awaitUninterruptibly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
