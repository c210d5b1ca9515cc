package org.cnn4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the CIFAR-10 binary release: {@code data_batch_1.bin} to {@code data_batch_5.bin} (50,000
 * training images) and {@code test_batch.bin} (10,000 test images). Each record is 1 label byte and
 * a 32x32 RGB image stored as planes; images come out as 32x32x3 NHWC.
 *
 * <pre>{@code
 * try (TrainTest cifar = Cifar10Reader.read(Path.of("cifar-10-binary.tar.gz"))) {
 *     Dataset train = cifar.train();   // 50,000 x 32x32x3, 10 classes
 *     Dataset test = cifar.test();     // 10,000 x 32x32x3
 * }
 * }</pre>
 */
public final class Cifar10Reader {
  /** The class names in label order, as in batches.meta.txt. */
  public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat",
      "deer", "dog", "frog", "horse", "ship", "truck");
  /** Bytes per record: 1 label byte and 3,072 pixel bytes. */
  public static final int RECORD_BYTES = 1 + CifarRecords.IMAGE_BYTES;

  private static final Logger log = LoggerFactory.getLogger(Cifar10Reader.class);
  private static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
      "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  private static final String TEST_FILE = "test_batch.bin";
  private static final String META_FILE = "batches.meta.txt";
  private static final String SUBFOLDER = "cifar-10-batches-bin";

  private Cifar10Reader() {
  }

  /**
   * Reads the training and test sets.
   *
   * @param source a folder holding the batch files (directly or in {@code cifar-10-batches-bin/}),
   *     or the {@code cifar-10-binary.tar.gz} archive itself
   * @throws DatasetException if a file is missing, truncated or holds a label above 9
   */
  public static TrainTest read(Path source) {
    long start = System.nanoTime();
    List<String> required = new ArrayList<>(TRAIN_FILES);
    required.add(TEST_FILE);
    CifarFiles files = CifarFiles.load(source, SUBFOLDER, required, List.of(META_FILE));
    List<String> classNames = classNames(files.get(META_FILE));
    List<CifarFiles.Source> trainFiles = TRAIN_FILES.stream().map(files::get).toList();
    Dataset train = CifarRecords.toDataset(trainFiles, 1, 0, classNames);
    try {
      Dataset test = CifarRecords.toDataset(List.of(files.get(TEST_FILE)), 1, 0, classNames);
      log.debug("Read CIFAR-10 from {}: {} train, {} test images in {} ms", source, train.size(),
          test.size(), (System.nanoTime() - start) / 1_000_000);
      return new TrainTest(train, test);
    } catch (RuntimeException e) {
      train.close();
      throw e;
    }
  }

  /**
   * Reads the test set only ({@code test_batch.bin}), for evaluating: the training batches are
   * neither needed nor read.
   *
   * @see #read(Path)
   */
  public static Dataset readTest(Path source) {
    CifarFiles files = CifarFiles.load(source, SUBFOLDER, List.of(TEST_FILE), List.of(META_FILE));
    return CifarRecords.toDataset(List.of(files.get(TEST_FILE)), 1, 0, classNames(files.get(META_FILE)));
  }

  /** Reads the given batch files, in order, into one dataset with the standard class names. */
  public static Dataset readBatches(List<Path> batchFiles) {
    if (batchFiles.isEmpty()) {
      throw new DatasetException("no CIFAR-10 batch files given, expected at least one");
    }
    List<CifarFiles.Source> sources = batchFiles.stream().map(CifarFiles.Source::onDisk).toList();
    return CifarRecords.toDataset(sources, 1, 0, CLASS_NAMES);
  }

  private static List<String> classNames(CifarFiles.Source meta) {
    if (meta == null) {
      return CLASS_NAMES;
    }
    List<String> names = CifarFiles.lines(meta);
    if (names.size() != CLASS_NAMES.size()) {
      throw new DatasetException(meta.location() + " lists " + names.size()
          + " class names, expected " + CLASS_NAMES.size());
    }
    return names;
  }
}
