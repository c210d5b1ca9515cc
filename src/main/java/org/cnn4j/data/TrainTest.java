package org.cnn4j.data;

/**
 * A training set and a test set read together, for example CIFAR-10's five data batches and its
 * test batch. Closing it closes both datasets.
 *
 * @param train the training images and labels
 * @param test the test images and labels, with the same image shape and class names; null when
 *     a source has no separate test set
 */
public record TrainTest(Dataset train, Dataset test) implements AutoCloseable {

  /** Frees the native memory of both datasets. */
  @Override
  public void close() {
    try (Dataset first = train; Dataset second = test) {
      // try-with-resources closes both even if one close fails
    }
  }
}
