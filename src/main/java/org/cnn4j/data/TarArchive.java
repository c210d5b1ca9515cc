package org.cnn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safe extraction of {@code .tar} and {@code .tar.gz} archives, such as the data sets under
 * {@code ../shared/data}. Only directories and regular files are written, and only inside the
 * destination folder: absolute names, {@code ..} components, links and device entries are refused
 * with a {@link DatasetException} naming the entry.
 *
 * <pre>{@code
 * TarArchive.extractOnce(Path.of("../shared/data/cifar10-jpeg.tar.gz"), Path.of("target"));
 * Dataset train = ImageFolderReader.read(Path.of("target/cifar10-jpeg/train"));
 * }</pre>
 */
public final class TarArchive {
  private static final Logger log = LoggerFactory.getLogger(TarArchive.class);

  private TarArchive() {
  }

  /**
   * Extracts every entry of {@code archive} under {@code destDir}, creating it if needed and
   * overwriting files of the same names.
   *
   * @return the number of files written
   */
  public static int extract(Path archive, Path destDir) {
    long start = System.nanoTime();
    int files = 0;
    try (TarReader tar = TarReader.open(archive)) {
      Files.createDirectories(destDir);
      Path root = destDir.toRealPath();
      Path checkedParent = null; // entries come grouped by folder: check each folder once
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        Path target = targetOf(entry, root, archive);
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          requireInside(target.toRealPath(), root, entry, archive); // a planted symlink
        } else if (entry.isFile()) {
          Path parent = target.getParent();
          if (!parent.equals(checkedParent)) {
            Files.createDirectories(parent);
            requireInside(parent.toRealPath(), root, entry, archive); // a planted symlink
            checkedParent = parent;
          }
          try (InputStream in = tar.content();
              OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(out);
          }
          files++;
        } else {
          throw refuse(entry, archive, "is a link or special file (tar type '" + entry.type()
              + "'), expected only files and directories");
        }
      }
    } catch (IOException e) {
      throw new DatasetException("cannot extract " + archive + " into " + destDir + ": " + e, e);
    }
    log.info("Extracted {} files from {} into {} in {} ms", files, archive, destDir,
        (System.nanoTime() - start) / 1_000_000);
    return files;
  }

  /**
   * Extracts {@code archive} under {@code destDir} unless a previous call already completed for
   * the same archive (same size and modification time); a marker file
   * {@code .<archive name>.extracted} in {@code destDir} records a finished extraction.
   *
   * @return true if the archive was extracted now, false if it already had been
   */
  public static boolean extractOnce(Path archive, Path destDir) {
    try {
      if (!Files.isRegularFile(archive)) {
        throw new DatasetException("archive " + archive + " does not exist or is not a file");
      }
      Path marker = destDir.resolve("." + archive.getFileName() + ".extracted");
      String stamp = Files.size(archive) + " " + Files.getLastModifiedTime(archive).toMillis();
      if (Files.isRegularFile(marker)
          && Files.readString(marker, StandardCharsets.UTF_8).equals(stamp)) {
        log.debug("{} is already extracted into {}", archive, destDir);
        return false;
      }
      Files.deleteIfExists(marker);
      extract(archive, destDir);
      Files.writeString(marker, stamp, StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      throw new DatasetException("cannot extract " + archive + " into " + destDir + ": " + e, e);
    }
  }

  /** Where an entry goes, refusing names that could land outside {@code root}. */
  private static Path targetOf(TarReader.Entry entry, Path root, Path archive) {
    String name = entry.name();
    if (name.startsWith("/") || name.contains("\\") || name.matches("^[A-Za-z]:.*")) {
      throw refuse(entry, archive, "has an absolute or non-portable path, expected a relative one");
    }
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw refuse(entry, archive, "contains '..', expected a path inside the destination");
      }
    }
    Path target = root.resolve(name).normalize();
    if (!entry.isDirectory() && target.equals(root)) {
      throw refuse(entry, archive, "has an empty file name");
    }
    requireInside(target, root, entry, archive);
    return target;
  }

  private static void requireInside(Path path, Path root, TarReader.Entry entry, Path archive) {
    if (!path.startsWith(root)) {
      throw refuse(entry, archive, "would be written to " + path + ", outside " + root);
    }
  }

  private static DatasetException refuse(TarReader.Entry entry, Path archive, String why) {
    return new DatasetException(archive + ": entry '" + entry.name() + "' at byte offset "
        + entry.headerOffset() + " " + why + "; refusing to extract");
  }
}
