package org.cnn4j.layers;

/**
 * The start of a functional model, Keras's {@code keras.Input}: a symbolic
 * tensor of one sample's shape (height, width, channels) or (features).
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of(32, 32, 3);
 * }</pre>
 */
public final class Input {
  private Input() {}

  /** An input of the given sample shape, named "input_layer". */
  public static SymbolicTensor of(int... shape) {
    return of(Shape.of(shape), null);
  }

  /** An input of the given sample shape and layer name (null: "input_layer"). */
  public static SymbolicTensor of(Shape shape, String name) {
    if (shape.rank() != 1 && shape.rank() != 3) {
      throw new IllegalArgumentException("an input is (height, width, channels) or (features), got " + shape);
    }
    return InputLayer.start(shape, name);
  }
}
