package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.io.LayerConfig;

/**
 * 2-D convolution, Keras's Conv2D: {@code z[i,j,k] = b[k] + sum x[i*sh+u*dh, j*sw+v*dw, k'] w[u,v,k',k]},
 * then the activation (fused into the convolution as a oneDNN post-op). With
 * {@code groups} g the channels split into g groups, each convolved with its own
 * filters / g filters.
 *
 * <pre>{@code
 * new Conv2D(32, 3).padding("same").activation("relu").inputShape(32, 32, 3)
 * new Conv2D(64, 3).dilationRate(2).groups(4).kernelInitializer("he_normal").kernelRegularizer(1e-4)
 * }</pre>
 */
public final class Conv2D extends Convolution2D<Conv2D> {
  private final int filters;
  private int groups = 1;

  /** {@code filters} output channels and a square kernel. */
  public Conv2D(int filters, int kernelSize) {
    this(filters, kernelSize, kernelSize);
  }

  public Conv2D(int filters, int kernelHeight, int kernelWidth) {
    super(kernelHeight, kernelWidth);
    this.filters = positive("filters", filters);
  }

  /** Channel groups (default 1); both the input channels and the filters must divide by it. */
  public Conv2D groups(int g) {
    requireUnbuilt();
    positive("groups", g);
    if (filters % g != 0) throw new IllegalArgumentException("filters (" + filters + ") must divide by groups (" + g + ")");
    groups = g;
    return this;
  }

  public int filters() {
    return filters;
  }

  @Override
  int groupCount(int channels) {
    return groups;
  }

  @Override
  int outputChannels(int channels) {
    return filters;
  }

  @Override
  int[] kerasKernelShape(int channels) {
    return new int[] {kh, kw, channels / groups, filters};
  }


  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.rank() == 3 && in.get(2) % groups != 0) {
      throw badInput(in, "the input channels (" + in.get(2) + ") must divide by groups (" + groups + ")");
    }
    return super.computeOutputShape(in);
  }

  /** The layer a Keras Conv2D config describes. */
  public static Conv2D fromConfig(LayerConfig c) {
    int[] k = kernelSize(c);
    Conv2D conv = new Conv2D(c.dim("filters"), k[0], k[1]);
    conv.readWindow(c);
    conv.groups(c.dim("groups", 1));
    conv.readKernelOptions(c);
    return conv;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("filters", filters);
    putWindow(c);
    c.put("groups", groups);
    putKernelOptions(c, true);
    return c;
  }
}
