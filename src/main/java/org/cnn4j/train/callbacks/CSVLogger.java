package org.cnn4j.train.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cnn4j.train.Callback;
import org.cnn4j.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one CSV row per epoch, Keras's CSVLogger: an "epoch" column (from 0)
 * then the logs' metrics in name order. Each row goes to the operating system
 * when its epoch ends, so a killed process loses no finished epoch.
 *
 * <p>With {@code append}, an existing file keeps its header and rows, and new rows
 * follow in its columns. A resumed run first drops the rows of epochs it is about
 * to train again (written after its checkpoint), so each epoch appears once.
 */
public final class CSVLogger implements Callback {
  private static final Logger log = LoggerFactory.getLogger(CSVLogger.class);

  private final Path file;
  private final boolean append;
  private int initialEpoch = Integer.MAX_VALUE;
  private List<String> columns;
  private boolean warnedColumns;

  /** Replaces {@code file} at the start of each fit. */
  public CSVLogger(Path file) {
    this(file, false);
  }

  /** @param append keep an existing file's rows and add to them (use this to resume) */
  public CSVLogger(Path file, boolean append) {
    this.file = file;
    this.append = append;
  }

  @Override
  public void setRun(TrainingRun run) {
    initialEpoch = run.initialEpoch();
  }

  @Override
  public void onTrainBegin() {
    columns = null;
    warnedColumns = false;
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      if (append && Files.exists(file) && Files.size(file) > 0) {
        keepRowsBefore(initialEpoch);
      } else {
        Files.write(file, new byte[0]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the header and cuts the file after the last whole row of an epoch before {@code epoch}. */
  private void keepRowsBefore(int epoch) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int end = text.indexOf('\n');
    List<String> header = end < 0 ? List.of() : Arrays.asList(text.substring(0, end).strip().split(",", -1));
    if (header.isEmpty() || !header.get(0).equals("epoch")) {
      throw new IllegalStateException(file + " exists but does not start with an \"epoch\" column, so CSVLogger "
          + "did not write it; log to another file, or pass append=false to replace it");
    }
    columns = new ArrayList<>(header.subList(1, header.size()));
    int keep = end + 1;
    for (int from = keep, next; (next = text.indexOf('\n', from)) >= 0; from = next + 1) {
      String first = text.substring(from, next).split(",", 2)[0].strip();
      if (!first.matches("\\d{1,9}") || Integer.parseInt(first) >= epoch) break;
      keep = next + 1;
    }
    long keepBytes = text.substring(0, keep).getBytes(StandardCharsets.UTF_8).length;
    if (keepBytes < bytes.length) {
      log.info("{}: dropping the rows after byte {}: epochs from {} on are trained again", file, keepBytes,
          epoch + 1);
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(keepBytes);
      }
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    StringBuilder out = new StringBuilder();
    if (columns == null) {
      columns = new ArrayList<>(new TreeSet<>(logs.keySet()));
      out.append("epoch");
      for (String c : columns) out.append(',').append(c);
      out.append('\n');
    } else if (!warnedColumns && !new TreeSet<>(columns).equals(new TreeSet<>(logs.keySet()))) {
      log.warn("{} has the columns {} but the logs hold {}; writing the file's columns only", file, columns,
          logs.keySet());
      warnedColumns = true;
    }
    out.append(epoch);
    for (String c : columns) {
      Double v = logs.get(c);
      out.append(',').append(v == null ? "" : v.toString());
    }
    out.append('\n');
    try {
      Files.writeString(file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger cannot write to " + file + ": " + e.getMessage(), e);
    }
  }
}
