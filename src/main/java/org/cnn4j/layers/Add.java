package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

/**
 * Element-wise sum of two or more tensors of the same shape, Keras's Add: the
 * join of a residual block. Its backward hands the same gradient to every input.
 *
 * <pre>{@code
 * SymbolicTensor out = new Add().call(shortcut, residual);
 * }</pre>
 */
public final class Add extends Layer {
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
  public void plan(PlanBuilder b) {
    // {N, C, H, W} + {N, C, H, W} -> {N, C, H, W}, in the first input's layout where oneDNN can sum it
    Tensor first = b.input(0);
    var layout = b.summable(first.desc());
    List<Tensor> srcs = new ArrayList<>();
    for (int k = 0; k < b.inputCount(); k++) srcs.add(b.as(b.input(k), layout, "reorder input " + k));
    Tensor dst = b.allocate(layout).flatOrder(srcs.get(0).flatOrder());
    b.addSum(srcs, dst, "forward");
    b.output(dst);

    b.onBackward(() -> {
      Tensor dy = b.diffOutput();
      for (int k = 0; k < b.inputCount(); k++) b.diffInput(k, dy);
    });
  }
}
