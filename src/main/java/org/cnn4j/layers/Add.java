package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

/**
 * Element-wise sum of two or more tensors of the same shape, Keras's Add: the
 * join of a residual block. Its backward hands the same gradient to every
 * input. A ReLU (or other element-wise) Activation that alone reads the sum
 * runs inside the same primitive, as ResNet's add-then-ReLU does.
 *
 * <pre>{@code
 * SymbolicTensor out = new Add().call(shortcut, residual);
 * }</pre>
 */
public final class Add extends Layer {
  private ActivationFunction fused = ActivationFunction.LINEAR;

  @Override
  protected Shape computeOutputShape(List<Shape> inputs) {
    if (inputs.size() < 2) throw new IllegalArgumentException("layer " + this + " needs at least two inputs");
    for (Shape s : inputs) {
      if (!s.equals(inputs.get(0))) {
        throw badInput(s, "every input of Add must have the shape of the first, " + inputs.get(0).withBatch());
      }
    }
    return inputs.get(0);
  }

  @Override
  public boolean absorbActivation(ActivationFunction f) {
    if (inputShapes().size() != 2 || !ActivationPlanner.fusable(f)) return false;
    fused = f;
    return true;
  }

  /** With two inputs, a residual join: the convolution before it may merge it in inference plans. */
  @Override
  public ActivationFunction residualJoin() {
    return inputShapes().size() == 2 ? fused : null;
  }

  @Override
  public void plan(PlanBuilder b) {
    // {N, C, H, W} + {N, C, H, W} -> {N, C, H, W}, in the first input's layout where oneDNN has a JIT kernel for it
    Tensor first = b.input(0);
    Tensor dst = fused.isLinear() ? sum(b, first) : binaryAdd(b, first);
    b.output(dst);

    b.onBackward(() -> {
      Tensor dy = ActivationPlanner.backward(b, fused, dst, b.diffOutput());
      for (int k = 0; k < b.inputCount(); k++) b.diffInput(k, dy);
    });
  }

  /** Any number of inputs: oneDNN's sum. */
  private Tensor sum(PlanBuilder b, Tensor first) {
    memory.desc layout = b.summable(first.desc());
    List<Tensor> srcs = new ArrayList<>();
    for (int k = 0; k < b.inputCount(); k++) srcs.add(b.as(b.input(k), layout, "reorder input " + k));
    Tensor dst = b.allocate(layout).flatOrder(srcs.get(0).flatOrder());
    b.addSum(srcs, dst, "forward");
    return dst;
  }

  /** Two inputs and the absorbed activation in one pass: oneDNN's binary add with a post-op. */
  private Tensor binaryAdd(PlanBuilder b, Tensor first) {
    return binaryAdd(b, first, b.input(1), fused);
  }

  /**
   * {@code f(first + second)} into a new tensor by oneDNN's binary add with {@code f} as its
   * post-op, in first's layout where oneDNN has a JIT kernel for it, else channels-last.
   */
  static Tensor binaryAdd(PlanBuilder b, Tensor first, Tensor second, ActivationFunction f) {
    memory.desc layout = first.desc();
    var pd = binaryDesc(layout, f);
    if (Dnnl.implementation(pd).startsWith("ref")) {
      layout = Dnnl.plain(layout);
      pd = binaryDesc(layout, f);
    }
    Tensor a = b.as(first, layout, "reorder input 0");
    Tensor c = b.as(second, layout, "reorder input 1");
    Tensor dst = b.allocate(layout).flatOrder(a.flatOrder());
    b.execute(pd, "forward + " + f.name(), "", new IntMemoryMap().put(DNNL_ARG_SRC_0, a.memory())
        .put(DNNL_ARG_SRC_1, c.memory()).put(DNNL_ARG_DST, dst.memory()));
    return dst;
  }

  private static binary.primitive_desc binaryDesc(memory.desc layout, ActivationFunction f) {
    return new binary.primitive_desc(Dnnl.engine(), dnnl.algorithm.binary_add, layout, layout, layout,
        ActivationPlanner.postOps(f), false);
  }
}
