package org.cnn4j.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.train.Callback;

/**
 * Records the process's resident set size after each epoch (from /proc), to
 * show that training allocates nothing per step: RSS should stay flat from
 * epoch 2 on.
 */
public final class MemoryReport implements Callback {
  private final PrintStream out;
  private final List<Double> rss = new ArrayList<>();

  /** @param out where to print one line per epoch, or null to only record */
  public MemoryReport(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    double now = TrainingBenchmark.rssMegabytes("VmRSS");
    rss.add(now);
    if (out != null) {
      out.println(String.format(Locale.ROOT, "{\"mode\":\"memory\",\"epoch\":%d,\"rss_mb\":%.1f,\"peak_rss_mb\":%.1f}",
          epoch + 1, now, TrainingBenchmark.rssMegabytes("VmHWM")));
    }
  }

  /** RSS in MB after each epoch so far. */
  public List<Double> rssAfterEachEpoch() {
    return List.copyOf(rss);
  }
}
