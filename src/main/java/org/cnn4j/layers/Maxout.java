package org.cnn4j.layers;

import java.util.Map;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.BytePointer;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;
import org.cnn4j.kernels.Kernels;

/**
 * Maxout over the channel (last) axis: C channels become C / pieces, output
 * channel j being the maximum of input channels j*pieces .. j*pieces+pieces-1.
 * oneDNN has no such primitive; cnn4j's own kernel runs it on the
 * channels-last layout.
 *
 * <pre>{@code
 * new Conv2D(64, 3).padding("same"), new Maxout(2)   // 64 -> 32 channels
 * }</pre>
 */
public final class Maxout extends Layer {
  private final int pieces;

  public Maxout(int pieces) {
    if (pieces < 2 || pieces > 255) {
      throw new IllegalArgumentException("Maxout pieces must be in [2, 255], got " + pieces);
    }
    this.pieces = pieces;
  }

  /** The layer a Maxout config (cnn4j's own class) describes. */
  public static Maxout fromConfig(LayerConfig c) {
    int pieces = c.dim("pieces");
    if (pieces < 2 || pieces > 255) throw c.unsupported("pieces", c.get("pieces"), "2 to 255 pieces");
    return new Maxout(pieces);
  }

  @Override
  public String kerasModule() {
    return "cnn4j.layers";
  }

  @Override
  public String kerasRegisteredName() {
    return "cnn4j>Maxout";
  }

  public int pieces() {
    return pieces;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    int[] d = in.dims();
    int c = d[d.length - 1];
    if (c % pieces != 0) {
      throw badInput(in, "the last axis (" + c + ") must be divisible by pieces (" + pieces + ")");
    }
    d[d.length - 1] = c / pieces;
    return Shape.of(d);
  }

  @Override
  public void plan(PlanBuilder b) {
    int n = b.batch();
    Shape in = inputShape();
    memory.format_tag tag = in.rank() == 3 ? memory.format_tag.nhwc : memory.format_tag.nc;
    if (in.rank() > 3) throw new IllegalStateException("Maxout supports rank 1 and 3 inputs");
    memory.desc srcPlain = Dnnl.desc(in.dnnlDims(n), tag);
    memory.desc dstPlain = Dnnl.desc(outputShape().dnnlDims(n), tag);
    int channels = in.get(in.rank() - 1);
    long outer = n * (in.size() / channels);
    Tensor src = b.as(b.input(), srcPlain, "reorder to channels-last");
    Tensor dst = b.allocate(dstPlain);
    BytePointer argmax = new BytePointer(Math.max(1, outer * (channels / pieces)));
    b.kernel("forward", "", () -> Kernels.maxoutForward(src.address(), dst.address(), argmax.address(), outer,
        channels, pieces));
    b.output(dst);

    b.onBackward(() -> {
      Tensor dy = b.as(b.diffOutput(), dstPlain, "reorder diff_dst");
      Tensor dx = b.allocate(srcPlain);
      b.kernel("backward-data", "", () -> Kernels.maxoutBackward(dy.address(), dx.address(), argmax.address(),
          outer, channels, pieces));
      b.diffInput(dx);
    });
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("pieces", pieces);
    return c;
  }
}
