package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.cnn4j.testing.Naive;
import org.cnn4j.testing.NaiveConv;
import org.cnn4j.testing.NaivePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Average pooling and global average and max pooling against the plain-Java references. */
class PoolingTest {
  @ParameterizedTest(name = "n{0} {1}x{2}x{3} pool{4}x{5} s{6}x{7} {8}")
  @CsvSource({
    "1, 4, 4, 1, 2, 2, 2, 2, valid",
    "3, 5, 7, 3, 3, 3, 2, 2, same",
    "2, 7, 5, 16, 3, 2, 1, 2, same",
    "1, 5, 5, 32, 3, 3, 1, 1, same",
    "3, 9, 6, 8, 3, 3, 3, 3, valid",
    "2, 6, 6, 5, 2, 2, 2, 2, same",
  })
  void averagePoolingMatchesNaive(int n, int h, int w, int c, int ph, int pw, int sh, int sw, String padding) {
    SplittableRandom r = new SplittableRandom(h * 13L + w + c + ph + sh);
    float[] x = random(r, n * h * w * c);
    int oh = Naive.outputSize(h, ph, sh, padding);
    int ow = Naive.outputSize(w, pw, sw, padding);
    float[] dy = random(r, n * oh * ow * c);
    var layer = new AveragePooling2D(ph, pw).strides(sh, sw).padding(padding);
    var result = LayerHarness.run(layer, Shape.of(h, w, c), n, x, null, dy);
    assertEquals(Shape.of(oh, ow, c), layer.outputShape());
    assertClose(NaivePool.avgPool2d(x, n, h, w, c, ph, pw, sh, sw, padding), result.y(), 1e-5, "y");
    assertClose(NaivePool.avgPool2dBackward(n, h, w, c, ph, pw, sh, sw, padding, dy), result.dx(), 1e-5, "dx");
  }

  @Test
  void sameAveragePoolingLeavesPaddingOutOfTheMean() {
    // 3x3 ones, pool 2, stride 2, 'same': every window averages ones only, so every output is 1.
    float[] x = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    var result = LayerHarness.run(new AveragePooling2D(2).padding("same"), Shape.of(3, 3, 1), 1, x, null,
        new float[4]);
    assertClose(new float[] {1, 1, 1, 1}, result.y(), 0, "y");
  }

  @ParameterizedTest(name = "n{0} {1}x{2}x{3}")
  @CsvSource({"1, 1, 1, 3", "3, 5, 7, 3", "2, 7, 5, 16", "2, 4, 4, 32", "3, 3, 9, 13"})
  void globalPoolingMatchesNaive(int n, int h, int w, int c) {
    SplittableRandom r = new SplittableRandom(h * 7L + w + c);
    float[] x = random(r, n * h * w * c);
    float[] dy = random(r, n * c);
    var avg = LayerHarness.run(new GlobalAveragePooling2D(), Shape.of(h, w, c), n, x, null, dy);
    assertClose(NaivePool.globalAvgPool(x, n, h, w, c), avg.y(), 1e-5, "avg y");
    assertClose(NaivePool.globalAvgPoolBackward(n, h, w, c, dy), avg.dx(), 1e-5, "avg dx");
    var max = LayerHarness.run(new GlobalMaxPooling2D(), Shape.of(h, w, c), n, x, null, dy);
    assertClose(NaiveConv.maxPool2d(x, n, h, w, c, h, w, 1, 1, "valid"), max.y(), 0, "max y");
    assertClose(NaiveConv.maxPool2dBackward(x, n, h, w, c, h, w, 1, 1, "valid", dy), max.dx(), 0, "max dx");
    var kept = LayerHarness.run(new GlobalAveragePooling2D().keepdims(true), Shape.of(h, w, c), n, x, null, dy);
    assertClose(avg.y(), kept.y(), 0, "keepdims y");
    assertClose(avg.dx(), kept.dx(), 0, "keepdims dx");
  }

  @Test
  void shapesAndErrors() {
    GlobalPooling2D g = new GlobalAveragePooling2D();
    g.build("global_average_pooling2d", Shape.of(5, 7, 3));
    assertEquals(Shape.of(3), g.outputShape());
    assertEquals("global_max_pooling2d", new GlobalMaxPooling2D().baseName());
    assertEquals("average_pooling2d", new AveragePooling2D(2).baseName());
    GlobalPooling2D flat = new GlobalMaxPooling2D();
    var e = assertThrows(IllegalArgumentException.class, () -> flat.build("g", Shape.of(8)));
    assertEquals("layer 'g' (GlobalMaxPooling2D) cannot take input of shape (None, 8): expected (height, width, "
        + "channels)", e.getMessage());
  }
}
