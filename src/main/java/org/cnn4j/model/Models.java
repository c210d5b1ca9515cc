package org.cnn4j.model;

import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPool2D;

/** Ready-made architectures. */
public final class Models {
  private Models() {}

  /** The zoo's names, for help texts and listings. */
  public static final java.util.List<String> NAMES = java.util.List.of("reference", "lenet5", "resnet20", "resnet32",
      "resnet44", "resnet56", "resnet110", "resnet29v2", "resnet56v2", "resnet110v2");

  /** A zoo model by name for images of the given size and classes, or null if no model has that name. */
  public static Model byName(String name, int height, int width, int channels, int classes) {
    if (name.equals("reference")) return reference(height, width, channels, classes);
    if (name.equals("lenet5")) return lenet5(height, width, channels, classes);
    if (!NAMES.contains(name)) return null;
    boolean v2 = name.endsWith("v2");
    int depth = Integer.parseInt(name.substring("resnet".length(), name.length() - (v2 ? 2 : 0)));
    return v2 ? resnetV2(depth, height, width, channels, classes) : resnet(depth, height, width, channels, classes);
  }

  /** ResNet v1 of Keras's cifar10_resnet.py for depth 6n+2; see {@link ResNets#v1}. */
  public static Model resnet(int depth, int height, int width, int channels, int classes) {
    return ResNets.v1(depth, height, width, channels, classes);
  }

  /** ResNet v1 for CIFAR-10 (32x32x3, 10 classes): resnet(20) has 274,442 parameters, 1,376 of them non-trainable. */
  public static Model resnet(int depth) {
    return resnet(depth, 32, 32, 3, 10);
  }

  /** ResNet v2 (pre-activation bottlenecks) of the same script for depth 9n+2; see {@link ResNets#v2}. */
  public static Model resnetV2(int depth, int height, int width, int channels, int classes) {
    return ResNets.v2(depth, height, width, channels, classes);
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

  /**
   * LeNet-5 (LeCun et al., 1998) as Keras users write it: Conv2D 6@5x5 tanh,
   * 2x2 average pooling, Conv2D 16@5x5 tanh, 2x2 average pooling, Flatten,
   * Dense 120 tanh, Dense 84 tanh, Dense softmax.
   *
   * <p>The paper feeds 32x32 images (MNIST's 28x28 digits padded to 32x32), so
   * the first convolution pads ("same") images smaller than 32x32 and not the
   * others: 28x28x1 and 32x32x1 inputs both give 28x28x6 maps, a 400-feature
   * Flatten and 61,706 parameters for 10 classes.
   *
   * <pre>{@code
   * Sequential m = Models.lenet5(28, 28, 1, 10); // MNIST
   * }</pre>
   */
  public static Sequential lenet5(int height, int width, int channels, int classes) {
    if (height < 12 || width < 12) {
      throw new IllegalArgumentException("LeNet-5 needs images of at least 12x12 pixels, got " + height + "x" + width);
    }
    boolean pad = height < 32 || width < 32;
    Sequential model = new Sequential();
    model.add(new Conv2D(6, 5).padding(pad ? "same" : "valid").activation("tanh")
        .inputShape(height, width, channels));
    model.add(new AveragePooling2D(2));
    model.add(new Conv2D(16, 5).activation("tanh"));
    model.add(new AveragePooling2D(2));
    model.add(new Flatten());
    model.add(new Dense(120).activation("tanh"));
    model.add(new Dense(84).activation("tanh"));
    model.add(new Dense(classes).activation("softmax"));
    return model;
  }
}
