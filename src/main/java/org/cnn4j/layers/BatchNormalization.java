package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;
import org.cnn4j.kernels.Kernels;

/**
 * Batch normalization over the channel (last) axis, Keras 3's BatchNormalization:
 * {@code y = gamma * (x - mean) / sqrt(var + epsilon) + beta}. Training uses the
 * batch's mean and biased variance and then moves the moving statistics,
 * {@code moving = moving * momentum + batch * (1 - momentum)}; evaluation and
 * prediction use the moving ones. gamma and beta are trained; moving_mean and
 * moving_variance are non-trainable state (saved, never touched by the optimizer).
 *
 * <pre>{@code
 * model.add(new Conv2D(64, 3).padding("same").useBias(false));
 * model.add(new BatchNormalization());
 * model.add(new ReLU());   // fused into the normalization
 * }</pre>
 */
public final class BatchNormalization extends Layer {
  private float momentum = 0.99f;
  private float epsilon = 1e-3f;
  private boolean center = true;
  private boolean scale = true;
  private boolean fusedRelu;
  private Parameter gamma; // trained; absent without scale
  private Parameter beta; // trained; absent without center
  private Parameter movingMean; // non-trainable state
  private Parameter movingVariance; // non-trainable state

  /** How much of the moving statistics each batch keeps (default 0.99). */
  public BatchNormalization momentum(double m) {
    requireUnbuilt();
    if (!(m >= 0 && m <= 1)) throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], got " + m);
    momentum = (float) m;
    return this;
  }

  /** Added to the variance (default 1e-3). */
  public BatchNormalization epsilon(double e) {
    requireUnbuilt();
    if (!(e > 0) || Double.isInfinite(e)) throw new IllegalArgumentException("BatchNormalization epsilon must be a "
        + "positive number, got " + e);
    epsilon = (float) e;
    return this;
  }

  /** With center (the default) a trained offset beta is added. */
  public BatchNormalization center(boolean c) {
    requireUnbuilt();
    center = c;
    return this;
  }

  /** With scale (the default) the result is multiplied by a trained gamma. */
  public BatchNormalization scale(boolean s) {
    requireUnbuilt();
    scale = s;
    return this;
  }

  /** A plain ReLU that alone reads this layer runs inside oneDNN's batch normalization (fuse_norm_relu). */
  @Override
  public boolean absorbActivation(ActivationFunction f) {
    fusedRelu = ActivationPlanner.FUSION && ActivationFunction.RELU.equals(f);
    return fusedRelu;
  }

  /** What the layer before needs to fold this normalization into its kernel and bias in inference plans. */
  @Override
  public NormalizationFold normalizationFold() {
    return new NormalizationFold(gamma, beta, movingMean, movingVariance, epsilon,
        fusedRelu ? ActivationFunction.RELU : ActivationFunction.LINEAR);
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.rank() != 3 && in.rank() != 1) throw badInput(in, "expected (height, width, channels) or (features)");
    return in;
  }

  @Override
  protected List<Parameter> createParameters(Shape in) {
    int c = in.get(in.rank() - 1);
    List<Parameter> ps = new ArrayList<>();
    // Keras's order: gamma, beta, moving_mean, moving_variance.
    if (scale) ps.add(gamma = vector("gamma", c, Parameter.Init.ONES));
    if (center) ps.add(beta = vector("beta", c, Parameter.Init.ZEROS));
    ps.add(movingMean = vector("moving_mean", c, Parameter.Init.ZEROS).nonTrainable());
    ps.add(movingVariance = vector("moving_variance", c, Parameter.Init.ONES).nonTrainable());
    return ps;
  }

  private Parameter vector(String what, int c, Parameter.Init init) {
    return new Parameter(name() + "/" + what, new int[] {c}, new long[] {c}, memory.format_tag.x, init, 0, 0);
  }

  @Override
  public void plan(PlanBuilder b) {
    Shape in = inputShape();
    int c = in.get(in.rank() - 1);
    // {N, C, H, W} or {N, C} -> the same, in the input's layout; statistics {C}
    memory.desc vector = Dnnl.desc(new long[] {c}, memory.format_tag.x);
    int flags = (scale ? dnnl.normalization_flags.use_scale.value : 0)
        | (center ? dnnl.normalization_flags.use_shift.value : 0)
        | (fusedRelu ? dnnl.normalization_flags.fuse_norm_relu.value : 0);
    int fwdFlags = flags | (b.training() ? 0 : dnnl.normalization_flags.use_global_stats.value);
    var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
    Tensor src = b.input();
    // After Flatten the features may come in a blocked order: the vectors follow it inside.
    for (Parameter p : parameters()) p.rowOrder(src.flatOrder());
    var fwd = new batch_normalization_forward.primitive_desc(Dnnl.engine(), prop.value, src.desc(), src.desc(),
        epsilon, fwdFlags);
    String problem = "mb" + b.batch() + "ic" + c + (in.rank() == 3 ? "ih" + in.get(0) + "iw" + in.get(1) : "");
    Tensor dst = b.allocate(fwd.dst_desc()).flatOrder(src.flatOrder());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, src.memory()).put(DNNL_ARG_DST, dst.memory());
    if (scale) args.put(DNNL_ARG_SCALE, b.weights(gamma, vector));
    if (center) args.put(DNNL_ARG_SHIFT, b.weights(beta, vector));
    memory moving = b.weights(movingMean, vector);
    memory movingVar = b.weights(movingVariance, vector);
    if (!b.training()) {
      args.put(DNNL_ARG_MEAN, moving).put(DNNL_ARG_VARIANCE, movingVar);
      b.execute(fwd, "forward", problem, args);
      b.output(dst);
      return;
    }
    Tensor mean = b.allocate(vector);
    Tensor variance = b.allocate(vector);
    args.put(DNNL_ARG_MEAN, mean.memory()).put(DNNL_ARG_VARIANCE, variance.memory());
    // The workspace keeps the fused ReLU's mask for the backward pass.
    Tensor workspace = fusedRelu ? b.allocate(fwd.workspace_desc()) : null;
    if (workspace != null) args.put(DNNL_ARG_WORKSPACE, workspace.memory());
    b.execute(fwd, "forward", problem, args);
    float m = momentum; // moving = moving * m + batch * (1 - m), as Keras updates them
    b.kernel("moving statistics", "", () -> {
      Kernels.movingAverage(moving.get_data_handle().address(), mean.address(), c, m);
      Kernels.movingAverage(movingVar.get_data_handle().address(), variance.address(), c, m);
    });
    b.output(dst);

    b.onBackward(() -> {
      boolean weights = scale || center;
      var bprop = weights ? dnnl.prop_kind.backward : dnnl.prop_kind.backward_data;
      var bwd = new batch_normalization_backward.primitive_desc(Dnnl.engine(), bprop.value, src.desc(),
          dst.desc(), src.desc(), epsilon, flags, fwd);
      // oneDNN's backward reads diff_dst (the fused ReLU's mask too) and writes diff_src apart.
      Tensor dy = b.as(b.diffOutputToRead(), bwd.diff_dst_desc(), "reorder diff_dst");
      Tensor dx = b.allocate(bwd.diff_src_desc()).flatOrder(src.flatOrder());
      var bargs = new IntMemoryMap().put(DNNL_ARG_SRC, src.memory()).put(DNNL_ARG_MEAN, mean.memory())
          .put(DNNL_ARG_VARIANCE, variance.memory()).put(DNNL_ARG_DIFF_DST, dy.memory())
          .put(DNNL_ARG_DIFF_SRC, dx.memory());
      if (workspace != null) bargs.put(DNNL_ARG_WORKSPACE, workspace.memory());
      if (scale) {
        bargs.put(DNNL_ARG_SCALE, b.weights(gamma, vector));
        bargs.put(DNNL_ARG_DIFF_SCALE, b.gradient(gamma, vector));
      }
      if (center) bargs.put(DNNL_ARG_DIFF_SHIFT, b.gradient(beta, vector));
      b.execute(bwd, "backward", problem, bargs);
      b.diffInput(dx);
    });
  }

  /** The layer a Keras BatchNormalization config describes (the last axis only). */
  public static BatchNormalization fromConfig(LayerConfig c) {
    return BatchNormalizationConfig.read(c);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    BatchNormalizationConfig.write(c, momentum, epsilon, center, scale);
    return c;
  }
}
