package org.cnn4j.dnnl;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.dnnl.memory;

/**
 * One tensor of a layer (a kernel, a bias, or non-trainable state such as
 * BatchNormalization's moving statistics): its Keras shape, the same tensor in
 * oneDNN's dimension order, how it starts, its L2 penalty, and where it lives in
 * the model's {@link ParameterArena}. Internal API.
 *
 * <p>Values cross the API in Keras's layout (kernels HWIO, Dense kernels
 * (in, units) with inputs in (h, w, c) order); inside the arena each tensor
 * keeps the layout its forward primitive prefers.
 */
public final class Parameter {
  /**
   * How initial values are drawn, by Keras name. The *_normal ones are Keras's
   * truncated normals: stddev sqrt(scale / fan) / 0.87962566103423978, redrawn
   * beyond two stddevs.
   */
  public enum Init {
    GLOROT_UNIFORM("glorot_uniform", "GlorotUniform"),
    GLOROT_NORMAL("glorot_normal", "GlorotNormal"),
    HE_NORMAL("he_normal", "HeNormal"),
    HE_UNIFORM("he_uniform", "HeUniform"),
    ZEROS("zeros", "Zeros"),
    ONES("ones", "Ones");

    private final String kerasName;
    private final String kerasClass;

    Init(String kerasName, String kerasClass) {
      this.kerasName = kerasName;
      this.kerasClass = kerasClass;
    }

    /** "he_normal", ... */
    public String kerasName() {
      return kerasName;
    }

    /** Keras's class: "HeNormal", ... */
    public String kerasClass() {
      return kerasClass;
    }

    /** By Keras name ("he_normal") or class name ("HeNormal"); IllegalArgumentException otherwise. */
    public static Init parse(String name) {
      for (Init i : values()) {
        if (i.kerasName.equalsIgnoreCase(name) || i.kerasClass.equals(name)) return i;
      }
      throw new IllegalArgumentException("unknown initializer '" + name + "': expected one of glorot_uniform, "
          + "glorot_normal, he_normal, he_uniform, zeros, ones");
    }
  }

  /** Keras's truncated normal: a standard normal cut at 2 has this standard deviation. */
  private static final double TRUNCATED_STDDEV = 0.87962566103423978;

  private final String name;
  private final int[] kerasShape;
  private long[] dnnlDims;
  private memory.format_tag plainTag;
  private final Init init;
  private final int fanIn;
  private final int fanOut;
  private boolean trainable = true;
  private float l2;
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

  /** Marks this tensor as state the optimizer never updates (a moving statistic). */
  public Parameter nonTrainable() {
    trainable = false;
    return this;
  }

  public boolean trainable() {
    return trainable;
  }

  /** Adds {@code l2 * sum(w^2)} to the loss (Keras's L2 regularizer); 0 means none. */
  public Parameter l2(float l2) {
    if (!(l2 >= 0) || Float.isInfinite(l2)) {
      throw new IllegalArgumentException(name + ": L2 factor must be >= 0, got " + l2);
    }
    if (!trainable && l2 > 0) throw new IllegalArgumentException(name + " is not trainable: it has no L2 penalty");
    this.l2 = l2;
    return this;
  }

  public float l2() {
    return l2;
  }

  public Init init() {
    return init;
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

  /**
   * Gives the tensor other oneDNN dims (a Dense kernel that reads a 4-D
   * activation: {units, C, H, W} instead of {units, C*H*W}) and the plain tag
   * whose memory order is still Keras's, before its arena layout is chosen.
   * The Keras shape, and so every value crossing the API, stays the same.
   *
   * @throws IllegalStateException once a plan has fixed the layout with other dims
   */
  public void dnnlLayout(long[] dims, memory.format_tag tag) {
    if (Arrays.equals(dims, dnnlDims) && tag == plainTag) return;
    if (hasLayout()) {
      throw new IllegalStateException(name + ": its oneDNN dims are fixed by the first plan; set them before it");
    }
    long n = 1;
    for (long d : dims) n *= d;
    if (n != size()) {
      throw new IllegalArgumentException(name + ": dims " + Arrays.toString(dims) + " hold " + n + " values, not "
          + size());
    }
    this.dnnlDims = dims.clone();
    this.plainTag = tag;
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

  /**
   * A hash of how the plan sees this tensor (its oneDNN dims and any row order):
   * processes that must update the same arena bytes alike compare it.
   */
  public long planShapeHash() {
    return 31L * Arrays.hashCode(dnnlDims) + Arrays.hashCode(rowOrder);
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
    SplittableRandom random = new SplittableRandom(seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L));
    switch (init) {
      case ZEROS -> { }
      case ONES -> Arrays.fill(v, 1f);
      case GLOROT_UNIFORM -> uniform(v, random, Math.sqrt(6.0 / (fanIn + fanOut)));
      case HE_UNIFORM -> uniform(v, random, Math.sqrt(6.0 / fanIn));
      case GLOROT_NORMAL -> truncatedNormal(v, random, Math.sqrt(2.0 / (fanIn + fanOut)) / TRUNCATED_STDDEV);
      case HE_NORMAL -> truncatedNormal(v, random, Math.sqrt(2.0 / fanIn) / TRUNCATED_STDDEV);
    }
    return v;
  }

  private static void uniform(float[] v, SplittableRandom random, double limit) {
    for (int i = 0; i < v.length; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
  }

  private static void truncatedNormal(float[] v, SplittableRandom random, double stddev) {
    for (int i = 0; i < v.length; i++) {
      double g;
      do {
        g = random.nextGaussian();
      } while (Math.abs(g) > 2);
      v[i] = (float) (g * stddev);
    }
  }

  private static byte[] blob(memory.desc desc) {
    try (var p = desc.get_blob()) {
      byte[] out = new byte[(int) (p.limit() - p.position())];
      p.get(out);
      return out;
    }
  }
}
