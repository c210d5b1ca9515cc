package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.cnn4j.dnnl.Dnnl.any;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;

/**
 * Fully connected layer, Keras's Dense: {@code y = activation(x W + b)} on a
 * (batch, features) input (put {@link Flatten} before it after convolutions).
 *
 * <pre>{@code
 * new Dense(128).activation("relu")
 * }</pre>
 */
public final class Dense extends Layer {
  private final int units;
  private ActivationFunction activation = ActivationFunction.LINEAR;
  private boolean useBias = true;
  private Shape declaredInput;
  private Parameter kernel;
  private Parameter bias;

  public Dense(int units) {
    this.units = positive("units", units);
  }

  public Dense activation(String name) {
    return activation(ActivationFunction.parse(name));
  }

  public Dense activation(ActivationFunction f) {
    requireUnbuilt();
    activation = f;
    return this;
  }

  public Dense useBias(boolean use) {
    requireUnbuilt();
    useBias = use;
    return this;
  }

  /** The number of input features, when this is the model's first layer. */
  public Dense inputShape(int features) {
    requireUnbuilt();
    declaredInput = Shape.of(features);
    return this;
  }

  @Override
  public Shape declaredInputShape() {
    return declaredInput;
  }

  public int units() {
    return units;
  }

  public ActivationFunction activation() {
    return activation;
  }

  @Override
  public ActivationFunction outputActivation() {
    return activation;
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
    List<Parameter> ps = new ArrayList<>();
    // Keras's kernel is (features, units): oneDNN's {units, features} in tag "io".
    kernel = new Parameter(name() + "/kernel", new int[] {features, units}, new long[] {units, features},
        memory.format_tag.io, Parameter.Init.GLOROT_UNIFORM, features, units);
    ps.add(kernel);
    if (useBias) {
      bias = new Parameter(name() + "/bias", new int[] {units}, new long[] {units}, memory.format_tag.x,
          Parameter.Init.ZEROS, 0, 0);
      ps.add(bias);
    }
    return ps;
  }

  @Override
  public void plan(PlanBuilder b) {
    int n = b.batch();
    int features = inputShape().get(0);
    // {N, IC} (x) {OC, IC} -> {N, OC}
    long[] dstDims = {n, units};
    Tensor src = b.input();
    kernel.rowOrder(src.flatOrder());
    var eng = Dnnl.engine();
    var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
    var biasAny = useBias ? any(units) : new memory.desc();
    var fwd = new inner_product_forward.primitive_desc(eng, prop, src.desc(), any(kernel.dnnlDims()), biasAny,
        any(dstDims), ActivationPlanner.postOps(activation), false);
    double flops = 2.0 * n * features * units; // 2 per multiply-add; each pass does as many
    String problem = "mb" + n + "ic" + features + "oc" + units;
    Tensor x = b.as(src, fwd.src_desc(), "reorder src");
    Tensor dst = b.allocate(fwd.dst_desc());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, x.memory())
        .put(DNNL_ARG_WEIGHTS, b.weights(kernel, fwd.weights_desc())).put(DNNL_ARG_DST, dst.memory());
    if (useBias) args.put(DNNL_ARG_BIAS, b.weights(bias, fwd.bias_desc()));
    b.execute(fwd, "forward", problem, flops, args);
    Tensor out = ActivationPlanner.afterPrimitive(b, activation, dst);
    b.output(out);

    b.onBackward(() -> {
      Tensor dy = ActivationPlanner.backward(b, activation, out, b.diffOutput());
      var bww = new inner_product_backward_weights.primitive_desc(eng, x.desc(), any(kernel.dnnlDims()), biasAny,
          any(dstDims), fwd);
      Tensor dyW = b.as(dy, bww.diff_dst_desc(), "reorder diff_dst");
      Tensor xW = b.as(x, bww.src_desc(), "reorder src for backward-weights");
      var wargs = new IntMemoryMap().put(DNNL_ARG_SRC, xW.memory()).put(DNNL_ARG_DIFF_DST, dyW.memory());
      if (useBias) wargs.put(DNNL_ARG_DIFF_BIAS, b.gradient(bias, bww.diff_bias_desc()));
      wargs.put(DNNL_ARG_DIFF_WEIGHTS, b.gradient(kernel, bww.diff_weights_desc()));
      b.execute(bww, "backward-weights", problem, flops, wargs);
      if (b.firstLayer()) return;
      var bwd = new inner_product_backward_data.primitive_desc(eng, x.desc(), any(kernel.dnnlDims()),
          any(dstDims), fwd);
      Tensor dyD = b.as(dy, bwd.diff_dst_desc(), "reorder diff_dst");
      Tensor dx = b.allocate(bwd.diff_src_desc());
      b.execute(bwd, "backward-data", problem, flops, new IntMemoryMap().put(DNNL_ARG_DIFF_DST, dyD.memory())
          .put(DNNL_ARG_WEIGHTS, b.weights(kernel, bwd.weights_desc())).put(DNNL_ARG_DIFF_SRC, dx.memory()));
      b.diffInput(dx);
    });
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("units", units);
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    return c;
  }
}
