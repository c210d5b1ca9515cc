package org.cnn4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A tiny ustar writer for tests: files, folders, links and the metadata entries TarReader reads. */
final class TarWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TarWriter file(String name, byte[] content) {
    return entry(name, '0', content, "");
  }

  TarWriter file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  TarWriter directory(String name) {
    return entry(name, '5', new byte[0], "");
  }

  TarWriter symlink(String name, String target) {
    return entry(name, '2', new byte[0], target);
  }

  TarWriter hardLink(String name, String target) {
    return entry(name, '1', new byte[0], target);
  }

  /** A file whose name goes in a GNU long-name entry, as GNU tar writes names over 100 bytes. */
  TarWriter gnuLongNameFile(String name, byte[] content) {
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    entry("././@LongLink", 'L', nameBytes, "");
    return entry(name.substring(0, Math.min(99, name.length())), '0', content, "");
  }

  /** A file whose name goes in a pax extended header, as Python's tarfile and bsdtar write. */
  TarWriter paxNamedFile(String name, byte[] content) {
    String body = " path=" + name + "\n";
    int length = body.length() + 1;
    while (String.valueOf(length).length() + body.length() != length) { // length counts its own digits
      length++;
    }
    String record = length + body;
    entry("PaxHeader/x", 'x', record.getBytes(StandardCharsets.UTF_8), "");
    return entry("short-name", '0', content, "");
  }

  /** The archive with its two zero end blocks. */
  byte[] tar() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  byte[] tarGz() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(tar());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  Path writeTarGz(Path file) throws IOException {
    return Files.write(file, tarGz());
  }

  private TarWriter entry(String name, char type, byte[] content, String linkTarget) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, "00000000000");
    header[156] = (byte) type;
    put(header, 157, linkTarget);
    put(header, 257, "ustar");
    put(header, 263, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum)); // then the NUL and space of the format
    header[154] = 0;
    out.writeBytes(header);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
