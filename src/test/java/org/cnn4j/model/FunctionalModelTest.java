package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.optim.SGD;
import org.cnn4j.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** The layer graph: functional models, tensors read twice, Add and Concatenate. */
class FunctionalModelTest {
  private static final int N = 3;

  /**
   * in -> conv a (tanh) -> conv b -> sigmoid -> add(a, b) -> concat(add, a) -> flatten -> dense softmax:
   * smooth everywhere (no max-pool winners to switch under finite differences).
   */
  static Model residual() {
    SymbolicTensor in = Input.of(4, 3, 2);
    SymbolicTensor a = new Conv2D(4, 3).padding("same").activation("tanh").call(in);
    SymbolicTensor b = new Conv2D(4, 3).padding("same").call(a);
    b = new Activation("sigmoid").call(b);
    SymbolicTensor sum = new Add().call(a, b);
    SymbolicTensor both = new Concatenate().call(sum, a); // a is read three times
    SymbolicTensor out = new Dense(3).activation("softmax").call(new Flatten().call(both));
    return new Model(in, out, "residual");
  }

  @Test
  void gradientsOfATensorReadThreeTimesMatchFiniteDifferences() {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[N * 4 * 3 * 2];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
    int[] y = {0, 2, 1};
    try (Model m = residual()) {
      m.compile(new SGD(), new SparseCategoricalCrossentropy());
      List<float[]> weights = m.getWeights();
      Plan train = m.plan(N, true);
      train.input().write(x);
      train.labels().put(y);
      m.executor().forward(train, train.labels().address(), N);
      train.backward();
      List<float[]> analytic = m.getGradients();
      for (int t = 0; t < weights.size(); t++) {
        final int which = t;
        double[] numeric = GradCheck.numericGradient(w -> {
          List<float[]> ws = new ArrayList<>(weights);
          ws.set(which, w);
          m.setWeights(ws);
          return m.evaluate(x, y, N).loss();
        }, weights.get(t).clone(), 1e-3);
        // The same float32 noise bound as GradientCheckTest; a gradient that missed one of
        // the three readers of the first convolution's output is off by O(1).
        double err = GradCheck.maxRelativeError(analytic.get(t), numeric, 1e-2);
        assertTrue(err < 2e-2, m.weightNames().get(t) + ": max relative error " + err);
      }
    }
  }

  /** A residual block whose sum is read by a ReLU alone: the ReLU runs inside Add's primitive. */
  static Model addThenRelu() {
    SymbolicTensor in = Input.of(5, 4, 3);
    SymbolicTensor a = new Conv2D(8, 3).padding("same").activation("tanh").call(in);
    SymbolicTensor b = new Conv2D(8, 3).padding("same").call(a);
    SymbolicTensor r = new Activation("relu").call(new Add().call(a, b));
    return new Model(in, new Dense(3).activation("softmax").call(new Flatten().call(r)));
  }

  @Test
  void reluAfterAddFusesAndComputesWhatTheSeparateLayersDo() {
    SplittableRandom rnd = new SplittableRandom(8);
    float[] x = new float[N * 5 * 4 * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
    int[] y = {2, 0, 1};
    float[][] outputs = new float[2][];
    List<List<float[]>> grads = new ArrayList<>();
    for (boolean fusion : new boolean[] {true, false}) {
      if (!fusion) System.setProperty("cnn4j.fusion", "false");
      try (Model m = addThenRelu()) {
        m.compile(new SGD(), new SparseCategoricalCrossentropy());
        Plan train = m.plan(N, true);
        long adds = train.forwardSteps().stream().filter(st -> st.layer().equals("add")).count();
        long relus = train.forwardSteps().stream().filter(st -> st.layer().equals("activation")).count();
        assertEquals(fusion ? 0 : 1, relus, "steps of the activation layer");
        assertTrue(adds >= 1);
        train.input().write(x);
        train.labels().put(y);
        m.executor().forward(train, train.labels().address(), N);
        train.backward();
        outputs[fusion ? 0 : 1] = train.output().toArray();
        grads.add(m.getGradients());
      } finally {
        System.clearProperty("cnn4j.fusion");
      }
    }
    assertArrayEquals(outputs[1], outputs[0], 1e-6f);
    for (int t = 0; t < grads.get(0).size(); t++) assertArrayEquals(grads.get(1).get(t), grads.get(0).get(t), 1e-6f);
  }

  @Test
  void layersComeInKerasOrderWithKerasNames() {
    try (Model m = residual()) {
      List<String> names = m.layers().stream().map(Layer::name).toList();
      assertEquals(List.of("input_layer", "conv2d", "conv2d_1", "activation", "add", "concatenate", "flatten",
          "dense"), names);
      assertArrayEquals(new int[] {1, 3}, m.inboundIndices(4), "add reads conv2d and activation");
      assertEquals(2 * 9 * 4 + 4 + 4 * 9 * 4 + 4 + 4 * 3 * 8 * 3 + 3, m.countParams());
    }
  }

  @Test
  void summaryShowsWhatEachLayerIsConnectedTo() {
    try (Model m = residual()) {
      String summary = m.summary();
      String[] rows = {
        "input_layer (InputLayer)       [(None, 4, 3, 2)]    0           []",
        "conv2d (Conv2D)                (None, 4, 3, 4)      76          ['input_layer[0][0]']",
        "add (Add)                      (None, 4, 3, 4)      0           ['conv2d[0][0]',",
        "                                                                 'activation[0][0]']",
        "concatenate (Concatenate)      (None, 4, 3, 8)      0           ['add[0][0]',",
        "Total params: 515",
        "Trainable params: 515",
        "Non-trainable params: 0",
      };
      for (String row : rows) {
        assertTrue(summary.lines().anyMatch(l -> l.equals(row)), "missing row '" + row + "' in\n" + summary);
      }
    }
  }

  @Test
  void aLinearFunctionalModelTrainsBitwiseAsTheSequentialOne() {
    SplittableRandom r = new SplittableRandom(9);
    float[] x = new float[8 * 6 * 6 * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
    SymbolicTensor in = Input.of(6, 6, 3);
    SymbolicTensor h = new Conv2D(4, 3).padding("same").activation("relu").call(in);
    h = new MaxPool2D(2).call(h);
    SymbolicTensor out = new Dense(3).activation("softmax").call(new Flatten().call(h));
    try (Model f = new Model(in, out); Sequential s = new Sequential()) {
      s.add(new Conv2D(4, 3).padding("same").activation("relu").inputShape(6, 6, 3));
      s.add(new MaxPool2D(2));
      s.add(new Flatten());
      s.add(new Dense(3).activation("softmax"));
      for (Model m : List.of(f, s)) {
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        m.fit(x, y, new org.cnn4j.train.FitOptions().batchSize(4).epochs(2).shuffle(false));
      }
      for (int i = 0; i < s.getWeights().size(); i++) {
        assertArrayEquals(s.getWeights().get(i), f.getWeights().get(i), s.weightNames().get(i));
      }
      assertArrayEquals(s.predict(x, 8)[5], f.predict(x, 8)[5]);
    }
  }

  @Test
  void miswiredGraphsAreRefusedWithTheLayerNamed() {
    SymbolicTensor in = Input.of(4, 4, 1);
    SymbolicTensor other = Input.of(4, 4, 1);
    SymbolicTensor a = new Conv2D(2, 1).call(in);
    var e = assertThrows(IllegalArgumentException.class, () -> new Add().call(a, other));
    assertTrue(e.getMessage().contains("different Input"), e.getMessage());
    SymbolicTensor b = new Conv2D(3, 1).call(in);
    e = assertThrows(IllegalArgumentException.class, () -> new Add().call(a, b));
    assertTrue(e.getMessage().contains("every input of Add must have the shape"), e.getMessage());
    Conv2D once = new Conv2D(2, 1);
    once.call(in);
    var twice = assertThrows(IllegalStateException.class, () -> once.call(in));
    assertTrue(twice.getMessage().contains("does not share a layer"), twice.getMessage());
    var unrelated = assertThrows(IllegalArgumentException.class, () -> new Model(other, a));
    assertTrue(unrelated.getMessage().contains("is not connected to the model's input: it is another Input"),
        unrelated.getMessage());
  }
}
