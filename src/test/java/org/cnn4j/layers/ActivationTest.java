package org.cnn4j.layers;

import static org.cnn4j.layers.LayerHarness.assertClose;
import static org.cnn4j.layers.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.cnn4j.testing.NaiveOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationTest {
  @ParameterizedTest
  @ValueSource(strings = {"linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "softmax"})
  void matchesNaiveOnImagesAndVectors(String name) {
    ActivationFunction f = ActivationFunction.parse(name);
    SplittableRandom r = new SplittableRandom(name.hashCode());
    for (Shape shape : new Shape[] {Shape.of(3, 5, 16), Shape.of(7)}) {
      int n = 3;
      int last = shape.get(shape.rank() - 1);
      float[] x = random(r, n * (int) shape.size());
      float[] dy = random(r, x.length);
      var result = LayerHarness.run(new Activation(name), shape, n, x, null, dy);
      assertClose(NaiveOps.activation(name, f.alpha(), x, last), result.y(), 1e-5, name + " y " + shape);
      assertClose(NaiveOps.activationBackward(name, f.alpha(), x, dy, last), result.dx(), 1e-4, name + " dx " + shape);
    }
  }

  @Test
  void customAlphas() {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = random(r, 40);
    float[] dy = random(r, 40);
    var leaky = LayerHarness.run(new Activation(ActivationFunction.leakyRelu(0.05f)), Shape.of(10), 4, x, null, dy);
    assertClose(NaiveOps.leakyRelu(x, 0.05f), leaky.y(), 1e-6, "leaky y");
    assertClose(NaiveOps.leakyReluBackward(x, dy, 0.05f), leaky.dx(), 1e-6, "leaky dx");
    var elu = LayerHarness.run(new Activation(ActivationFunction.elu(0.5f)), Shape.of(10), 4, x, null, dy);
    assertClose(NaiveOps.elu(x, 0.5f), elu.y(), 1e-5, "elu y");
    assertClose(NaiveOps.eluBackward(x, dy, 0.5f), elu.dx(), 1e-5, "elu dx");
  }

  @Test
  void unknownNamesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ActivationFunction.parse("swishy"));
  }
}
