package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.cnn4j.testing.NaiveOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaxoutTest {
  @ParameterizedTest(name = "{0} pieces, {1} channels")
  @CsvSource({"2, 32", "4, 16", "3, 9"})
  void matchesNaiveOnImages(int pieces, int c) {
    SplittableRandom r = new SplittableRandom(pieces * 100L + c);
    int n = 3;
    int h = 4;
    int w = 5;
    float[] x = random(r, n * h * w * c);
    float[] dy = random(r, n * h * w * (c / pieces));
    var result = LayerHarness.run(new Maxout(pieces), Shape.of(h, w, c), n, x, null, dy);
    assertClose(NaiveOps.maxout(x, n * h * w, c, pieces), result.y(), 0, "y");
    assertClose(NaiveOps.maxoutBackward(x, n * h * w, c, pieces, dy), result.dx(), 0, "dx");
  }

  @Test
  void matchesNaiveOnVectors() {
    SplittableRandom r = new SplittableRandom(9);
    float[] x = random(r, 2 * 12);
    float[] dy = random(r, 2 * 4);
    var result = LayerHarness.run(new Maxout(3), Shape.of(12), 2, x, null, dy);
    assertClose(NaiveOps.maxout(x, 2, 12, 3), result.y(), 0, "y");
    assertClose(NaiveOps.maxoutBackward(x, 2, 12, 3, dy), result.dx(), 0, "dx");
  }

  @Test
  void channelsMustDivide() {
    Maxout m = new Maxout(3);
    assertThrows(IllegalArgumentException.class, () -> m.build("maxout", Shape.of(4, 4, 8)));
  }
}
