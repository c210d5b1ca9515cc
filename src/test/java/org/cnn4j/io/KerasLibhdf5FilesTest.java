package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.io.KerasFixtures.Tensor;
import org.cnn4j.model.Model;
import org.cnn4j.optim.Adam;
import org.cnn4j.testing.NaiveConv;
import org.cnn4j.testing.NaiveNorm;
import org.cnn4j.testing.NaiveOps;
import org.junit.jupiter.api.Test;

/**
 * Keras files written by libhdf5 (h5py), the library Keras itself writes with, rather than by jhdf: a Keras
 * 3.16-style .keras (empty vars groups with name attributes, a root vars group), a tf.keras 2.13-style
 * model.save .h5 (fixed-length byte-string attributes, empty float64 weight_names, legacy Adam slots), its
 * save_weights file, the .keras re-zipped with deflate, and weights holding an external link. src/test/resources/keras/make-fixtures.py wrote them; the values are
 * {@link #value}'s, so the test knows them without reading the files.
 */
class KerasLibhdf5FilesTest {
  /** The fixtures' values: offset + scale * (((i * 7919 + seed * 104729) % 2001) / 1000 - 1), rounded to float. */
  static Tensor value(long seed, double offset, double scale, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (offset + scale * (((i * 7919L + seed * 104729L) % 2001) / 1000.0 - 1.0));
    return new Tensor(shape, v);
  }

  private final Tensor kernel = value(1, 0, 0.5, 3, 3, 3, 4);
  private final Tensor bias = value(2, 0, 0.1, 4);
  private final Tensor gamma = value(3, 1, 0.5, 4);
  private final Tensor beta = value(4, 0, 0.2, 4);
  private final Tensor mean = value(5, 0, 0.3, 4);
  private final Tensor variance = value(6, 1, 0.5, 4);
  private final Tensor denseKernel = value(7, 0, 0.5, 36, 3);
  private final Tensor denseBias = value(8, 0, 0.1, 3);
  private final List<Tensor> trainable = List.of(kernel, bias, gamma, beta, denseKernel, denseBias);

  private static Path resource(String name) {
    try {
      return Path.of(KerasLibhdf5FilesTest.class.getResource("/keras/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** conv (relu) - batch normalization - max pool - flatten - dense (softmax), by plain loops. */
  private float[] expected(float[] x, int n) {
    float[] conv = NaiveOps.relu(NaiveConv.conv2d(x, n, 6, 6, 3, kernel.values(), 3, 3, 4, bias.values(), 1, 1,
        "same"));
    float[] bn = NaiveNorm.forwardInference(conv, 4, mean.values(), variance.values(), gamma.values(), beta.values(),
        1e-3);
    float[] pool = NaiveConv.maxPool2d(bn, n, 6, 6, 4, 2, 2, 2, 2, "valid");
    return NaiveOps.softmax(NaiveOps.dense(pool, n, 36, denseKernel.values(), 3, denseBias.values()), 3);
  }

  private void check(Model m, boolean withOptimizer) {
    float[] x = KerasFileTest.input(3, 6, 6, 3);
    float[] want = expected(x, 3);
    float[][] got = m.predict(x, 3);
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(want[i * 3 + j], got[i][j], 1e-5);
    List<float[]> w = m.getWeights();
    assertArrayEquals(variance.values(), w.get(5));
    assertArrayEquals(denseKernel.values(), w.get(6));
    if (!withOptimizer) return;
    assertInstanceOf(Adam.class, m.optimizer());
    assertEquals(7, m.optimizer().iterations());
    List<Parameter> params = m.arena().trainableParameters();
    for (int i = 0; i < params.size(); i++) {
      int[] shape = trainable.get(i).shape();
      assertArrayEquals(value(100 + i, 0, 0.01, shape).values(), m.arena().getSlot(params.get(i), "m"));
      assertArrayEquals(value(200 + i, 0.001, 0.001, shape).values(), m.arena().getSlot(params.get(i), "v"));
    }
  }

  @Test
  void keras3File() {
    try (Model m = Model.load(resource("small.keras"))) {
      check(m, true);
      assertEquals(0.0004f, m.optimizer().learningRate());
    }
  }

  @Test
  void deflatedKerasFile() {
    try (Model m = Model.load(resource("small-deflated.keras"))) {
      check(m, true);
    }
  }

  @Test
  void linksAreNotFollowed() {
    try (Model m = Model.load(resource("small.keras"))) {
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> m.loadWeights(resource("link.weights.h5")));
      assertTrue(e.getMessage().contains("/dense is a link"), e.getMessage());
    }
  }

  @Test
  void keras2WholeModel() {
    try (Model m = Model.load(resource("small.h5"))) {
      check(m, true);
    }
  }

  @Test
  void keras2Weights() {
    try (Model m = Model.load(resource("small.keras"))) {
      // A model of the same architecture from its JSON, then the weights alone.
      try (Model json = KerasModelConfig.fromJson(KerasModelConfig.toJson(m))) {
        json.loadWeights(resource("small.weights.h5"));
        check(json, false);
      }
    }
  }
}
