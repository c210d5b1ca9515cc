package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MULTIPLE_SRC;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.concat;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory_desc_vector;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * Joins tensors along the channel (last) axis, Keras's Concatenate with its
 * default axis -1. All other dimensions must agree.
 *
 * <pre>{@code
 * SymbolicTensor both = new Concatenate().call(branchA, branchB);
 * }</pre>
 */
public final class Concatenate extends Layer {
  private final int axis;

  /** Along the last axis (Keras's default, -1). */
  public Concatenate() {
    this(-1);
  }

  /** Along {@code axis}, counted with the batch axis as Keras does: -1, or the last axis's index. */
  public Concatenate(int axis) {
    this.axis = axis;
  }

  /** The layer a Keras Concatenate config describes (axis -1 or the channel axis's index). */
  public static Concatenate fromConfig(LayerConfig c) {
    JsonNode axis = c.get("axis");
    if (axis == null || axis.isNull()) return new Concatenate();
    if (!axis.canConvertToExactIntegral() || !axis.canConvertToInt()) throw c.unsupported("axis", axis, "an integer");
    return new Concatenate(axis.asInt());
  }

  @Override
  protected Shape computeOutputShape(List<Shape> inputs) {
    if (inputs.size() < 2) throw new IllegalArgumentException("layer " + this + " needs at least two inputs");
    Shape first = inputs.get(0);
    int last = first.rank() - 1;
    if (axis != -1 && axis != first.rank()) {
      throw badInput(first, "cnn4j concatenates along the channel (last) axis only: axis -1 or " + first.rank()
          + ", got " + axis);
    }
    int channels = 0;
    for (Shape s : inputs) {
      boolean fits = s.rank() == first.rank();
      for (int a = 0; fits && a < last; a++) fits = s.get(a) == first.get(a);
      if (!fits) {
        throw badInput(s, "Concatenate joins along the last axis; every other axis must match the first input's "
            + first.withBatch());
      }
      channels += s.get(last);
    }
    int[] dims = first.dims();
    dims[last] = channels;
    return Shape.of(dims);
  }

  @Override
  public void plan(PlanBuilder b) {
    // {N, C1, H, W} ++ {N, C2, H, W} -> {N, C1 + C2, H, W}, channels-last so that each input is a plain slice
    int n = b.batch();
    memory.format_tag tag = outputShape().rank() == 3 ? memory.format_tag.nhwc : memory.format_tag.nc;
    memory_desc_vector srcs = new memory_desc_vector();
    Tensor[] in = new Tensor[b.inputCount()];
    for (int k = 0; k < in.length; k++) {
      in[k] = b.as(b.input(k), Dnnl.desc(inputShapes().get(k).dnnlDims(n), tag), "reorder input " + k);
      srcs.push_back(in[k].desc());
    }
    memory.desc dstDesc = Dnnl.desc(outputShape().dnnlDims(n), tag);
    var pd = new concat.primitive_desc(Dnnl.engine(), dstDesc, 1, srcs);
    Tensor dst = b.allocate(dstDesc);
    IntMemoryMap args = new IntMemoryMap().put(DNNL_ARG_DST, dst.memory());
    for (int k = 0; k < in.length; k++) args.put(DNNL_ARG_MULTIPLE_SRC + k, in[k].memory());
    b.execute(pd, new concat(pd), "forward", args);
    b.output(dst);

    b.onBackward(() -> {
      Tensor dy = b.as(b.diffOutput(), dstDesc, "reorder diff_dst");
      long[] offsets = new long[dstDesc.get_ndims()];
      for (int k = 0; k < in.length; k++) {
        long[] dims = inputShapes().get(k).dnnlDims(n);
        if (b.needsDiffInput(k)) {
          Tensor slice = Tensor.wrap(dy.desc().submemory_desc(dims, offsets), dy.address());
          b.diffInput(k, b.as(slice, in[k].desc(), "slice diff_dst " + k));
        }
        offsets[1] += dims[1];
      }
    });
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", axis);
    return c;
  }
}
