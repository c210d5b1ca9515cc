package org.cnn4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.dnnl.memory;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.StepCounter;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.layers.ActivationFunction;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.NormalizationFold;
import org.cnn4j.layers.ResidualAdd;
import org.cnn4j.layers.Shape;

/**
 * The one owner of a model's plans, parameter arena and training step:
 * forward, loss (value and gradient in one kernel), backward, gradient hooks
 * (data-parallel reduction goes here), optimizer. fit, evaluate, predict, the
 * benchmark and the tests all run steps through it. Internal API.
 *
 * <pre>{@code
 * Executor ex = model.executor();
 * Plan plan = ex.plan(32, true, false);
 * ... write a batch to plan.input() and labels to plan.labels() ...
 * double lossSum = ex.trainStep(plan, plan.labels().address(), 32);
 * }</pre>
 */
public final class Executor implements AutoCloseable {
  private final Model model;
  private final Map<Long, Plan> plans = new HashMap<>();
  private final StepCounter counter = new StepCounter();
  private final List<Consumer<ParameterArena>> gradientHooks = new ArrayList<>();
  private ParameterArena arena;
  private boolean measureLayouts = true;
  private boolean foldNormalization = !"false".equals(System.getProperty("cnn4j.foldNormalization"));
  /** Per node: the normalization folded into it in inference plans, or null. */
  private NormalizationFold[] folds;
  /** Per node: whether it is a BatchNormalization folded into the node before it (inference plans pass through it). */
  private boolean[] foldedAway;
  private boolean mergeResiduals = !"false".equals(System.getProperty("cnn4j.mergeResiduals"));
  /** Per node, for plans without [0] and with [1] folding: the residual join merged into it, or null. */
  private final ResidualAdd[][] residuals = new ResidualAdd[2][];
  /** Per node, as {@link #residuals}: for a merged join (Add), which input holds its output, else -1. */
  private final int[][] joinedInput = new int[2][];

  Executor(Model model) {
    this.model = model;
  }

  /** The cached plan for a batch size and mode, built on first use (a short last batch gets its own). */
  public Plan plan(int batch, boolean training, boolean inputGradient) {
    if (batch < 1) throw new IllegalArgumentException("batch size must be positive, got " + batch);
    if (training && model.loss() == null) throw new IllegalStateException("call compile() before fit()");
    long key = (long) batch << 2 | (training ? 1 : 0) | (inputGradient ? 2 : 0);
    Plan plan = plans.get(key);
    if (plan == null) {
      plan = build(batch, training, inputGradient);
      plans.put(key, plan);
    }
    return plan;
  }

  private Plan build(int batch, boolean training, boolean inputGradient) {
    List<Layer> layers = model.layers();
    if (arena == null) {
      fuseActivations();
      findFolds();
      findResiduals(false);
      findResiduals(true);
      List<Parameter> params = new ArrayList<>();
      for (Layer l : layers) params.addAll(l.parameters());
      arena = new ParameterArena(params);
    }
    Shape in = model.inputShape();
    Shape out = model.outputShape();
    PlanBuilder b = new PlanBuilder(batch, training, inputGradient, in.dnnlDims(batch), plainTag(in),
        model.topology(), arena, model.seed(), counter);
    try {
      b.lossFusesSoftmax(model.lossFusesSoftmax());
      b.measureLayouts(measureLayouts);
      boolean fold = !training && foldNormalization;
      ResidualAdd[] merged = !training && mergeResiduals ? residuals[fold ? 1 : 0] : null;
      int[] joined = joinedInput[fold ? 1 : 0];
      for (int i = 0; i < layers.size(); i++) {
        b.beginNode(i);
        NormalizationFold f = fold ? folds[i] : null;
        ResidualAdd r = merged == null ? null : merged[i];
        if (f != null || r != null) {
          layers.get(i).planInference(b, f, r);
        } else if (fold && foldedAway[i]) {
          b.passThrough();
        } else if (merged != null && joined[i] >= 0) {
          b.passThrough(joined[i]);
        } else {
          layers.get(i).plan(b);
        }
      }
      return b.build(out.dnnlDims(batch), plainTag(out));
    } catch (RuntimeException | Error e) {
      b.abandon();
      throw e;
    }
  }

  /**
   * Once, before the first plan: an element-wise layer (Activation, ReLU) that alone
   * reads a layer able to apply it (a post-op of Add, BatchNormalization, ...)
   * moves into that layer and becomes a pass-through. -Dcnn4j.fusion=false turns it off.
   */
  private void fuseActivations() {
    if (!fusion()) return;
    List<Layer> layers = model.layers();
    int[] soleInput = soleInputs();
    for (int i = 0; i < layers.size(); i++) {
      ActivationFunction f = layers.get(i).elementwiseFunction();
      if (f == null || soleInput[i] < 0) continue;
      if (layers.get(soleInput[i]).absorbActivation(f)) layers.get(i).absorbedByInput();
    }
  }

  /**
   * Once, after {@link #fuseActivations}: each BatchNormalization that alone reads a layer able
   * to fold it ({@link Layer#foldsNormalization}, a convolution without activation). Inference
   * plans fold it into that layer's kernel and bias; training plans never do.
   */
  private void findFolds() {
    List<Layer> layers = model.layers();
    folds = new NormalizationFold[layers.size()];
    foldedAway = new boolean[layers.size()];
    int[] soleInput = soleInputs();
    for (int i = 0; i < layers.size(); i++) {
      int from = soleInput[i];
      NormalizationFold f = layers.get(i).normalizationFold();
      if (f == null || from < 0 || !layers.get(from).foldsNormalization()) continue;
      folds[from] = f;
      foldedAway[i] = true;
    }
  }

  /**
   * Once, after {@link #findFolds}, for plans with or without folding: each residual join (an
   * Add of two inputs, {@link Layer#residualJoin}) one of whose inputs comes alone from a layer
   * able to add it as a post-op ({@link Layer#takesResidual}: a convolution without activation),
   * directly or through a BatchNormalization folded into it, while the other input is planned
   * before that layer. Inference plans merge the sum and the join's activation into that layer;
   * the join passes its output through. Training plans never do. -Dcnn4j.fusion=false or
   * -Dcnn4j.mergeResiduals=false turns it off.
   */
  private void findResiduals(boolean folded) {
    List<Layer> layers = model.layers();
    int n = layers.size();
    int at = folded ? 1 : 0;
    residuals[at] = new ResidualAdd[n];
    joinedInput[at] = new int[n];
    Arrays.fill(joinedInput[at], -1);
    if (!fusion()) return;
    int[] readers = readerCounts();
    int[] soleInput = soleInputs();
    int output = model.topology().output();
    for (int i = 0; i < n; i++) {
      ActivationFunction activation = layers.get(i).residualJoin();
      if (activation == null) continue;
      int[] from = model.inboundIndices(i);
      for (int k : from[1] > from[0] ? new int[] {1, 0} : new int[] {0, 1}) { // the later-planned input first
        int a = from[k];
        int other = from[1 - k];
        if (a == PlanBuilder.MODEL_INPUT || a == output || readers[a] != 1) continue;
        int layer = folded && foldedAway[a] ? soleInput[a] : a;
        // A folded normalization's output is its convolution's, there as soon as that convolution is.
        int shortcut = folded && other != PlanBuilder.MODEL_INPUT && foldedAway[other] ? soleInput[other] : other;
        if (!layers.get(layer).takesResidual() || shortcut >= layer || residuals[at][layer] != null) continue;
        residuals[at][layer] = new ResidualAdd(shortcut, activation);
        joinedInput[at][i] = k;
        break;
      }
    }
  }

  /** False under -Dcnn4j.fusion=false (read at a model's first plan): no activation or join moves. */
  private static boolean fusion() {
    return !"false".equals(System.getProperty("cnn4j.fusion"));
  }

  /** Per node: how many nodes read its output. */
  private int[] readerCounts() {
    int n = model.layers().size();
    int[] readers = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j : model.inboundIndices(i)) if (j != PlanBuilder.MODEL_INPUT) readers[j]++;
    }
    return readers;
  }

  /**
   * Per node: the one layer it reads when nothing else reads that layer's output (so the
   * two may merge into one primitive), or -1.
   */
  private int[] soleInputs() {
    int n = model.layers().size();
    int[] readers = readerCounts();
    int output = model.topology().output();
    int[] sole = new int[n];
    for (int i = 0; i < n; i++) {
      int[] from = model.inboundIndices(i);
      boolean alone = from.length == 1 && from[0] != PlanBuilder.MODEL_INPUT && readers[from[0]] == 1
          && from[0] != output;
      sole[i] = alone ? from[0] : -1;
    }
    return sole;
  }

  /**
   * Whether inference plans built from now on fold each BatchNormalization into the
   * convolution before it (the default; -Dcnn4j.foldNormalization=false turns it off).
   * Folded and unfolded plans agree to float rounding.
   */
  public void foldNormalization(boolean fold) {
    this.foldNormalization = fold;
  }

  /**
   * Whether inference plans built from now on merge each residual join (Add, with its ReLU) into
   * the convolution before it as post-ops (the default; -Dcnn4j.mergeResiduals=false turns it off).
   * Merged and separate joins agree to float rounding.
   */
  public void mergeResiduals(boolean merge) {
    this.mergeResiduals = merge;
  }

  private static memory.format_tag plainTag(Shape s) {
    return switch (s.rank()) {
      case 1 -> memory.format_tag.nc;
      case 3 -> memory.format_tag.nhwc;
      default -> throw new IllegalArgumentException("unsupported tensor rank " + s.rank() + " for " + s);
    };
  }

  /** The parameter arena; if the model has not run yet, a plan of batch 32 lays it out. */
  public ParameterArena arena() {
    if (arena == null || !arena.allocated()) plan(32, model.loss() != null, false);
    return arena;
  }

  /**
   * Whether layers with two valid plans (Dense after Flatten: {@link org.cnn4j.layers.DenseInput})
   * may time both when the first plan is built (the default), or take the choice that is
   * the same on every run on one kind of CPU. Deterministic and data-parallel fits turn
   * timing off; a choice already made (an earlier plan, a loaded model file) stays.
   */
  public void measureLayouts(boolean measure) {
    this.measureLayouts = measure;
  }

  /** Whether the model has laid out its weights (after which the seed is fixed). */
  boolean started() {
    return arena != null && arena.allocated();
  }

  public StepCounter counter() {
    return counter;
  }

  /**
   * Runs before every optimizer update, after the gradients of a step are
   * complete (data-parallel training sums them over processes here).
   */
  public void addGradientHook(Consumer<ParameterArena> hook) {
    gradientHooks.add(hook);
  }

  public void removeGradientHook(Consumer<ParameterArena> hook) {
    gradientHooks.remove(hook);
  }

  /** What the loss kernel receives from this model: logits, probabilities, or a softmax it fuses with. */
  public int lossKind() {
    if (model.loss().fromLogits()) return Kernels.LOGITS;
    return model.lossFusesSoftmax() ? Kernels.FUSED_SOFTMAX : Kernels.PROBABILITIES;
  }

  /** Forward pass of {@code plan} on what its input holds; the loss summed over the first n rows (0 without labels). */
  public double forward(Plan plan, long labels, int n) {
    plan.forward();
    if (plan.training()) arena.modified(); // BatchNormalization moved its statistics
    return labels == 0 ? 0 : loss(plan, labels, n);
  }

  /** The loss of the plan's output summed over the first n rows and, for a training plan, its gradient. */
  public double loss(Plan plan, long labels, int n) {
    long grad = plan.training() ? plan.outputGradient().address() : 0;
    return model.loss().sum(plan.output().address(), labels, 0, n, model.outputUnits(), grad, lossKind());
  }

  /**
   * The rest of a training step after {@link #forward}: backward, the
   * regularizers' gradients, gradient hooks, one optimizer update. Returns the
   * regularization penalty, the loss term the forward pass did not include.
   */
  public double backwardAndUpdate(Plan plan) {
    plan.backward();
    double penalty = regularize();
    update();
    return penalty;
  }

  /** Adds the regularizers' gradients (kernel L2) to the arena's gradients; returns their penalty. */
  public double regularize() {
    return arena.applyRegularizers();
  }

  /** Gradient hooks and one optimizer update over the arena (the last part of a training step). */
  public void update() {
    for (Consumer<ParameterArena> h : gradientHooks) h.accept(arena);
    counter.increment();
    model.optimizer().step(arena, counter.get());
    arena.modified();
  }

  /** One whole training step on the batch in plan's input; returns the loss (penalty included) summed over the batch. */
  public double trainStep(Plan plan, long labels, int n) {
    double loss = forward(plan, labels, n);
    return loss + backwardAndUpdate(plan) * n;
  }

  void closePlans() {
    plans.values().forEach(Plan::close);
    plans.clear();
  }

  @Override
  public void close() {
    closePlans();
    if (arena != null) arena.close();
  }
}
