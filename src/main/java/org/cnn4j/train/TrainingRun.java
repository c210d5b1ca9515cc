package org.cnn4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.io.TrainingState;
import org.cnn4j.model.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a callback sees of the fit that runs it: the model, the epochs (Keras's
 * initial_epoch and epochs; epoch numbers are absolute, so a resumed run goes on
 * counting where it stopped), and the {@link TrainingState} that a checkpoint
 * saves. {@code fit} makes one; a hand-written training loop may make its own.
 */
public final class TrainingRun {
  private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

  private final Model model;
  private final int initialEpoch;
  private final int epochs;
  private final List<StatefulCallback> stateful = new ArrayList<>();

  /**
   * @param callbacks every callback of the run; those with state must have distinct keys
   */
  public TrainingRun(Model model, int initialEpoch, int epochs, List<? extends Callback> callbacks) {
    this.model = model;
    this.initialEpoch = initialEpoch;
    this.epochs = epochs;
    Map<String, StatefulCallback> byKey = new LinkedHashMap<>();
    for (Callback c : callbacks) {
      if (!(c instanceof StatefulCallback s)) continue;
      StatefulCallback before = byKey.put(s.stateKey(), s);
      if (before != null) {
        throw new IllegalArgumentException("two callbacks save their state under the key '" + s.stateKey()
            + "' (" + before.getClass().getSimpleName() + " and " + s.getClass().getSimpleName()
            + "); give each its own monitor or file, or pass the callback only once");
      }
      stateful.add(s);
    }
  }

  /** The model being trained. */
  public Model model() {
    return model;
  }

  /** The epoch (from 0) that this fit starts at. */
  public int initialEpoch() {
    return initialEpoch;
  }

  /** The epoch count that this fit ends at (exclusive), as {@link FitOptions#epochs}. */
  public int epochs() {
    return epochs;
  }

  /** The state to save after {@code epochsDone} epochs: that count and every stateful callback's state. */
  public TrainingState state(int epochsDone) {
    Map<String, Object> states = new LinkedHashMap<>();
    for (StatefulCallback s : stateful) states.put(s.stateKey(), s.state());
    return new TrainingState(epochsDone, states);
  }

  /** Hands each stateful callback its saved state; the rest start fresh. */
  void restore(Map<String, Object> saved) {
    Map<String, Object> unused = new LinkedHashMap<>(saved);
    for (StatefulCallback s : stateful) {
      Object state = unused.remove(s.stateKey());
      if (state == null) continue;
      if (!(state instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("the saved state of '" + s.stateKey() + "' is not a map: " + state);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) m;
      s.restore(typed);
    }
    if (!unused.isEmpty()) {
      log.info("the checkpoint holds state that no callback of this fit takes: {}", unused.keySet());
    }
  }
}
