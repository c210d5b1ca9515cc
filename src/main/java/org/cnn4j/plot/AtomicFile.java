package org.cnn4j.plot;

import java.awt.image.RenderedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a file so that it appears whole or not at all: the bytes go to a hidden temporary file in
 * the same directory, which is then renamed over the target (a rename within one directory is
 * atomic on POSIX file systems). Missing parent directories are created.
 */
final class AtomicFile {
  private static final Logger log = LoggerFactory.getLogger(AtomicFile.class);

  /** Writes the bytes of a file to a stream. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFile() {}

  static void writeText(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  static void writePng(Path target, RenderedImage image) throws IOException {
    write(
        target,
        out -> {
          if (!ImageIO.write(image, "png", out)) {
            throw new IOException("this JDK has no PNG encoder");
          }
        });
  }

  static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    // Not Files.createTempFile: it makes the file owner-only (0600), and that mode would survive
    // the rename; CREATE_NEW gives the usual umask-based mode.
    long random = ThreadLocalRandom.current().nextLong();
    Path tmp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(random) + ".tmp");
    boolean moved = false;
    try {
      try (OutputStream out =
          new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW))) {
        content.writeTo(out);
      }
      Files.move(
          tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      log.debug("wrote {}", absolute);
    } finally {
      if (!moved) Files.deleteIfExists(tmp);
    }
  }
}
