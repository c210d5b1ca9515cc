package org.cnn4j.layers;

import org.cnn4j.dnnl.Parameter;

/**
 * A BatchNormalization as the convolution before it applies it in an inference plan:
 * the kernel's output channel c is multiplied by {@code gamma[c] / sqrt(variance[c] + epsilon)},
 * the bias becomes {@code (bias[c] - mean[c]) * that + beta[c]}, and the normalization's
 * fused activation becomes the convolution's post-op. Internal API.
 *
 * @param gamma the scale, or null (BatchNormalization(scale=False))
 * @param beta the offset, or null (center=False)
 * @param activation what the normalization applied after itself (ReLU or linear)
 */
public record NormalizationFold(Parameter gamma, Parameter beta, Parameter mean, Parameter variance, float epsilon,
    ActivationFunction activation) {}
