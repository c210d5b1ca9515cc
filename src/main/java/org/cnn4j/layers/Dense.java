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
 *
 * <p>After {@link Flatten}, the layer reads the 4-D activation either as a 2-D
 * view or as it is, whichever oneDNN runs faster on this CPU ({@link DenseInput},
 * {@link #inputLayout(DenseInput)}); its weights cross the API in Keras's order
 * either way.
 */
public final class Dense extends KernelLayer<Dense> {
  private final int units;
  private DenseInput requested = DenseInput.AUTO;
  private DenseInput restored;
  private DenseInputChoice choice;

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

  /**
   * Sets how this layer reads a Flatten of a 4-D activation (see {@link DenseInput}):
   * {@link DenseInput#AUTO} (the default) follows {@code -Dcnn4j.denseInput}, or
   * times both forms when the first plan is built. Elsewhere only the 2-D form exists
   * and the setting has no effect.
   *
   * @throws IllegalStateException when the first plan already took the other form
   */
  public Dense inputLayout(DenseInput layout) {
    if (choice != null && layout != DenseInput.AUTO && layout != choice.taken()) {
      throw new IllegalStateException("Dense '" + name() + "': the first plan already read its input as "
          + choice.taken() + "; set the input layout before the model first runs");
    }
    requested = layout;
    return this;
  }

  /**
   * The form a model file recorded for this layer, taken at the first plan unless
   * {@link #inputLayout(DenseInput)} or {@code -Dcnn4j.denseInput} asks for another:
   * a loaded model then runs the kernels it was saved with (bitwise the same
   * predictions, bitwise resumes).
   */
  public Dense restoreInputLayout(DenseInput saved) {
    if (choice == null) restored = saved == DenseInput.AUTO ? null : saved;
    return this;
  }

  /** What the first plan took (view or 4d), or, before it, what was asked for (auto by default). */
  public DenseInput inputLayout() {
    return choice != null ? choice.taken() : requested;
  }

  /** Why the first plan read the input as it does, with the times when they were measured; null before it. */
  public DenseInputChoice inputChoice() {
    return choice;
  }

  @Override
  public void plan(PlanBuilder b) {
    int n = b.batch();
    int features = inputShape().get(0);
    double flops = 2.0 * n * features * units; // 2 per multiply-add; each pass does as many
    Tensor src = b.input();
    Tensor fourD = src.unflattened();
    if (choice == null) choice = DenseInputChoice.choose(this, b, src, fourD, requested, restored);
    if (choice.taken() == DenseInput.FOUR_D) {
      if (fourD == null) {
        throw new IllegalStateException("Dense '" + name() + "': its first plan read a Flatten of a 4-D activation "
            + "but this one's input is " + java.util.Arrays.toString(Dnnl.dims(src.desc())));
      }
      planFourD(b, src, fourD, flops);
      return;
    }
    // {N, IC} (x) {OC, IC} -> {N, OC}
    kernel.rowOrder(src.flatOrder());
    planWith(b, src, primitives(n, src.desc(), kernel.dnnlDims()), "mb" + n + "ic" + features + "oc" + units, flops);
  }

  /** {N, C, H, W} (x) {OC, C, H, W} -> {N, OC}: the blocked activation as it is; the gradient handed back as a view. */
  private void planFourD(PlanBuilder b, Tensor flat, Tensor fourD, double flops) {
    long[] d = Dnnl.dims(fourD.desc());
    kernel.dnnlLayout(fourDWeights(fourD), memory.format_tag.hwio); // hwio: Keras's (h, w, c) rows by units
    if (!b.firstLayer()) {
      // Registered first, so it runs after the kernel's backward and receives its input gradient.
      memory.desc blocked = fourD.desc();
      b.onBackward(() -> {
        Tensor dx = b.as(b.diffOutput(), blocked, "reorder diff_src to flatten");
        b.diffInput(dx.view(flat.desc()).flatOrder(flat.flatOrder()));
      });
    }
    String problem = "mb" + d[0] + "ic" + d[1] + "ih" + d[2] + "iw" + d[3] + "oc" + units;
    planWith(b, fourD, primitives(b.batch(), fourD.desc(), kernel.dnnlDims()), problem, flops);
  }

  long[] fourDWeights(Tensor fourD) {
    long[] d = Dnnl.dims(fourD.desc());
    return new long[] {units, d[1], d[2], d[3]};
  }

  /** The inner product's primitives for a source layout and kernel dims; everything else oneDNN chooses. */
  KernelPlanner.Primitives primitives(int n, memory.desc src, long[] wDims) {
    long[] dstDims = {n, units};
    var eng = Dnnl.engine();
    memory.desc biasAny = biasDesc(units);
    return new KernelPlanner.Primitives() {
      @Override
      public primitive_desc forward(dnnl.prop_kind prop, primitive_attr attr) {
        return new inner_product_forward.primitive_desc(eng, prop, src, Dnnl.any(wDims), biasAny,
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
    };
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
