package org.cnn4j.data;

/**
 * Bad or unreadable input data: a missing file or folder, a truncated record, a wrong header,
 * a label out of range, an image that cannot be decoded. The message names the file, the record
 * index or byte offset, and what was expected versus what was found. A reader that throws this
 * has released everything it allocated; no partial dataset is ever returned.
 */
public class DatasetException extends RuntimeException {

  /** @param message names the file, the position in it, and expected versus received */
  public DatasetException(String message) {
    super(message);
  }

  /**
   * @param message names the file, the position in it, and expected versus received
   * @param cause the underlying I/O or decoding error
   */
  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
