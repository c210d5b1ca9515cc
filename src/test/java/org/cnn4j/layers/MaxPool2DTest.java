package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;

import java.util.SplittableRandom;
import org.cnn4j.testing.Naive;
import org.cnn4j.testing.NaiveConv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaxPool2DTest {
  @ParameterizedTest(name = "n{0} {1}x{2}x{3} pool{4} s{5} {6}")
  @CsvSource({
    "1, 4, 4, 1, 2, 2, valid",
    "3, 5, 7, 3, 3, 2, same",
    "3, 7, 5, 16, 2, 2, valid",
    "1, 5, 5, 32, 3, 1, same",
    "3, 9, 6, 8, 3, 3, valid",
  })
  void matchesNaive(int n, int h, int w, int c, int p, int s, String padding) {
    SplittableRandom r = new SplittableRandom(h * 13L + w + c + p + s);
    float[] x = random(r, n * h * w * c);
    int oh = Naive.outputSize(h, p, s, padding);
    int ow = Naive.outputSize(w, p, s, padding);
    float[] dy = random(r, n * oh * ow * c);
    var result = LayerHarness.run(new MaxPool2D(p).strides(s).padding(padding), Shape.of(h, w, c), n, x, null, dy);
    assertClose(NaiveConv.maxPool2d(x, n, h, w, c, p, p, s, s, padding), result.y(), 0, "y");
    assertClose(NaiveConv.maxPool2dBackward(x, n, h, w, c, p, p, s, s, padding, dy), result.dx(), 1e-6, "dx");
  }
}
