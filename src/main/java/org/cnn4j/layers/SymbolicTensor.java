package org.cnn4j.layers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The output of a layer in a functional model, Keras's KerasTensor: a shape
 * and the layer that produces it, no values. Made by {@link Input#of} and by
 * {@link Layer#call}; a {@link org.cnn4j.model.Model} is built from its input
 * and output tensors.
 *
 * <pre>{@code
 * SymbolicTensor in = Input.of(28, 28, 1);
 * SymbolicTensor out = new Dense(10).activation("softmax").call(new Flatten().call(in));
 * Model model = new Model(in, out);
 * }</pre>
 */
public final class SymbolicTensor {
  private final Layer layer;
  private final Shape shape;
  private final Graph graph;

  SymbolicTensor(Layer layer, Shape shape, Graph graph) {
    this.layer = layer;
    this.shape = shape;
    this.graph = graph;
  }

  /** The layer whose output this is (an {@link InputLayer} for a model's input). */
  public Layer layer() {
    return layer;
  }

  /** The shape of one sample. */
  public Shape shape() {
    return shape;
  }

  Graph graph() {
    return graph;
  }

  @Override
  public String toString() {
    return "<SymbolicTensor shape=" + shape.withBatch() + " from " + layer + ">";
  }

  /**
   * The layers grown from one {@link Input}: names are unique within it and
   * given as a fresh Keras session would ("conv2d", "conv2d_1", ...).
   */
  static final class Graph {
    private final Map<String, Integer> counts = new HashMap<>();
    private final Set<String> taken = new HashSet<>();

    String nextName(String base) {
      String name;
      do {
        int k = counts.merge(base, 1, Integer::sum) - 1;
        name = k == 0 ? base : base + "_" + k;
      } while (taken.contains(name));
      taken.add(name);
      return name;
    }

    String claim(String name) {
      if (!taken.add(name)) throw new IllegalArgumentException("another layer is already named '" + name + "'");
      return name;
    }
  }
}
