package org.cnn4j.layers;

import java.util.Locale;
import org.bytedeco.dnnl.global.dnnl;

/**
 * An activation with its Keras name, evaluated by oneDNN: eltwise functions
 * (fused into the preceding convolution or dense layer as a post-op when
 * possible) and softmax over the last axis.
 *
 * <pre>{@code
 * new Dense(128).activation("relu");
 * new Conv2D(32, 3).activation(ActivationFunction.leakyRelu(0.1f));
 * }</pre>
 */
public final class ActivationFunction {
  /** The identity. */
  public static final ActivationFunction LINEAR = new ActivationFunction("linear", 0f);
  public static final ActivationFunction RELU = new ActivationFunction("relu", 0f);
  public static final ActivationFunction SIGMOID = new ActivationFunction("sigmoid", 0f);
  public static final ActivationFunction TANH = new ActivationFunction("tanh", 0f);
  public static final ActivationFunction SOFTMAX = new ActivationFunction("softmax", 0f);

  private final String name;
  private final float alpha;
  private final float beta;

  private ActivationFunction(String name, float alpha) {
    this(name, alpha, 0f);
  }

  private ActivationFunction(String name, float alpha, float beta) {
    this.name = name;
    this.alpha = alpha;
    this.beta = beta;
  }

  /** min(max(x, 0), maxValue): Keras's ReLU(max_value=...) ("relu6" for 6). */
  public static ActivationFunction clippedRelu(float maxValue) {
    if (!(maxValue > 0) || Float.isInfinite(maxValue)) {
      throw new IllegalArgumentException("ReLU max_value must be a positive number, got " + maxValue);
    }
    return new ActivationFunction("clipped_relu", 0f, maxValue);
  }

  /** x for x &gt; 0, alpha * x otherwise (Keras's "leaky_relu" uses alpha 0.2). */
  public static ActivationFunction leakyRelu(float alpha) {
    if (!(alpha >= 0)) throw new IllegalArgumentException("leaky_relu alpha must be >= 0, got " + alpha);
    return new ActivationFunction("leaky_relu", alpha);
  }

  /** x for x &gt; 0, alpha * (exp(x) - 1) otherwise (Keras's "elu" uses alpha 1). */
  public static ActivationFunction elu(float alpha) {
    if (!(alpha >= 0)) throw new IllegalArgumentException("elu alpha must be >= 0, got " + alpha);
    return new ActivationFunction("elu", alpha);
  }

  /** By Keras name: linear, relu, sigmoid, tanh, leaky_relu, elu, softmax (null means linear). */
  public static ActivationFunction parse(String keras) {
    if (keras == null) return LINEAR;
    return switch (keras.toLowerCase(Locale.ROOT)) {
      case "linear", "none" -> LINEAR;
      case "relu" -> RELU;
      case "sigmoid" -> SIGMOID;
      case "tanh" -> TANH;
      case "softmax" -> SOFTMAX;
      case "leaky_relu" -> leakyRelu(0.2f);
      case "elu" -> elu(1f);
      default -> throw new IllegalArgumentException("unknown activation '" + keras
          + "': expected one of linear, relu, sigmoid, tanh, leaky_relu, elu, softmax");
    };
  }

  public String name() {
    return name;
  }

  public float alpha() {
    return alpha;
  }

  /** The upper bound of clipped_relu; 0 for the others. */
  public float beta() {
    return beta;
  }

  public boolean isLinear() {
    return this == LINEAR || name.equals("linear");
  }

  public boolean isSoftmax() {
    return name.equals("softmax");
  }

  /** The oneDNN eltwise algorithm for the forward pass (not for linear or softmax). */
  dnnl.algorithm forwardAlgorithm() {
    return switch (name) {
      case "relu", "leaky_relu" -> dnnl.algorithm.eltwise_relu;
      case "sigmoid" -> dnnl.algorithm.eltwise_logistic;
      case "tanh" -> dnnl.algorithm.eltwise_tanh;
      case "elu" -> dnnl.algorithm.eltwise_elu;
      case "clipped_relu" -> dnnl.algorithm.eltwise_clip_v2;
      default -> throw new IllegalStateException(name + " is not an eltwise activation");
    };
  }

  /** The variant whose backward reads the forward output, so the input need not be kept. */
  dnnl.algorithm backwardAlgorithm() {
    return switch (name) {
      case "relu", "leaky_relu" -> dnnl.algorithm.eltwise_relu_use_dst_for_bwd;
      case "sigmoid" -> dnnl.algorithm.eltwise_logistic_use_dst_for_bwd;
      case "tanh" -> dnnl.algorithm.eltwise_tanh_use_dst_for_bwd;
      case "elu" -> dnnl.algorithm.eltwise_elu_use_dst_for_bwd;
      case "clipped_relu" -> dnnl.algorithm.eltwise_clip_v2_use_dst_for_bwd;
      default -> throw new IllegalStateException(name + " is not an eltwise activation");
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationFunction a && a.name.equals(name) && a.alpha == alpha && a.beta == beta;
  }

  @Override
  public int hashCode() {
    return (name.hashCode() * 31 + Float.hashCode(alpha)) * 31 + Float.hashCode(beta);
  }

  @Override
  public String toString() {
    if (beta != 0f) return name + "(" + beta + ")";
    return alpha == 0f ? name : name + "(" + alpha + ")";
  }
}
