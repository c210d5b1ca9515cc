package org.cnn4j.train;

import java.util.Map;

/**
 * A callback whose counters must survive a resume (EarlyStopping's wait and
 * best, ReduceLROnPlateau's cooldown, ...). Checkpoints save {@link #state()}
 * under {@link #stateKey()}; a resumed fit hands it back to {@link #restore}
 * right after {@link #onTrainBegin}, which may therefore reset freely.
 */
public interface StatefulCallback extends Callback {
  /** The key of this callback's state in a checkpoint, unique among the callbacks of one fit. */
  String stateKey();

  /**
   * The state after the last completed epoch, as plain values (maps with string keys,
   * lists, strings, numbers, booleans, null); non-finite numbers have no JSON form.
   */
  Map<String, Object> state();

  /** Takes back a saved {@link #state()}; numbers come back as Long or Double. */
  void restore(Map<String, Object> state);
}
