package org.cnn4j.data;

import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Labelled images held as unsigned bytes in NHWC order in one block of native memory, with
 * {@code int} labels and the class names. CIFAR-10 takes 184 MB this way instead of 737 MB of
 * floats; batches are converted to float only when they are fed to the model.
 *
 * <p>The dataset that allocated the memory owns it and frees it in {@link #close()}, never the
 * garbage collector. {@link #subset} and {@link #split} return views sharing the owner's memory:
 * closing a view frees nothing, and a view is unusable once its owner is closed.
 *
 * <pre>{@code
 * try (Dataset all = Dataset.of(pixelsNhwc, labels, 32, 32, 3, List.of("cat", "dog"))) {
 *     Dataset[] parts = all.split(0.2);   // views: parts[0] the first 80 %, parts[1] the last 20 %
 *     byte[] image = all.image(0);        // HWC bytes of image 0
 * }
 * }</pre>
 *
 * <p>Once closed, every method that touches images or labels throws {@link IllegalStateException};
 * the shape and class names stay readable. Reads may run concurrently, and {@link #setImage} and
 * {@link #setLabel} may run concurrently for different indices.
 */
public final class Dataset implements AutoCloseable {
  private final Dataset owner; // this for the owner, the owner for views
  private final NativeBytes storage; // allocated by the owner, shared by its views
  private final int[] labels; // shared by the owner and its views
  private final int first; // index in storage and labels of this dataset's image 0
  private final int size;
  private final DatasetSpec spec;
  private volatile boolean closed;

  private Dataset(Dataset owner, NativeBytes storage, int[] labels, int first, int size, DatasetSpec spec) {
    this.owner = owner == null ? this : owner;
    this.storage = storage;
    this.labels = labels;
    this.first = first;
    this.size = size;
    this.spec = spec;
  }

  /**
   * Copies in-memory arrays into a new dataset: {@code imagesNhwc} holds
   * {@code labels.length * height * width * channels} bytes, and each label indexes {@code classNames}.
   */
  public static Dataset of(byte[] imagesNhwc, int[] labels, int height, int width, int channels,
      List<String> classNames) {
    Objects.requireNonNull(imagesNhwc, "imagesNhwc");
    Objects.requireNonNull(labels, "labels");
    long expected = (long) labels.length * height * width * channels;
    if (imagesNhwc.length != expected) {
      throw new IllegalArgumentException("imagesNhwc has " + imagesNhwc.length + " bytes, expected "
          + expected + " = " + labels.length + " labels x " + height + "x" + width + "x"
          + channels);
    }
    Dataset dataset = allocate(labels.length, height, width, channels, classNames, false);
    try {
      for (int i = 0; i < labels.length; i++) {
        dataset.setLabel(i, labels[i]);
      }
      dataset.putBytes(0, imagesNhwc, 0, imagesNhwc.length);
      return dataset;
    } catch (RuntimeException e) {
      dataset.close();
      throw e;
    }
  }

  /** A dataset of {@code size} black images labelled 0, to fill with setImage and setLabel. */
  public static Dataset allocate(int size, int height, int width, int channels,
      List<String> classNames) {
    return allocate(size, height, width, channels, classNames, true);
  }

  /** As the public allocate; {@code cleared = false} skips zeroing for readers that fill every byte. */
  static Dataset allocate(int size, int height, int width, int channels, List<String> classNames,
      boolean cleared) {
    DatasetSpec spec = new DatasetSpec(height, width, channels, classNames);
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + ", expected 0 or more images");
    }
    NativeBytes storage = NativeBytes.allocate((long) size * spec.imageBytes(), cleared);
    return new Dataset(null, storage, new int[size], 0, size, spec);
  }

  /** Copies datasets of one image shape and class names into a new one, in argument order. */
  public static Dataset concat(Dataset... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("concat needs at least one dataset, received none");
    }
    Dataset head = parts[0];
    long total = 0;
    for (Dataset part : parts) {
      part.checkOpen();
      if (!part.spec.equals(head.spec)) {
        throw new IllegalArgumentException("concat needs equal image shapes and class names: "
            + head + " versus " + part);
      }
      total += part.size;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("concat would hold " + total + " images, at most 2^31-1");
    }
    Dataset joined = allocate((int) total, head.height(), head.width(), head.channels(), head.classNames(), false);
    int next = 0;
    for (Dataset part : parts) {
      Pointer.memcpy(joined.view(next, part.size), part.images(), part.size * part.imageBytes());
      System.arraycopy(part.labels, part.first, joined.labels, next, part.size);
      next += part.size;
    }
    return joined;
  }

  /** Number of images. */
  public int size() {
    return size;
  }

  /** Image height in pixels. */
  public int height() {
    return spec.height();
  }

  /** Image width in pixels. */
  public int width() {
    return spec.width();
  }

  /** Channels per pixel: 3 for RGB, 1 for grayscale. */
  public int channels() {
    return spec.channels();
  }

  /** Number of classes, which bounds every label. */
  public int numClasses() {
    return spec.classNames().size();
  }

  /** The class names, indexed by label. */
  public List<String> classNames() {
    return spec.classNames();
  }

  /** Bytes per image: height * width * channels. */
  public long imageBytes() {
    return spec.imageBytes();
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    checkIndex(i);
    return labels[first + i];
  }

  /** A copy of all labels, in image order. */
  public int[] labels() {
    checkOpen();
    int[] copy = new int[size];
    System.arraycopy(labels, first, copy, 0, size);
    return copy;
  }

  /** Native address of image 0 (its first byte), for native batch conversion. */
  public long address() {
    checkOpen();
    return storage.address() + first * imageBytes();
  }

  /** A pointer to image 0 spanning all images; it owns nothing and dies with the owner's close. */
  public BytePointer images() {
    checkOpen();
    return view(0, size);
  }

  /** Copies the HWC bytes of image {@code i} into the start of {@code dst}. */
  public void copyImage(int i, byte[] dst) {
    checkIndex(i);
    if (dst.length < imageBytes()) {
      throw new IllegalArgumentException("dst has " + dst.length + " bytes, an image needs "
          + imageBytes());
    }
    view(i, 1).get(dst, 0, (int) imageBytes());
  }

  /** The HWC bytes of image {@code i} in a new array. */
  public byte[] image(int i) {
    byte[] pixels = new byte[(int) imageBytes()];
    copyImage(i, pixels);
    return pixels;
  }

  /** Overwrites image {@code index} with {@code pixelsHwc}, exactly {@link #imageBytes()} long. */
  public void setImage(int index, byte[] pixelsHwc) {
    checkIndex(index);
    if (pixelsHwc.length != imageBytes()) {
      throw new IllegalArgumentException("image " + index + " has " + pixelsHwc.length
          + " bytes, expected " + spec + ": " + imageBytes());
    }
    view(index, 1).put(pixelsHwc, 0, pixelsHwc.length);
  }

  /** Sets the label of image {@code index}; it must lie in {@code [0, numClasses())}. */
  public void setLabel(int index, int label) {
    checkIndex(index);
    if (label < 0 || label >= numClasses()) {
      throw new IllegalArgumentException("label " + label + " of image " + index
          + " is out of range, expected 0 to " + (numClasses() - 1));
    }
    labels[first + index] = label;
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive) as a view sharing this memory. */
  public Dataset subset(int from, int to) {
    checkOpen();
    if (from < 0 || to < from || to > size) {
      throw new IndexOutOfBoundsException("subset(" + from + ", " + to + ") of a dataset of "
          + size + " images, expected 0 <= from <= to <= " + size);
    }
    return new Dataset(owner, storage, labels, first + from, to - from, spec);
  }

  /**
   * {@code {train, validation}} views, validation being the last {@code validationFraction} of the
   * images, as Keras's {@code validation_split} takes it (before any shuffling).
   */
  public Dataset[] split(double validationFraction) {
    checkOpen();
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validationFraction must be between 0 and 1 (exclusive),"
          + " received " + validationFraction);
    }
    int trainSize = (int) (size * (1 - validationFraction)); // Keras: int(n * (1 - split))
    return new Dataset[] {subset(0, trainSize), subset(trainSize, size)};
  }

  /** Frees the native memory if this dataset owns it; views only become unusable. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (owner == this) {
      storage.free();
    }
  }

  @Override
  public String toString() {
    return "Dataset[" + size + " images " + spec + (closed ? ", closed" : "") + "]";
  }

  /** Writes raw bytes at a byte offset from image 0, for readers that copy whole blocks. */
  void putBytes(long byteOffset, byte[] src, int offset, int length) {
    checkOpen();
    if (byteOffset < 0 || length < 0 || byteOffset + length > size * imageBytes()) {
      throw new IndexOutOfBoundsException("putBytes at " + byteOffset + " of " + length
          + " bytes, dataset holds " + size * imageBytes());
    }
    storage.view(first * imageBytes() + byteOffset, length).put(src, offset, length);
  }

  private BytePointer view(int index, int count) {
    return storage.view((first + (long) index) * imageBytes(), count * imageBytes());
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this dataset is closed: " + this);
    }
    if (owner.closed) {
      throw new IllegalStateException("the dataset this view was taken from is closed: " + owner);
    }
  }

  private void checkIndex(int i) {
    checkOpen();
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("image index " + i + ", expected 0 to " + (size - 1));
    }
  }
}
