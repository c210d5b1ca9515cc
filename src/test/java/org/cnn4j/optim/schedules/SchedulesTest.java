package org.cnn4j.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each schedule against its formula, worked out by hand, at several steps. */
class SchedulesTest {
  private static final double EPS = 1e-12;

  @Test
  void exponentialDecaySmoothAndStaircase() {
    ExponentialDecay smooth = new ExponentialDecay(0.1, 100, 0.5, false);
    assertEquals(0.1, smooth.at(0), EPS);
    assertEquals(0.1 * Math.pow(0.5, 0.5), smooth.at(50), EPS);
    assertEquals(0.05, smooth.at(100), EPS);
    assertEquals(0.1 * Math.pow(0.5, 2.5), smooth.at(250), EPS);
    ExponentialDecay stairs = new ExponentialDecay(0.1, 100, 0.5, true);
    assertEquals(0.1, stairs.at(99), EPS);
    assertEquals(0.05, stairs.at(100), EPS);
    assertEquals(0.025, stairs.at(250), EPS);
  }

  @Test
  void piecewiseConstantChangesAfterEachBoundary() {
    PiecewiseConstantDecay p = new PiecewiseConstantDecay(new long[] {10, 20}, new double[] {1, 0.5, 0.1});
    assertEquals(1, p.at(0));
    assertEquals(1, p.at(10), "step <= boundaries[0] keeps the first value (Keras)");
    assertEquals(0.5, p.at(11));
    assertEquals(0.5, p.at(20));
    assertEquals(0.1, p.at(21));
    assertEquals(0.1, p.at(1_000_000));
    assertThrows(IllegalArgumentException.class, () -> new PiecewiseConstantDecay(new long[] {5}, new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> new PiecewiseConstantDecay(new long[] {5, 5}, new double[] {1, 2, 3}));
  }

  @Test
  void cosineDecayWithoutWarmup() {
    CosineDecay c = new CosineDecay(0.2, 100, 0.1);
    assertEquals(0.2, c.at(0), EPS);
    // step 25: cos(pi/4) = 0.70711; 0.5 * (1 + 0.70711) = 0.85355; (0.9 * 0.85355 + 0.1) * 0.2
    assertEquals((0.9 * 0.5 * (1 + Math.sqrt(0.5)) + 0.1) * 0.2, c.at(25), EPS);
    assertEquals((0.9 * 0.5 + 0.1) * 0.2, c.at(50), EPS);
    assertEquals(0.02, c.at(100), EPS);
    assertEquals(0.02, c.at(500), EPS, "held at alpha * initial after decay_steps");
  }

  @Test
  void cosineDecayWithLinearWarmupAsKeras3() {
    CosineDecay c = new CosineDecay(0.0, 100).warmup(0.1, 10);
    assertEquals(0.0, c.at(0), EPS);
    assertEquals(0.03, c.at(3), EPS);
    assertEquals(0.1, c.at(10), EPS, "the warm-up ends at the target, where the decay starts");
    assertEquals(0.05, c.at(60), EPS, "half-way through the decay that starts after the warm-up");
    assertEquals(0.0, c.at(110), EPS);
    assertEquals(0.0, c.at(10_000), EPS);
    CosineDecay from = new CosineDecay(0.02, 40, 0.5).warmup(0.1, 4);
    assertEquals(0.02 + 0.08 * 0.25, from.at(1), EPS);
    assertEquals(0.1 * (0.5 * 0.5 * (1 + Math.cos(Math.PI * 0.25)) + 0.5), from.at(14), EPS);
  }

  @Test
  void oneCycleRisesToTheMaximumThenAnnealsToTheFloor() {
    OneCycle o = new OneCycle(0.1, 101, 0.3, 25, 1e4);
    double start = 0.1 / 25;
    double end = start / 1e4;
    double peak = 0.3 * 101 - 1; // 29.3
    assertEquals(start, o.at(0), EPS);
    assertEquals(0.1 + (start - 0.1) / 2 * (1 + Math.cos(Math.PI * 15 / peak)), o.at(15), EPS);
    assertEquals(end + (0.1 - end) / 2 * (1 + Math.cos(Math.PI * (60 - peak) / (100 - peak))), o.at(60), EPS);
    assertEquals(end, o.at(100), EPS);
    assertEquals(end, o.at(5000), EPS);
    double max = 0;
    for (int s = 0; s <= 100; s++) max = Math.max(max, o.at(s));
    assertTrue(max <= 0.1 && max > 0.0999, "peaks at max_learning_rate: " + max);
  }

  @Test
  void configsRoundTripThroughFromConfig() {
    List<LearningRateSchedule> all = List.of(new ExponentialDecay(0.1, 7, 0.9, true),
        new PiecewiseConstantDecay(new long[] {3, 9}, new double[] {0.3, 0.2, 0.1}),
        new CosineDecay(0.01, 50, 0.05).warmup(0.2, 5), new CosineDecay(0.3, 9), new OneCycle(0.4, 77));
    for (LearningRateSchedule s : all) {
      LearningRateSchedule back = LearningRateSchedule.fromConfig(s.className(), s.config());
      assertEquals(s.config(), back.config(), s.className());
      for (long step : new long[] {0, 1, 4, 8, 30, 100}) assertEquals(s.at(step), back.at(step), s + " at " + step);
    }
    Map<String, Object> ser = new CosineDecay(0.1, 10).serialize();
    assertEquals("keras.optimizers.schedules", ser.get("module"));
    assertEquals("CosineDecay", ser.get("class_name"));
    assertEquals(null, ser.get("registered_name"));
    assertEquals("cnn4j>OneCycle", new OneCycle(0.1, 10).serialize().get("registered_name"));
  }

  @Test
  void badConfigsSayWhatIsWrong() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.fromConfig("InverseTimeDecay", Map.of()));
    assertTrue(e.getMessage().contains("InverseTimeDecay is not supported"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.fromConfig("CosineDecay", Map.of("initial_learning_rate", 0.1)));
    assertTrue(e.getMessage().contains("decay_steps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.fromConfig("ExponentialDecay",
        Map.of("initial_learning_rate", 0.1, "decay_steps", 2.5, "decay_rate", 0.5)));
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> new OneCycle(0.1, 100, 1.5, 25, 1e4));
  }
}
