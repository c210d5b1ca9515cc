package org.cnn4j.model;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.SymbolicTensor;

/**
 * The residual networks of Keras's cifar10_resnet.py example (He et al. 2015
 * and 2016), built with the functional API: v1 (depth 6n+2: 20, 32, 44, 56,
 * 110) and v2 with pre-activation bottleneck blocks (depth 9n+2: 29, 56, 110,
 * 164). Convolutions are he_normal with l2(1e-4), with bias, as in the script.
 *
 * <pre>{@code
 * try (Model resnet20 = ResNets.v1(20, 32, 32, 3, 10)) { System.out.print(resnet20.summary()); }
 * }</pre>
 */
public final class ResNets {
  /** The script's l2 factor on every convolution kernel. */
  public static final double L2 = 1e-4;

  private ResNets() {}

  /** ResNet v1: a 16-filter conv-BN-ReLU, three stages of basic blocks (16, 32, 64 filters), average pool 8. */
  public static Model v1(int depth, int height, int width, int channels, int classes) {
    if (depth < 8 || (depth - 2) % 6 != 0) {
      throw new IllegalArgumentException("ResNet v1 depth must be 6n+2 (20, 32, 44, 56, 110), got " + depth);
    }
    int blocks = (depth - 2) / 6;
    SymbolicTensor in = Input.of(height, width, channels);
    SymbolicTensor x = unit(in, 16, 3, 1, true, true, true);
    int filters = 16;
    for (int stage = 0; stage < 3; stage++) {
      for (int block = 0; block < blocks; block++) {
        int strides = stage > 0 && block == 0 ? 2 : 1;
        SymbolicTensor y = unit(x, filters, 3, strides, true, true, true);
        y = unit(y, filters, 3, 1, false, true, true);
        if (strides == 2) x = unit(x, filters, 1, strides, false, false, true); // 1x1 projection, no BN
        x = new Activation("relu").call(new Add().call(x, y));
      }
      filters *= 2;
    }
    return head(in, x, classes, "resnet" + depth + "v1");
  }

  /**
   * ResNet v2: pre-activation bottleneck blocks (BN-ReLU-conv 1x1, 3x3, 1x1 with
   * 4x the filters in the first stage, 2x after), a final BN-ReLU, average pool 8.
   */
  public static Model v2(int depth, int height, int width, int channels, int classes) {
    if (depth < 11 || (depth - 2) % 9 != 0) {
      throw new IllegalArgumentException("ResNet v2 depth must be 9n+2 (29, 56, 110, 164), got " + depth);
    }
    int blocks = (depth - 2) / 9;
    SymbolicTensor in = Input.of(height, width, channels);
    SymbolicTensor x = unit(in, 16, 3, 1, true, true, true);
    int filtersIn = 16;
    for (int stage = 0; stage < 3; stage++) {
      int filtersOut = stage == 0 ? filtersIn * 4 : filtersIn * 2;
      for (int block = 0; block < blocks; block++) {
        boolean first = stage == 0 && block == 0; // the stem's BN-ReLU already ran
        int strides = stage > 0 && block == 0 ? 2 : 1;
        SymbolicTensor y = preActivated(x, filtersIn, 1, strides, !first);
        y = preActivated(y, filtersIn, 3, 1, true);
        y = preActivated(y, filtersOut, 1, 1, true);
        if (block == 0) x = unit(x, filtersOut, 1, strides, false, false, true);
        x = new Add().call(x, y);
      }
      filtersIn = filtersOut;
    }
    x = new Activation("relu").call(new BatchNormalization().call(x));
    return head(in, x, classes, "resnet" + depth + "v2");
  }

  /** The script's resnet_layer with conv_first=True: conv, then BN and ReLU if asked. */
  private static SymbolicTensor unit(SymbolicTensor x, int filters, int kernel, int strides, boolean relu,
      boolean batchNorm, boolean convFirst) {
    SymbolicTensor y = conv(filters, kernel, strides).call(x);
    if (batchNorm) y = new BatchNormalization().call(y);
    if (relu) y = new Activation("relu").call(y);
    return y;
  }

  /** resnet_layer with conv_first=False: BN and ReLU (unless the block's first unit), then conv. */
  private static SymbolicTensor preActivated(SymbolicTensor x, int filters, int kernel, int strides,
      boolean activate) {
    SymbolicTensor y = x;
    if (activate) y = new Activation("relu").call(new BatchNormalization().call(y));
    return conv(filters, kernel, strides).call(y);
  }

  private static Conv2D conv(int filters, int kernel, int strides) {
    return new Conv2D(filters, kernel).strides(strides).padding("same").kernelInitializer("he_normal")
        .kernelRegularizer(L2);
  }

  /** Average pooling over the last stage's whole map (8x8 for 32x32 images, the script's pool_size=8), Dense softmax. */
  private static Model head(SymbolicTensor in, SymbolicTensor x, int classes, String name) {
    x = new AveragePooling2D(x.shape().get(0), x.shape().get(1)).call(x);
    SymbolicTensor out = new Dense(classes).activation("softmax").kernelInitializer("he_normal")
        .call(new Flatten().call(x));
    return new Model(in, out, name);
  }
}
