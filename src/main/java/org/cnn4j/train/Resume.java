package org.cnn4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.stream.Stream;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.io.ModelFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continues a run from its last checkpoint, so that a run killed at any moment
 * loses at most the epoch in progress. With {@link FitOptions#deterministic} the
 * resumed run ends with exactly the weights of an uninterrupted one.
 *
 * <pre>{@code
 * Path last = Path.of("runs/a/last.cnn4j");
 * LoadedModel saved = Resume.latest(last);             // null on the first run
 * try (Sequential model = saved != null ? saved.model() : newModel()) {
 *   FitOptions o = new FitOptions().epochs(10).deterministic(true)
 *       .callbacks(new CSVLogger(Path.of("runs/a/log.csv"), true), new ModelCheckpoint(last));
 *   if (saved != null) o.resumeFrom(saved.state());  // epoch to start at, callback counters
 *   model.fit(train, o);
 * }
 * }</pre>
 *
 * <p>The model file restores weights, optimizer state, learning rate, step count
 * and seed; shuffling and augmentation depend only on (seed, epoch) and dropout
 * masks on (seed, step), so the resumed run sees the batches the lost one would have.
 */
public final class Resume {
  private static final Logger log = LoggerFactory.getLogger(Resume.class);

  private Resume() {}

  /**
   * The checkpoint to resume from: {@code checkpoint} itself, or for a directory
   * the most recently written {@code *.cnn4j} in it; null when there is none yet.
   *
   * @throws org.cnn4j.io.ModelFormatException if the checkpoint exists but cannot be read
   */
  public static LoadedModel latest(Path checkpoint) {
    Path file = Files.isDirectory(checkpoint) ? newest(checkpoint) : checkpoint;
    if (file == null || !Files.exists(file)) return null;
    LoadedModel m = ModelFile.load(file);
    log.info("resuming from {} after epoch {}", file, m.state().epoch());
    return m;
  }

  private static Path newest(Path dir) {
    // Saves rename a hidden temporary file into place, so hidden files are never whole checkpoints.
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".cnn4j"))
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .filter(Files::isRegularFile)
          .max(Comparator.comparing(Resume::modified).thenComparing(Path::toString))
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static FileTime modified(Path f) {
    try {
      return Files.getLastModifiedTime(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the time of " + f + ": " + e.getMessage(), e);
    }
  }
}
