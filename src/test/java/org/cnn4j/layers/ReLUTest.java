package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.cnn4j.testing.NaiveOps;
import org.junit.jupiter.api.Test;

class ReLUTest {
  @Test
  void plainLeakyAndCappedMatchNaive() {
    SplittableRandom r = new SplittableRandom(2);
    int n = 3;
    Shape shape = Shape.of(5, 3, 7);
    float[] x = random(r, n * 105);
    for (int i = 0; i < x.length; i++) x[i] *= 4; // beyond the cap of 1.5 as well as below zero
    float[] dy = random(r, x.length);

    var plain = LayerHarness.run(new ReLU(), shape, n, x, null, dy);
    assertClose(NaiveOps.relu(x), plain.y(), 0, "relu y");
    assertClose(NaiveOps.reluBackward(x, dy), plain.dx(), 0, "relu dx");

    var leaky = LayerHarness.run(new ReLU().negativeSlope(0.1), shape, n, x, null, dy);
    assertClose(NaiveOps.leakyRelu(x, 0.1f), leaky.y(), 1e-6, "leaky y");
    assertClose(NaiveOps.leakyReluBackward(x, dy, 0.1f), leaky.dx(), 1e-6, "leaky dx");

    var capped = LayerHarness.run(new ReLU().maxValue(1.5), shape, n, x, null, dy);
    float[] y = new float[x.length];
    float[] dx = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.min(Math.max(x[i], 0f), 1.5f);
      dx[i] = x[i] > 0 && x[i] < 1.5f ? dy[i] : 0f;
    }
    assertClose(y, capped.y(), 0, "relu max_value y");
    assertClose(dx, capped.dx(), 0, "relu max_value dx");
  }

  @Test
  void whatOneDnnCannotDoIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ReLU().threshold(0.5));
    assertEquals("ReLU threshold 0.5 is not supported: cnn4j supports threshold 0 (oneDNN has no shifted ReLU)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ReLU().maxValue(6).negativeSlope(0.1));
    assertEquals("ReLU with both max_value (6.0) and negative_slope (0.1) is not supported: cnn4j supports one or "
        + "the other", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ReLU().maxValue(-1));
    assertEquals("re_lu", new ReLU().baseName());
  }
}
