package org.cnn4j.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads the entries of a tar stream one after the other, gzip-compressed or not (told apart by the
 * gzip magic bytes, not the file name). Understands POSIX ustar, GNU long names and pax
 * {@code path}/{@code size} records: enough for archives made by GNU tar or Python's tarfile.
 * Nothing is written to disk here; see {@link TarArchive#extract} for that.
 */
final class TarReader implements Closeable {
  private static final int BLOCK = TarHeader.BLOCK;
  private static final int MAX_METADATA_BYTES = 1 << 20; // long names and pax records

  /** One archive member; {@code type} is the tar type flag, {@code '0'} for a regular file. */
  record Entry(String name, char type, long size, long headerOffset) {
    boolean isFile() {
      return type == '0' || type == '\0' || type == '7';
    }

    boolean isDirectory() {
      return type == '5';
    }
  }

  private final InputStream in;
  private final String source;
  private long offset; // bytes consumed from the uncompressed tar stream
  private long remaining; // unread content bytes of the current entry
  private long padding; // zero bytes after the content, up to the next block
  private Entry current;

  private TarReader(InputStream in, String source) {
    this.in = in;
    this.source = source;
  }

  /** Opens a {@code .tar} or {@code .tar.gz} file. */
  static TarReader open(Path archive) {
    if (!Files.isRegularFile(archive)) {
      throw new DatasetException("archive " + archive + " does not exist or is not a file");
    }
    try {
      InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      InputStream tar = gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
      return new TarReader(tar, archive.toString());
    } catch (IOException e) {
      throw new DatasetException("cannot open archive " + archive + ": " + e.getMessage(), e);
    }
  }

  /** Moves to the next entry, skipping what is left of the current one; null at the end. */
  Entry next() {
    skip(remaining + padding);
    remaining = 0;
    padding = 0;
    String longName = null;
    Map<String, String> pax = Map.of();
    while (true) {
      long headerOffset = offset;
      byte[] header = new byte[BLOCK];
      int got = readUpTo(header, 0, BLOCK);
      if (got == 0 || (got == BLOCK && isZero(header))) {
        current = null; // the end-of-archive marker, or a clean end of stream
        return null;
      }
      if (got < BLOCK) {
        throw new DatasetException(source + ": archive ends inside the header at byte offset "
            + headerOffset + ", expected " + BLOCK + " bytes, found " + got);
      }
      TarHeader parsed = TarHeader.parse(header, source, headerOffset);
      char type = parsed.type();
      long size = parsed.size();
      if (type == 'L' || type == 'x' || type == 'K' || type == 'g') {
        byte[] data = metadata(size, headerOffset);
        if (type == 'L') {
          longName = TarHeader.cString(data, 0, data.length);
        } else if (type == 'x') {
          pax = TarHeader.paxRecords(data, source, headerOffset);
        }
        continue; // 'K' (long link target) and 'g' (global pax) do not matter here
      }
      String name = longName != null ? longName : pax.getOrDefault("path", parsed.name());
      if (pax.containsKey("size")) {
        size = TarHeader.paxSize(pax.get("size"), source, headerOffset);
      }
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      current = new Entry(name, type, size, headerOffset);
      return current;
    }
  }

  /** The content of the current entry; it ends where the entry ends. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff; // rare: callers read in blocks
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (remaining == 0) {
          return -1;
        }
        int want = (int) Math.min(len, remaining);
        int got = readUpTo(b, off, want);
        if (got < want) {
          throw truncated(want - got);
        }
        remaining -= got;
        return got;
      }
    };
  }

  /** Reads the whole content of the current entry into memory. */
  byte[] readContent() {
    if (remaining > Integer.MAX_VALUE - 8) {
      throw new DatasetException(source + ": entry " + current.name() + " has " + remaining
          + " bytes, more than fits in one array");
    }
    byte[] data = new byte[(int) remaining];
    int got = readUpTo(data, 0, data.length);
    if (got < data.length) {
      throw truncated(data.length - got);
    }
    remaining = 0;
    return data;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private DatasetException truncated(long missing) {
    return new DatasetException(source + ": archive ends at byte offset " + offset + " inside entry '"
        + current.name() + "' (header at byte offset " + current.headerOffset() + "), "
        + missing + " more bytes expected");
  }

  /** Reads until {@code len} bytes or the end of the stream; returns how many were read. */
  private int readUpTo(byte[] b, int off, int len) {
    try {
      int n = in.readNBytes(b, off, len);
      offset += n;
      return n;
    } catch (IOException e) {
      throw new DatasetException(source + ": cannot read the archive at byte offset " + offset
          + " of the tar stream: " + e.getMessage(), e);
    }
  }

  private void skip(long count) {
    byte[] scratch = new byte[(int) Math.min(count, 1 << 16)];
    while (count > 0) {
      int want = (int) Math.min(count, scratch.length);
      int got = readUpTo(scratch, 0, want);
      if (got < want) {
        throw truncated(count - got);
      }
      count -= got;
    }
  }

  private byte[] metadata(long size, long headerOffset) {
    if (size > MAX_METADATA_BYTES) {
      throw new DatasetException(source + ": metadata entry at byte offset " + headerOffset
          + " declares " + size + " bytes, expected at most " + MAX_METADATA_BYTES);
    }
    current = new Entry("(metadata)", 'x', size, headerOffset);
    remaining = size;
    byte[] data = readContent();
    skip((BLOCK - size % BLOCK) % BLOCK);
    return data;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
