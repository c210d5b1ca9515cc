package org.cnn4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.cnn4j.data.ImageFolderReader.ColorMode;

/**
 * Reads an image-folder tree straight from a {@code .tar} or {@code .tar.gz} archive, without
 * extracting it: the layouts of {@link ImageFolderReader} ({@code CLASS/*.jpg}, or
 * {@code train/CLASS/*.jpg} and {@code test/CLASS/*.jpg}), possibly under one top folder, as
 * in {@code cifar10-jpeg.tar.gz}. Classes and images are ordered as ImageFolderReader orders
 * them; only image files (.jpg, .jpeg, .png, .bmp, .gif) are read, hidden folders are skipped,
 * and nothing is written to disk. The compressed images are held in memory while decoding.
 *
 * <pre>{@code
 * try (TrainTest cifar = ImageArchiveReader.read(Path.of("cifar10-jpeg.tar.gz"), ColorMode.RGB, 0, 0, false)) {
 *   Dataset train = cifar.train();
 * }
 * }</pre>
 */
public final class ImageArchiveReader {
  /** An image file larger than this is refused before it is read into memory. */
  static final long MAX_IMAGE_BYTES = 64L << 20;

  private ImageArchiveReader() {
  }

  /**
   * Reads the archive; the result's test set is null when the archive has no train/ and test/
   * folders. Sizes, color mode and skipping as in {@link ImageFolderReader#read(Path, ColorMode,
   * int, int, boolean)}.
   *
   * @throws DatasetException if the archive cannot be read, holds no images in class folders,
   *     train/ and test/ differ in classes, or an image cannot be decoded
   */
  public static TrainTest read(Path archive, ColorMode colorMode, int targetHeight, int targetWidth,
      boolean skipDamaged) {
    return read(archive, colorMode, targetHeight, targetWidth, skipDamaged, false);
  }

  /**
   * The images to evaluate on: the test set when the archive has train/ and test/ folders (the
   * training images are then not decoded), else all of them.
   *
   * @see #read(Path, ColorMode, int, int, boolean)
   */
  public static Dataset readTest(Path archive, ColorMode colorMode, int targetHeight, int targetWidth,
      boolean skipDamaged) {
    TrainTest t = read(archive, colorMode, targetHeight, targetWidth, skipDamaged, true);
    return t.test() != null ? t.test() : t.train();
  }

  /** With {@code testOnly}, a train/test archive gives a TrainTest whose train is null. */
  private static TrainTest read(Path archive, ColorMode colorMode, int targetHeight, int targetWidth,
      boolean skipDamaged, boolean testOnly) {
    // path inside the archive -> its bytes, sorted by path: classes and files come out in name order
    TreeMap<String, byte[]> images = new TreeMap<>();
    try (TarReader tar = TarReader.open(archive)) {
      for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
        String name = e.name();
        while (name.startsWith("./")) {
          name = name.substring(2); // made with tar -C dir .
        }
        if (!e.isFile() || !ImageFolderReader.isImageName(name) || hidden(name)) {
          continue;
        }
        if (e.size() > MAX_IMAGE_BYTES) {
          throw new DatasetException(archive + ": entry '" + name + "' has " + e.size() + " bytes, more than the "
              + MAX_IMAGE_BYTES + " an image file may have");
        }
        images.put(name, tar.readContent());
      }
    } catch (java.io.IOException e) {
      throw new DatasetException("cannot read archive " + archive + ": " + e.getMessage(), e);
    }
    if (images.isEmpty()) {
      throw new DatasetException("archive " + archive + " holds no image files; expected class folders of "
          + ".jpg, .jpeg, .png, .bmp or .gif files");
    }
    String top = commonTop(images);
    boolean trainTest = images.keySet().stream().anyMatch(n -> n.startsWith(top + "train/"))
        && images.keySet().stream().anyMatch(n -> n.startsWith(top + "test/"));
    if (!trainTest) {
      return new TrainTest(part(archive, images, top, colorMode, targetHeight, targetWidth, skipDamaged), null);
    }
    if (testOnly) {
      return new TrainTest(null, part(archive, images, top + "test/", colorMode, targetHeight, targetWidth,
          skipDamaged));
    }
    Dataset train = part(archive, images, top + "train/", colorMode, targetHeight, targetWidth, skipDamaged);
    try {
      Dataset test = part(archive, images, top + "test/", colorMode, targetHeight, targetWidth, skipDamaged);
      if (!test.classNames().equals(train.classNames())) {
        test.close();
        throw new DatasetException(archive + ": " + top + "test/ has classes " + test.classNames() + " but "
            + top + "train/ has " + train.classNames() + ", expected the same class folders");
      }
      return new TrainTest(train, test);
    } catch (RuntimeException e) {
      train.close();
      throw e;
    }
  }

  /** The images under {@code prefix}, one class per folder below it. */
  private static Dataset part(Path archive, TreeMap<String, byte[]> images, String prefix, ColorMode colorMode,
      int targetHeight, int targetWidth, boolean skipDamaged) {
    // class -> its images in path order (the map's order); classes sorted by name, as folders are
    TreeMap<String, List<String>> byClass = new TreeMap<>();
    for (String key : images.tailMap(prefix).keySet()) {
      if (!key.startsWith(prefix)) {
        break;
      }
      String rest = key.substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0) { // an image beside the class folders belongs to no class
        byClass.computeIfAbsent(rest.substring(0, slash), c -> new ArrayList<>()).add(key);
      }
    }
    List<String> names = new ArrayList<>();
    List<byte[]> bytes = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> classNames = new ArrayList<>(byClass.keySet());
    for (int label = 0; label < classNames.size(); label++) {
      for (String key : byClass.get(classNames.get(label))) {
        names.add(archive + "!" + key);
        bytes.add(images.get(key));
        labels.add(label);
      }
    }
    if (names.isEmpty()) {
      throw new DatasetException(archive + " has no class folders of images under '" + prefix + "'; expected "
          + prefix + "CLASS/IMAGE.jpg");
    }
    return ImageFolderReader.decode(archive + "!" + prefix, names,
        (decoder, i) -> decoder.decode(bytes.get(i), names.get(i)), labels, classNames, colorMode, targetHeight,
        targetWidth, skipDamaged);
  }

  /** "top/" when every image lies under one top folder that is neither train/ nor test/, else "". */
  private static String commonTop(TreeMap<String, byte[]> images) {
    String first = images.firstKey();
    int slash = first.indexOf('/');
    if (slash <= 0) {
      return "";
    }
    String top = first.substring(0, slash + 1);
    if (top.equals("train/") || top.equals("test/")) {
      return "";
    }
    for (String n : images.keySet()) {
      if (!n.startsWith(top)) {
        return "";
      }
    }
    // One folder holding images directly is a class, not a top folder (a one-class archive).
    boolean nested = images.keySet().stream().allMatch(n -> n.indexOf('/', top.length()) > 0);
    return nested ? top : "";
  }

  private static boolean hidden(String name) {
    for (String part : name.split("/")) {
      if (part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

}
