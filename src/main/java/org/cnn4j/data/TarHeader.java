package org.cnn4j.data;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One 512-byte tar header block, checked and decoded: the entry name (with the POSIX ustar prefix),
 * its type flag and content size. Also decodes the pax records that may override them. Fields are
 * octal text, or GNU base-256 binary for sizes over 8 GB.
 *
 * @param name the path stored in the header, before any GNU long name or pax path replaces it
 * @param type the type flag: '0' file, '5' directory, '1'/'2' links, 'L'/'K'/'x'/'g' metadata
 * @param size the content size in bytes
 */
record TarHeader(String name, char type, long size) {
  static final int BLOCK = 512;

  /** Decodes a header block read at {@code offset} of the tar stream of {@code source}. */
  static TarHeader parse(byte[] block, String source, long offset) {
    long expected = number(block, 148, 8, source, offset, "checksum");
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : block[i] & 0xff; // the field itself counts as spaces
    }
    if (expected != sum) {
      throw new DatasetException(source + ": bad tar header at byte offset " + offset
          + ": checksum field says " + expected + ", header bytes sum to " + sum
          + " (not a tar archive, or corrupt)");
    }
    String name = cString(block, 0, 100);
    boolean posixUstar = "ustar\0".equals(new String(block, 257, 6, StandardCharsets.US_ASCII));
    String prefix = posixUstar ? cString(block, 345, 155) : ""; // GNU tar uses this area otherwise
    return new TarHeader(prefix.isEmpty() ? name : prefix + "/" + name, (char) (block[156] & 0xff),
        number(block, 124, 12, source, offset, "size"));
  }

  /** Pax records: "LENGTH KEY=VALUE\n", LENGTH counting the whole record. */
  static Map<String, String> paxRecords(byte[] data, String source, long offset) {
    Map<String, String> records = new HashMap<>();
    int pos = 0;
    while (pos < data.length && data[pos] != 0) {
      int space = pos;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length = -1;
      try {
        length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        // reported below
      }
      if (length < space - pos + 2 || pos + length > data.length) {
        throw new DatasetException(source + ": bad pax header at byte offset " + offset
            + ": record at " + pos + " has no valid length");
      }
      String record = new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      if (equals > 0) {
        records.put(record.substring(0, equals), record.substring(equals + 1));
      }
      pos += length;
    }
    return records;
  }

  /** The pax "size" value. */
  static long paxSize(String text, String source, long offset) {
    try {
      return Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw new DatasetException(source + ": bad pax header at byte offset " + offset
          + ": size '" + text + "' is not a number");
    }
  }

  /** Text up to the first NUL byte, or the whole field. */
  static String cString(byte[] bytes, int start, int length) {
    int end = start;
    while (end < start + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, start, end - start, StandardCharsets.UTF_8);
  }

  /** An octal field, or a GNU base-256 field when the high bit of its first byte is set. */
  private static long number(byte[] block, int start, int length, String source, long offset, String field) {
    if ((block[start] & 0x80) != 0) {
      long value = block[start] & 0x7f;
      for (int i = start + 1; i < start + length; i++) {
        value = (value << 8) | (block[i] & 0xff);
      }
      return value;
    }
    String text = cString(block, start, length).trim();
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    } catch (NumberFormatException e) {
      throw new DatasetException(source + ": bad tar header at byte offset " + offset + ": " + field
          + " field '" + text + "' is not an octal number (not a tar archive, or corrupt)");
    }
  }
}
