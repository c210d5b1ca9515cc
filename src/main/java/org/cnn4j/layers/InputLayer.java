package org.cnn4j.layers;

import java.util.List;
import java.util.Map;
import org.cnn4j.dnnl.PlanBuilder;

/**
 * A functional model's input, Keras's InputLayer: it passes the batch on.
 * Made by {@link Input#of}.
 */
public final class InputLayer extends Layer {
  private final Shape shape;

  InputLayer(Shape shape) {
    this.shape = shape;
  }

  @Override
  public Shape declaredInputShape() {
    return shape;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  @Override
  public void plan(PlanBuilder b) {
    b.passThrough();
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    List<Integer> batchShape = new java.util.ArrayList<>();
    batchShape.add(null);
    for (int d : shape.dims()) batchShape.add(d);
    c.put("batch_shape", batchShape);
    return c;
  }

  /** Builds the input layer of a new graph and returns its tensor. */
  static SymbolicTensor start(Shape shape, String name) {
    InputLayer layer = new InputLayer(shape);
    SymbolicTensor.Graph graph = new SymbolicTensor.Graph();
    layer.build(name != null ? graph.claim(name) : graph.nextName("input_layer"), List.of(shape));
    return new SymbolicTensor(layer, shape, graph);
  }
}
