package org.cnn4j.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of a CIFAR binary release, found in a folder (or its usual subfolder, such as
 * {@code cifar-10-batches-bin/}) or loaded into memory straight from the downloaded tar.gz archive.
 */
final class CifarFiles {

  /**
   * One file of the release: {@code location} names it in messages; its content is either on
   * disk ({@code file}, streamed when converted) or already in memory ({@code bytes}).
   */
  record Source(String location, long size, Path file, byte[] bytes) {
    static Source onDisk(Path file) {
      try {
        return new Source(file.toString(), Files.size(file), file, null);
      } catch (IOException e) {
        throw new DatasetException("cannot read " + file + ": " + e, e);
      }
    }

    InputStream open() throws IOException {
      return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    String text() {
      try (InputStream in = open()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new DatasetException("cannot read " + location + ": " + e, e);
      }
    }
  }

  private final Map<String, Source> byName;

  private CifarFiles(Map<String, Source> byName) {
    this.byName = byName;
  }

  /**
   * Loads the {@code required} and, when present, the {@code optional} files by base name.
   *
   * @param source a folder, or a {@code .tar}/{@code .tar.gz} archive
   * @param subfolder where the release keeps its files when {@code source} is the parent folder
   */
  static CifarFiles load(Path source, String subfolder, List<String> required, List<String> optional) {
    if (Files.isDirectory(source)) {
      return fromFolder(source, subfolder, required, optional);
    }
    if (Files.isRegularFile(source)) {
      return fromArchive(source, required, optional);
    }
    throw new DatasetException(source + " does not exist; expected a folder holding " + required
        + " or the archive they came in");
  }

  /** The file, or null if an optional one was absent. */
  Source get(String name) {
    return byName.get(name);
  }

  /** The non-blank lines of a text file, such as the class names in batches.meta.txt. */
  static List<String> lines(Source file) {
    List<String> lines = new ArrayList<>();
    for (String line : file.text().split("\r?\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  private static CifarFiles fromFolder(Path folder, String subfolder, List<String> required,
      List<String> optional) {
    Path dir = folder;
    if (!Files.exists(folder.resolve(required.get(0))) && Files.isDirectory(folder.resolve(subfolder))) {
      dir = folder.resolve(subfolder);
    }
    Map<String, Source> byName = new HashMap<>();
    List<String> names = new ArrayList<>(required);
    names.addAll(optional);
    for (String name : names) {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        if (required.contains(name)) {
          throw new DatasetException("missing " + file + "; expected the files " + required
              + " in " + folder + " or in its subfolder " + subfolder);
        }
        continue;
      }
      byName.put(name, Source.onDisk(file));
    }
    return new CifarFiles(byName);
  }

  private static CifarFiles fromArchive(Path archive, List<String> required, List<String> optional) {
    Set<String> wanted = new HashSet<>(required);
    wanted.addAll(optional);
    Map<String, Source> byName = new HashMap<>();
    String image = null; // the first image file, a sign of an image-folder archive
    try (TarReader tar = TarReader.open(archive)) {
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        String baseName = entry.name().substring(entry.name().lastIndexOf('/') + 1);
        if (image == null && entry.isFile() && ImageFolderReader.isImageName(baseName)) {
          image = entry.name();
        }
        if (entry.isFile() && wanted.contains(baseName) && !byName.containsKey(baseName)) {
          byte[] bytes = tar.readContent(); // entries come in any order: keep them until all are seen
          byName.put(baseName, new Source(archive + "!" + entry.name(), bytes.length, null, bytes));
        }
      }
    } catch (IOException e) {
      throw new DatasetException("cannot read archive " + archive + ": " + e.getMessage(), e);
    }
    List<String> missing = new ArrayList<>(required);
    missing.removeAll(byName.keySet());
    if (!missing.isEmpty() && image != null) {
      throw new DatasetException("archive " + archive + " holds image files (such as " + image + "), not the "
          + "binary release " + required + ": it is an image-folder archive; read it with ImageArchiveReader "
          + "(cnn4j: --data folder:" + archive + ")");
    }
    if (!missing.isEmpty()) {
      throw new DatasetException("archive " + archive + " lacks " + missing
          + (missing.size() < required.size() ? " of the binary release's files " + required : "")
          + "; give the binary release's archive or folder");
    }
    return new CifarFiles(byName);
  }
}
