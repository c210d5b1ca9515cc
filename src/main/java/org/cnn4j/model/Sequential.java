package org.cnn4j.model;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Shape;
import org.cnn4j.losses.Loss;
import org.cnn4j.optim.Optimizer;

/**
 * A linear stack of layers, Keras's Sequential: the {@link Model} whose every
 * layer reads the one before.
 *
 * <pre>{@code
 * try (Sequential model = new Sequential()) {
 *   model.add(new Conv2D(32, 3).padding("same").activation("relu").inputShape(32, 32, 3));
 *   model.add(new MaxPool2D(2));
 *   model.add(new Flatten());
 *   model.add(new Dense(10).activation("softmax"));
 *   model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
 *   History h = model.fit(train, new FitOptions().batchSize(32).epochs(5).validationData(test));
 * }
 * }</pre>
 *
 * <p>The model owns native memory (weights, optimizer state, cached oneDNN
 * primitives): close it when done.
 */
public final class Sequential extends Model {
  private final Map<String, Integer> nameCounts = new HashMap<>();

  public Sequential() {
    this("sequential");
  }

  public Sequential(String name) {
    super(name);
  }

  /** Adds a layer; the first layer declares the input shape (or call {@link #build}). */
  public Sequential add(Layer layer) {
    requireOpen();
    if (started()) throw new IllegalStateException("cannot add layers after the model has run");
    if (!layer.inbound().isEmpty()) {
      throw new IllegalArgumentException("layer " + layer + " was called on a tensor; add a new layer instead");
    }
    int count = layers().size();
    if (count == 0 && layer.declaredInputShape() != null) inputShape(layer.declaredInputShape());
    String base = layer.baseName();
    int k = nameCounts.merge(base, 1, Integer::sum) - 1;
    String assigned = k == 0 ? base : base + "_" + k;
    Shape in = count == 0 ? inputShape() : layers().get(count - 1).outputShape();
    if (in != null) {
      layer.build(assigned, in);
    } else {
      layer.setName(layer.name() == null ? assigned : layer.name());
    }
    append(layer, new int[] {count == 0 ? PlanBuilder.MODEL_INPUT : count - 1});
    return this;
  }

  /** Sets the input shape (height, width, channels) when the first layer did not declare it. */
  public Sequential build(Shape input) {
    requireOpen();
    if (inputShape() != null && !inputShape().equals(input)) {
      throw new IllegalArgumentException("model '" + name() + "' already has input shape " + inputShape()
          + ", got " + input);
    }
    inputShape(input);
    Shape in = input;
    for (Layer l : layers()) {
      if (!l.built()) l.build(l.name(), in);
      in = l.outputShape();
    }
    return this;
  }

  @Override
  public Sequential seed(long seed) {
    super.seed(seed);
    return this;
  }

  @Override
  public Sequential compile(String optimizer, String loss, String... metrics) {
    super.compile(optimizer, loss, metrics);
    return this;
  }

  @Override
  public Sequential compile(Optimizer optimizer, Loss loss, String... metrics) {
    super.compile(optimizer, loss, metrics);
    return this;
  }

  /** Loads a Sequential model saved by {@link #save}, or from a Keras file; see {@link Model#load}. */
  public static Sequential load(Path file) {
    Model m = Model.load(file);
    if (m instanceof Sequential s) return s;
    m.close();
    throw new IllegalArgumentException(file + " holds a functional model; load it with Model.load");
  }
}
