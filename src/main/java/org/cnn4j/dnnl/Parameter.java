package org.cnn4j.dnnl;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.dnnl.memory;

/**
 * One trainable tensor of a layer (a kernel or a bias): its Keras shape, the
 * same tensor in oneDNN's dimension order, and where it lives in the model's
 * {@link ParameterArena}. Internal API.
 *
 * <p>Values cross the API in Keras's layout (kernels HWIO, Dense kernels
 * (in, units) with inputs in (h, w, c) order); inside the arena each tensor
 * keeps the layout its forward primitive prefers.
 */
public final class Parameter {
  /** How initial values are drawn. */
  public enum Init { GLOROT_UNIFORM, ZEROS }

  private final String name;
  private final int[] kerasShape;
  private final long[] dnnlDims;
  private final memory.format_tag plainTag;
  private final Init init;
  private final int fanIn;
  private final int fanOut;
  private int[] rowOrder;
  private byte[] layout;
  private long offset = -1;
  private long floats;

  /**
   * @param name e.g. "conv2d/kernel"
   * @param kerasShape shape as Keras reports it
   * @param dnnlDims the same tensor in oneDNN's order (OIHW, OI or O)
   * @param plainTag the oneDNN tag whose memory order equals Keras's array order
   */
  public Parameter(String name, int[] kerasShape, long[] dnnlDims, memory.format_tag plainTag,
      Init init, int fanIn, int fanOut) {
    this.name = name;
    this.kerasShape = kerasShape.clone();
    this.dnnlDims = dnnlDims.clone();
    this.plainTag = plainTag;
    this.init = init;
    this.fanIn = fanIn;
    this.fanOut = fanOut;
  }

  public String name() {
    return name;
  }

  public int[] kerasShape() {
    return kerasShape.clone();
  }

  public long[] dnnlDims() {
    return dnnlDims.clone();
  }

  memory.format_tag plainTag() {
    return plainTag;
  }

  public long size() {
    long n = 1;
    for (int d : kerasShape) n *= d;
    return n;
  }

  /**
   * For a Dense kernel that reads a flattened blocked activation: row i of the
   * kernel as oneDNN sees it is Keras's row rowOrder[i]. Null means identity.
   */
  public void rowOrder(int[] order) {
    if (rowOrder != null && !Arrays.equals(rowOrder, order)) {
      throw new IllegalStateException(name + ": the flattened input order changed between plans");
    }
    this.rowOrder = order == null ? null : order.clone();
  }

  int[] rowOrder() {
    return rowOrder;
  }

  /** The layout of this tensor in the arena; chosen once, by the first plan that uses it. */
  boolean hasLayout() {
    return layout != null;
  }

  void layout(memory.desc desc) {
    layout = blob(desc);
    floats = Dnnl.floats(desc);
  }

  memory.desc layoutDesc() {
    return new memory.desc(layout);
  }

  long floats() {
    return floats;
  }

  long offset() {
    return offset;
  }

  void offset(long offset) {
    this.offset = offset;
  }

  /** Initial values in Keras's layout, a function of the seed only (not of the layout). */
  float[] initialValues(long seed) {
    float[] v = new float[(int) size()];
    if (init == Init.GLOROT_UNIFORM) {
      double limit = Math.sqrt(6.0 / (fanIn + fanOut));
      SplittableRandom random = new SplittableRandom(seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L));
      for (int i = 0; i < v.length; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    }
    return v;
  }

  private static byte[] blob(memory.desc desc) {
    try (var p = desc.get_blob()) {
      byte[] out = new byte[(int) (p.limit() - p.position())];
      p.get(out);
      return out;
    }
  }
}
