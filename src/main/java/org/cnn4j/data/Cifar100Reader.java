package org.cnn4j.data;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the CIFAR-100 binary release: {@code train.bin} (50,000 images) and {@code test.bin}
 * (10,000). Each record is a coarse label byte, a fine label byte and a 32x32 RGB image stored as
 * planes; images come out as 32x32x3 NHWC with either the 100 fine or the 20 coarse labels.
 *
 * <pre>{@code
 * try (TrainTest cifar = Cifar100Reader.read(Path.of("cifar-100-binary"), Cifar100Reader.Labels.FINE)) {
 *     Dataset train = cifar.train();   // 50,000 x 32x32x3, 100 classes
 * }
 * }</pre>
 */
public final class Cifar100Reader {
  /** Which label of a record to keep. */
  public enum Labels {
    /** The 100 classes, named in fine_label_names.txt. */
    FINE(1, 100, "fine_label_names.txt"),
    /** The 20 superclasses, named in coarse_label_names.txt. */
    COARSE(0, 20, "coarse_label_names.txt");

    private final int byteIndex;
    private final int numClasses;
    private final String namesFile;

    Labels(int byteIndex, int numClasses, String namesFile) {
      this.byteIndex = byteIndex;
      this.numClasses = numClasses;
      this.namesFile = namesFile;
    }

    /** Number of classes of this label kind: 100 or 20. */
    public int numClasses() {
      return numClasses;
    }
  }

  /** Bytes per record: coarse label, fine label and 3,072 pixel bytes. */
  public static final int RECORD_BYTES = 2 + CifarRecords.IMAGE_BYTES;

  private static final Logger log = LoggerFactory.getLogger(Cifar100Reader.class);
  private static final String SUBFOLDER = "cifar-100-binary";

  private Cifar100Reader() {
  }

  /**
   * Reads the test set only ({@code test.bin}), for evaluating: {@code train.bin} is not read.
   *
   * @see #read(Path, Labels)
   */
  public static Dataset readTest(Path source, Labels labels) {
    CifarFiles files = CifarFiles.load(source, SUBFOLDER, List.of("test.bin"), List.of(labels.namesFile));
    return CifarRecords.toDataset(List.of(files.get("test.bin")), 2, labels.byteIndex,
        classNames(files.get(labels.namesFile), labels));
  }

  /**
   * Reads the training and test sets.
   *
   * @param source a folder holding train.bin and test.bin (directly or in
   *     {@code cifar-100-binary/}), or the {@code cifar-100-binary.tar.gz} archive itself
   * @param labels fine (100 classes) or coarse (20 classes); class names come from the matching
   *     names file when present, else they are "0", "1", ...
   * @throws DatasetException if a file is missing, truncated or holds a label out of range
   */
  public static TrainTest read(Path source, Labels labels) {
    long start = System.nanoTime();
    CifarFiles files = CifarFiles.load(source, SUBFOLDER, List.of("train.bin", "test.bin"),
        List.of(labels.namesFile));
    List<String> classNames = classNames(files.get(labels.namesFile), labels);
    Dataset train = CifarRecords.toDataset(List.of(files.get("train.bin")), 2, labels.byteIndex,
        classNames);
    try {
      Dataset test = CifarRecords.toDataset(List.of(files.get("test.bin")), 2, labels.byteIndex,
          classNames);
      log.debug("Read CIFAR-100 ({} labels) from {}: {} train, {} test images in {} ms", labels,
          source, train.size(), test.size(), (System.nanoTime() - start) / 1_000_000);
      return new TrainTest(train, test);
    } catch (RuntimeException e) {
      train.close();
      throw e;
    }
  }

  private static List<String> classNames(CifarFiles.Source namesFile, Labels labels) {
    if (namesFile == null) {
      return IntStream.range(0, labels.numClasses).mapToObj(Integer::toString).toList();
    }
    List<String> names = CifarFiles.lines(namesFile);
    if (names.size() != labels.numClasses) {
      throw new DatasetException(namesFile.location() + " lists " + names.size()
          + " class names, expected " + labels.numClasses);
    }
    return names;
  }
}
