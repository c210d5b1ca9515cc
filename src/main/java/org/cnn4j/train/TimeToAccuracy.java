package org.cnn4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * When a run first reached each validation-accuracy threshold: the epoch (from
 * 1) and the wall time, the sum of the epochs' seconds (training and
 * evaluation) since the run's first epoch. fit keeps one per run and saves it
 * in checkpoints, so a resumed run goes on counting (the time of an epoch lost
 * to a kill, and of the restart, is not counted).
 *
 * <pre>{@code
 * History h = model.fit(train, options);
 * for (TimeToAccuracy.Milestone m : h.timeToAccuracy()) System.out.println(m);
 * }</pre>
 */
public final class TimeToAccuracy implements StatefulCallback {
  /** The thresholds fit watches. */
  public static final double[] THRESHOLDS = {0.50, 0.60, 0.70, 0.80, 0.85, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95};

  /** A threshold first passed (value >= threshold) at the end of {@code epoch} (from 1), {@code seconds} into the run. */
  public record Milestone(double threshold, int epoch, double seconds, double accuracy) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.2f at epoch %d (%.1f s)", threshold, epoch, seconds);
    }
  }

  private final String metric;
  private double elapsed;
  private final List<Milestone> reached = new ArrayList<>();

  /** @param metric the log key watched, e.g. "val_accuracy" */
  public TimeToAccuracy(String metric) {
    this.metric = metric;
  }

  public String metric() {
    return metric;
  }

  /**
   * Counts an epoch that took {@code seconds} and records the thresholds its
   * {@link #metric} passed for the first time; puts "elapsed_seconds" into logs.
   */
  public void epochEnded(int epoch, double seconds, Map<String, Double> logs) {
    elapsed += seconds;
    logs.put("elapsed_seconds", elapsed);
    Double value = logs.get(metric);
    if (value == null || value.isNaN()) return;
    for (double t : THRESHOLDS) {
      if (value >= t && reached.stream().noneMatch(m -> m.threshold() == t)) {
        reached.add(new Milestone(t, epoch + 1, elapsed, value));
      }
    }
  }

  /** The thresholds reached so far, lowest first. */
  public List<Milestone> milestones() {
    List<Milestone> out = new ArrayList<>(reached);
    out.sort((a, b) -> Double.compare(a.threshold(), b.threshold()));
    return out;
  }

  /** Seconds counted so far. */
  public double elapsedSeconds() {
    return elapsed;
  }

  /** One line: "val_accuracy 0.50 at epoch 1 (13.2 s), 0.60 at epoch 2 (26.9 s)", or that none was reached. */
  public static String summary(String metric, List<Milestone> milestones) {
    if (milestones.isEmpty()) return "time to accuracy: " + metric + " reached no threshold (lowest 0.50)";
    StringBuilder s = new StringBuilder("time to accuracy: " + metric + " ");
    for (int i = 0; i < milestones.size(); i++) s.append(i > 0 ? ", " : "").append(milestones.get(i));
    return s.toString();
  }

  @Override
  public String stateKey() {
    return "time_to_accuracy";
  }

  @Override
  public void onTrainBegin() {
    elapsed = 0;
    reached.clear();
  }

  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("elapsed_seconds", elapsed);
    List<Object> list = new ArrayList<>();
    for (Milestone m : milestones()) list.add(List.of(m.threshold(), m.epoch(), m.seconds(), m.accuracy()));
    s.put("reached", list);
    return s;
  }

  @Override
  public void restore(Map<String, Object> s) {
    if (s.get("elapsed_seconds") instanceof Number n && n.doubleValue() >= 0) elapsed = n.doubleValue();
    if (!(s.get("reached") instanceof List<?> list)) return;
    for (Object o : list) {
      if (o instanceof List<?> m && m.size() == 4 && m.stream().allMatch(x -> x instanceof Number)) {
        reached.add(new Milestone(((Number) m.get(0)).doubleValue(), ((Number) m.get(1)).intValue(),
            ((Number) m.get(2)).doubleValue(), ((Number) m.get(3)).doubleValue()));
      }
    }
  }
}
