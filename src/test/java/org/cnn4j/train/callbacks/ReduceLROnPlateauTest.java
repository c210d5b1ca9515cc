package org.cnn4j.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.TrainingRun;
import org.junit.jupiter.api.Test;

/** Driven with made-up metrics on a compiled model (Adam, rate 1e-3) that never trains. */
class ReduceLROnPlateauTest {
  /** The learning rate after each epoch of {@code values}. */
  private static List<Float> drive(Sequential m, ReduceLROnPlateau r, int from, String metric, double... values) {
    List<Float> rates = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      Map<String, Double> logs = new HashMap<>(Map.of(metric, values[i]));
      float before = m.optimizer().learningRate();
      r.onEpochEnd(from + i, logs);
      assertEquals((double) before, logs.get("learning_rate"), "logs hold the rate the epoch ran with");
      rates.add(m.optimizer().learningRate());
    }
    return rates;
  }

  private static ReduceLROnPlateau begin(Sequential m, ReduceLROnPlateau r) {
    r.setRun(new TrainingRun(m, 0, 100, List.of(r)));
    r.onTrainBegin();
    return r;
  }

  @Test
  void respectsCooldownAndMinLr() {
    try (Sequential m = Fixture.model()) {
      ReduceLROnPlateau r = begin(m, new ReduceLROnPlateau("val_loss").factor(0.5).patience(1).cooldown(2)
          .minLr(2e-4));
      // Keras counts the cooldown down before it checks it: with cooldown 2 one epoch is quiet.
      assertEquals(List.of(1e-3f, 5e-4f, 5e-4f, 2.5e-4f, 2.5e-4f, 2e-4f, 2e-4f, 2e-4f, 2e-4f),
          drive(m, r, 0, "val_loss", 1, 1, 1, 1, 1, 1, 1, 1, 1));
    }
  }

  @Test
  void improvementsResetThePatience() {
    try (Sequential m = Fixture.model()) {
      ReduceLROnPlateau r = begin(m, new ReduceLROnPlateau("val_loss").factor(0.5).patience(2));
      // Below the default minDelta of 1e-4, 0.80001 and 0.79995 are no improvement on 0.8.
      assertEquals(List.of(1e-3f, 1e-3f, 1e-3f, 1e-3f, 1e-3f, 1e-3f, 5e-4f),
          drive(m, r, 0, "val_loss", 1.0, 1.0, 0.9, 0.9, 0.8, 0.80001, 0.79995));
    }
  }

  @Test
  void accuracyIsMaximised() {
    try (Sequential m = Fixture.model()) {
      ReduceLROnPlateau r = begin(m, new ReduceLROnPlateau("val_accuracy").factor(0.5).patience(1));
      assertEquals(List.of(1e-3f, 1e-3f, 5e-4f), drive(m, r, 0, "val_accuracy", 0.5, 0.6, 0.55));
    }
  }

  @Test
  void savedStateContinuesTheCooldown() {
    try (Sequential whole = Fixture.model(); Sequential split = Fixture.model()) {
      List<Float> expected = drive(whole, begin(whole, new ReduceLROnPlateau().factor(0.5).patience(1).cooldown(3)),
          0, "val_loss", 1, 1, 1, 1, 1, 1, 1, 1);
      ReduceLROnPlateau first = begin(split, new ReduceLROnPlateau().factor(0.5).patience(1).cooldown(3));
      List<Float> rates = new ArrayList<>(drive(split, first, 0, "val_loss", 1, 1, 1));
      ReduceLROnPlateau second = begin(split, new ReduceLROnPlateau().factor(0.5).patience(1).cooldown(3));
      second.restore(new HashMap<>(first.state()));
      List<Float> rest = drive(split, second, 3, "val_loss", 1, 1, 1, 1, 1);
      rates.addAll(rest);
      assertEquals(expected, rates);
    }
  }
}
