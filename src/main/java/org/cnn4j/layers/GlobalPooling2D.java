package org.cnn4j.layers;

import java.util.Map;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * What global max and average pooling share: one pooling window over the whole
 * (height, width) plane, giving (batch, channels), or (batch, 1, 1, channels)
 * with {@code keepdims}.
 */
public abstract class GlobalPooling2D extends Layer {
  private boolean keepdims;

  /** The pooling algorithm over the whole plane. */
  abstract dnnl.algorithm algorithm();

  /** Keeps the pooled axes as size 1: (1, 1, channels) instead of (channels). */
  public GlobalPooling2D keepdims(boolean keep) {
    requireUnbuilt();
    keepdims = keep;
    return this;
  }

  public boolean keepdims() {
    return keepdims;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.rank() != 3) throw badInput(in, "expected (height, width, channels)");
    return keepdims ? Shape.of(1, 1, in.get(2)) : Shape.of(in.get(2));
  }

  @Override
  public void plan(PlanBuilder b) {
    Shape in = inputShape();
    int n = b.batch();
    int c = in.get(2);
    // {N, C, H, W} -> {N, C, 1, 1}, seen as {N, C} (plain) unless keepdims
    long[] dst = {n, c, 1, 1};
    long[] window = {in.get(0), in.get(1)};
    String problem = "mb" + n + "ic" + c + "ih" + in.get(0) + "iw" + in.get(1) + "oh1ow1kh" + in.get(0) + "kw"
        + in.get(1);
    memory.desc plain = keepdims ? null : Dnnl.desc(dst, memory.format_tag.nhwc);
    Tensor out = Pooling2D.planPooling(b, algorithm(), b.input(), dst, window, window, new long[] {0, 0},
        new long[] {0, 0}, problem, plain);
    if (keepdims) {
      b.output(out);
      return;
    }
    memory.desc flat = Dnnl.desc(new long[] {n, c}, memory.format_tag.nc);
    b.output(out.view(flat));
    // Backward: the {N, C} gradient is the {N, C, 1, 1} one in the same memory.
    b.onBackward(() -> b.diffInput(b.as(b.diffOutput(), flat, "reorder diff_dst").view(plain)));
  }

  /** Reads data_format and keepdims into {@code layer}. */
  static <G extends GlobalPooling2D> G readOptions(G layer, LayerConfig c) {
    c.requireChannelsLast();
    layer.keepdims(c.bool("keepdims", false));
    return layer;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    c.put("keepdims", keepdims);
    return c;
  }
}
