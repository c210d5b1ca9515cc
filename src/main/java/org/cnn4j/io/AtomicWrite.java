package org.cnn4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file so that it is whole or untouched, even if the process is
 * killed or the machine loses power: the bytes go to a hidden temporary file
 * in the same directory, which is flushed to disk (fsync), checked, and only
 * then renamed over the target; the directory is flushed after the rename.
 * On any failure the temporary file is removed and the target is untouched.
 * cnn4j's writers (model files, Keras JSON, ONNX) all go through it.
 */
public final class AtomicWrite {
  private static final Logger log = LoggerFactory.getLogger(AtomicWrite.class);

  /** Writes the file's bytes. */
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Reads the written temporary file back; throws if it is not good. */
  public interface Check {
    void check(Path written) throws IOException;
  }

  private AtomicWrite() {}

  public static void write(Path target, Content content, Check check) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    // Hidden, random, and in the target's directory: a rename within one file system is atomic.
    Path tmp = dir.resolve("." + absolute.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      check.check(tmp);
      Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved) Files.deleteIfExists(tmp);
    }
  }

  /**
   * What went wrong, in words: java.nio's exceptions often carry only a path
   * as their message (a FileAlreadyExistsException from creating the folder
   * when a file of that name is in the way, say).
   */
  public static String describe(IOException e) {
    String m = e.getMessage();
    if (e instanceof FileAlreadyExistsException f && f.getReason() == null) {
      return f.getFile() + (Files.isDirectory(Path.of(f.getFile())) ? " already exists" : " is not a directory");
    }
    if (e instanceof NoSuchFileException f && f.getReason() == null) return "no such file or directory: " + f.getFile();
    if (e instanceof AccessDeniedException f && f.getReason() == null) return "permission denied: " + f.getFile();
    return m != null ? m : e.toString();
  }

  /** Makes the rename itself durable; not every platform can open a directory, so failure is only logged. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot fsync directory {}: {}", dir, e.toString());
    }
  }
}
