package org.cnn4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.model.History;
import org.cnn4j.train.StatefulCallback;
import org.cnn4j.train.TrainingRun;

/**
 * The metrics of every epoch of a run, across resumes: checkpoints save them
 * with the callbacks' state, so that a resumed run's history.csv and plots show
 * the whole run with its real epoch numbers, not only the epochs of the last process.
 */
final class RunHistory implements StatefulCallback {
  private final List<Map<String, Double>> epochs = new ArrayList<>();
  private int initialEpoch;

  @Override
  public void setRun(TrainingRun run) {
    initialEpoch = run.initialEpoch();
  }

  @Override
  public void onTrainBegin() {
    epochs.clear();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    while (epochs.size() < epoch) epochs.add(Map.of()); // a checkpoint from before this callback existed
    if (epochs.size() > epoch) epochs.subList(epoch, epochs.size()).clear();
    epochs.add(new LinkedHashMap<>(logs));
  }

  /** Epoch 1 to the last one trained; epochs a checkpoint did not record have no metrics (NaN). */
  History history() {
    History h = new History();
    for (int e = 0; e < Math.max(epochs.size(), initialEpoch); e++) h.add(e < epochs.size() ? epochs.get(e) : Map.of());
    return h;
  }

  @Override
  public String stateKey() {
    return "cnn4j_run_history";
  }

  @Override
  public Map<String, Object> state() {
    List<Object> rows = new ArrayList<>();
    for (Map<String, Double> e : epochs) {
      Map<String, Object> row = new LinkedHashMap<>();
      e.forEach((k, v) -> row.put(k, Double.isFinite(v) ? v : null)); // JSON has no NaN
      rows.add(row);
    }
    return Map.of("epochs", rows);
  }

  @Override
  public void restore(Map<String, Object> state) {
    epochs.clear();
    if (!(state.get("epochs") instanceof List<?> rows)) return;
    for (Object r : rows) {
      Map<String, Double> e = new LinkedHashMap<>();
      if (r instanceof Map<?, ?> m) {
        m.forEach((k, v) -> e.put(String.valueOf(k), v instanceof Number n ? n.doubleValue() : Double.NaN));
      }
      epochs.add(e);
    }
  }
}
