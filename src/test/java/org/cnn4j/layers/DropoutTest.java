package org.cnn4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.model.Sequential;
import org.cnn4j.optim.SGD;
import org.junit.jupiter.api.Test;

class DropoutTest {
  @Test
  void trainingZeroesAboutRateAndScalesTheRest() {
    int n = 4;
    Shape shape = Shape.of(16, 16, 32);
    float[] x = new float[n * (int) shape.size()];
    Arrays.fill(x, 1f);
    float[] dy = new float[x.length];
    for (int i = 0; i < dy.length; i++) dy[i] = i % 7;
    var r = LayerHarness.run(new Dropout(0.5), shape, n, x, null, dy);
    int dropped = 0;
    for (int i = 0; i < x.length; i++) {
      if (r.y()[i] == 0f) {
        dropped++;
        assertEquals(0f, r.dx()[i], "a dropped unit passes no gradient");
      } else {
        assertEquals(2f, r.y()[i], "kept units are scaled by 1 / (1 - rate)");
        assertEquals(2f * dy[i], r.dx()[i], 1e-6, "the gradient uses the same mask and scale");
      }
    }
    // 32,768 Bernoulli(0.5) draws: the fraction is 0.5 +- 0.003 (one sigma); allow 5 sigma.
    assertEquals(0.5, dropped / (double) x.length, 0.015);
  }

  @Test
  void inferenceIsIdentityAndMasksChangeEachStep() {
    try (Sequential m = new Sequential()) {
      m.add(new Dropout(0.3)).build(Shape.of(64));
      m.compile(new SGD(), new SparseCategoricalCrossentropy(true));
      float[] x = new float[2 * 64];
      Arrays.fill(x, 3f);
      Plan infer = m.plan(2, false);
      infer.input().write(x);
      infer.forward();
      assertArrayEquals(x, infer.output().toArray());
      Plan train = m.plan(2, true);
      train.input().write(x);
      train.forward();
      float[] first = train.output().toArray();
      m.counter().increment();
      train.forward();
      float[] second = train.output().toArray();
      assertEquals(false, Arrays.equals(first, second), "a new step draws a new mask");
    }
  }

  @Test
  void rateMustBeBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1));
  }
}
