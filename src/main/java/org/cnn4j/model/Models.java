package org.cnn4j.model;

import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPool2D;

/** Ready-made architectures. */
public final class Models {
  private Models() {}

  /** The zoo's names, for help texts: "reference", "resnet20", ... */
  public static final java.util.List<String> NAMES = java.util.List.of("reference");

  /** A zoo model by name for images of the given size and classes, or null if no model has that name. */
  public static Model byName(String name, int height, int width, int channels, int classes) {
    return switch (name) {
      case "reference" -> reference(height, width, channels, classes);
      default -> null;
    };
  }

  /**
   * The reference CNN of cnn4j's design: two 3x3x32 same-padded Conv2D + ReLU,
   * 2x2 max-pool, Dropout 0.5, Flatten, Dense 128 ReLU, Dense softmax.
   */
  public static Sequential reference(int height, int width, int channels, int classes) {
    Sequential model = new Sequential();
    model.add(new Conv2D(32, 3).padding("same").activation("relu").inputShape(height, width, channels));
    model.add(new Conv2D(32, 3).padding("same").activation("relu"));
    model.add(new MaxPool2D(2).strides(2).padding("valid"));
    model.add(new Dropout(0.5));
    model.add(new Flatten());
    model.add(new Dense(128).activation("relu"));
    model.add(new Dense(classes).activation("softmax"));
    return model;
  }
}
