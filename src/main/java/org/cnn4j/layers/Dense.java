package org.cnn4j.layers;

import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;

/**
 * Fully connected layer, Keras's Dense: {@code y = activation(x W + b)} on a
 * (batch, features) input (put {@link Flatten} before it after convolutions).
 *
 * <pre>{@code
 * new Dense(128).activation("relu").kernelInitializer("he_normal")
 * }</pre>
 */
public final class Dense extends KernelLayer<Dense> {
  private final int units;

  public Dense(int units) {
    this.units = positive("units", units);
  }

  /** The number of input features, when this is the model's first layer. */
  public Dense inputShape(int features) {
    requireUnbuilt();
    declaredInput = Shape.of(features);
    return this;
  }

  public int units() {
    return units;
  }


  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.rank() != 1) {
      throw badInput(in, "Dense expects (batch, features); add a Flatten layer before it");
    }
    return Shape.of(units);
  }

  @Override
  protected List<Parameter> createParameters(Shape in) {
    int features = in.get(0);
    // Keras's kernel is (features, units): oneDNN's {units, features} in tag "io".
    return kernelAndBias(new int[] {features, units}, new long[] {units, features}, memory.format_tag.io, units);
  }

  @Override
  public void plan(PlanBuilder b) {
    int n = b.batch();
    int features = inputShape().get(0);
    // {N, IC} (x) {OC, IC} -> {N, OC}
    long[] dstDims = {n, units};
    long[] wDims = kernel.dnnlDims();
    Tensor src = b.input();
    kernel.rowOrder(src.flatOrder());
    var eng = Dnnl.engine();
    memory.desc biasAny = biasDesc(units);
    double flops = 2.0 * n * features * units; // 2 per multiply-add; each pass does as many
    planWith(b, src, new KernelPlanner.Primitives() {
      @Override
      public primitive_desc forward(dnnl.prop_kind prop, primitive_attr attr) {
        return new inner_product_forward.primitive_desc(eng, prop, src.desc(), Dnnl.any(wDims), biasAny,
            Dnnl.any(dstDims), attr, false);
      }

      @Override
      public primitive_desc backwardWeights(primitive_desc fwd) {
        return new inner_product_backward_weights.primitive_desc(eng, fwd.src_desc(), Dnnl.any(wDims), biasAny,
            Dnnl.any(dstDims), (inner_product_forward.primitive_desc) fwd);
      }

      @Override
      public primitive_desc backwardData(primitive_desc fwd) {
        return new inner_product_backward_data.primitive_desc(eng, fwd.src_desc(), Dnnl.any(wDims),
            Dnnl.any(dstDims), (inner_product_forward.primitive_desc) fwd);
      }
    }, "mb" + n + "ic" + features + "oc" + units, flops);
  }

  /** The layer a Keras Dense config describes. */
  public static Dense fromConfig(LayerConfig c) {
    Dense d = new Dense(c.dim("units"));
    d.readKernelOptions(c);
    return d;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("units", units);
    putKernelOptions(c, false);
    return c;
  }
}
