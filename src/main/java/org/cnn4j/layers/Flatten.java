package org.cnn4j.layers;

import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * Flattens (height, width, channels) to (height * width * channels) in Keras's
 * (h, w, c) order, as far as anyone outside can see.
 *
 * <p>Inside, the next layer reads the blocked activation in place, as a 2-D
 * view (no copy per step) whose order difference is folded into that layer's
 * weights once, when weights cross the API; a {@link Dense} layer may read the
 * 4-D tensor itself instead ({@link DenseInput}). The layout is fixed by
 * the first plan; later plans reorder to it if oneDNN chose another.
 */
public final class Flatten extends Layer {
  /** Layouts a 4-D activation can be viewed in as {N, C*H*W} without padding, by preference. */
  private static final memory.format_tag[] VIEWABLE = {
    memory.format_tag.nChw16c, memory.format_tag.nChw8c, memory.format_tag.nhwc, memory.format_tag.nchw
  };

  private memory.format_tag layout;
  private int[] order;

  /** The layer a Keras Flatten config describes. */
  public static Flatten fromConfig(LayerConfig c) {
    c.requireChannelsLast();
    return new Flatten();
  }

  @Override
  public java.util.Map<String, Object> config() {
    java.util.Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return Shape.of((int) in.size());
  }

  @Override
  public void plan(PlanBuilder b) {
    Shape in = inputShape();
    Tensor src = b.input();
    if (in.rank() != 3) { // already flat
      b.output(src);
      return;
    }
    long[] dims4 = in.dnnlDims(b.batch());
    if (layout == null) {
      layout = memory.format_tag.nhwc;
      for (memory.format_tag tag : VIEWABLE) {
        if (fitsWithoutPadding(tag, in.get(2)) && src.sameLayout(Dnnl.desc(dims4, tag))) {
          layout = tag;
          break;
        }
      }
      order = flatOrder(layout, in.get(0), in.get(1), in.get(2));
    }
    memory.desc blocked = Dnnl.desc(dims4, layout);
    Tensor x = b.as(src, blocked, "reorder to flatten");
    memory.desc flat = Dnnl.desc(new long[] {b.batch(), in.size()}, memory.format_tag.nc);
    b.output(x.view(flat).flatOrder(order).unflattened(x));

    b.onBackward(() -> {
      Tensor dy = b.as(b.diffOutput(), flat, "reorder diff_dst");
      b.diffInput(dy.view(blocked));
    });
  }

  private static boolean fitsWithoutPadding(memory.format_tag tag, int channels) {
    if (tag == memory.format_tag.nChw16c) return channels % 16 == 0;
    if (tag == memory.format_tag.nChw8c) return channels % 8 == 0;
    return true;
  }

  /** For each position in a sample of the given layout, its index in Keras's (h, w, c) order. */
  static int[] flatOrder(memory.format_tag tag, int h, int w, int c) {
    if (tag == memory.format_tag.nhwc) return null;
    int block = tag == memory.format_tag.nChw16c ? 16 : tag == memory.format_tag.nChw8c ? 8 : 1;
    int[] order = new int[h * w * c];
    int p = 0;
    if (block == 1) { // nchw
      for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++) order[p++] = (y * w + x) * c + ci;
      return order;
    }
    for (int cb = 0; cb < c / block; cb++)
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int ci = 0; ci < block; ci++) order[p++] = (y * w + x) * c + cb * block + ci;
    return order;
  }
}
