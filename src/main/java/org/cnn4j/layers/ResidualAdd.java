package org.cnn4j.layers;

/**
 * The residual join of a block as the convolution before it applies it in an inference plan:
 * after its own output (and a folded BatchNormalization), the convolution adds the shortcut,
 * the output of node {@code shortcut} (already computed), and applies the join's activation, all
 * as post-ops of one primitive; the Add becomes a pass-through. Internal API.
 *
 * @param shortcut the topological index of the node whose output is added
 *     ({@link org.cnn4j.dnnl.PlanBuilder#MODEL_INPUT} for the model's input)
 * @param activation what the Add applied after the sum (ReLU, or linear)
 */
public record ResidualAdd(int shortcut, ActivationFunction activation) {}
