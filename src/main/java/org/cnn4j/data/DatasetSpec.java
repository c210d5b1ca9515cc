package org.cnn4j.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What every image and label of a dataset looks like: the image size and channels, and the class
 * names that bound the labels. Validated once here, so a dataset never holds an impossible shape.
 */
record DatasetSpec(int height, int width, int channels, List<String> classNames) {

  DatasetSpec {
    if (height <= 0 || width <= 0 || channels <= 0) {
      throw new IllegalArgumentException("image shape " + height + "x" + width + "x" + channels
          + ": expected positive height, width and channels");
    }
    if ((long) height * width * channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("one image of " + height + "x" + width + "x" + channels
          + " exceeds " + Integer.MAX_VALUE + " bytes");
    }
    Objects.requireNonNull(classNames, "classNames");
    classNames = List.copyOf(classNames); // also rejects null names
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("classNames is empty, expected at least one class");
    }
    if (new HashSet<>(classNames).size() != classNames.size()) {
      throw new IllegalArgumentException("classNames has duplicates: " + classNames);
    }
  }

  int imageBytes() {
    return height * width * channels;
  }

  @Override
  public String toString() {
    return height + "x" + width + "x" + channels + ", " + classNames.size() + " classes";
  }
}
