package org.cnn4j.io;

/**
 * A model file or model config that cnn4j cannot read: missing or unreadable,
 * not valid JSON or not a cnn4j model file, truncated or corrupt, written by a
 * newer format version, or describing a layer or option that cnn4j does not
 * support. The message says which file and what is wrong.
 */
public class ModelFormatException extends RuntimeException {
  /** A file that is not a valid model file, with what is wrong and where. */
  public ModelFormatException(String message) {
    super(message);
  }

  /** As {@link #ModelFormatException(String)}, with the underlying cause. */
  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
