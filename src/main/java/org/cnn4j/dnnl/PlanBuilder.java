package org.cnn4j.dnnl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Builds a {@link Plan}: layers, called in order, add their forward steps and
 * register their backward steps, which run in reverse once the forward pass is
 * complete. Reorders are added only where two descriptors differ. Internal API.
 *
 * <pre>{@code
 * // inside a layer:
 * Tensor src = b.input();
 * ... create a primitive_desc with format_tag.any ...
 * memory w = b.weights(kernel, pd.weights_desc());
 * Tensor dst = b.allocate(pd.dst_desc());
 * b.execute(pd, "forward", problem, args(...));
 * b.output(dst);
 * b.onBackward(() -> { Tensor dy = b.diffOutput(); ...; b.diffInput(dx); });
 * }</pre>
 */
public final class PlanBuilder {
  private final int batch;
  private final boolean training;
  private final ParameterArena arena;
  private final long seed;
  private final StepCounter counter;
  private final PointerScope scope = new PointerScope();
  private final List<Step> forward = new ArrayList<>();
  private final List<Step> backward = new ArrayList<>();
  private final Deque<Runnable> backwardBuilders = new ArrayDeque<>();
  private final List<Runnable> bindings = new ArrayList<>();
  private final List<Step> afterNext = new ArrayList<>();
  private List<Step> phase = forward;
  private String layer = "input";
  private int layerIndex = -1;
  private int layerCount;
  private boolean lossFusesSoftmax;
  private boolean inputGradient;
  private Tensor current;
  private final List<Map.Entry<String, Tensor>> layerOutputs = new ArrayList<>();
  private final Tensor input;

  /**
   * @param inputDims the model's input at this batch size in oneDNN's order ({N, C, H, W} or {N, C})
   * @param inputTag the input's layout as users write it (nhwc or nc)
   * @param seed the model's seed (for initial weights and dropout masks)
   * @param counter the model's training step counter, read by steps that need fresh randomness
   */
  public PlanBuilder(int batch, boolean training, long[] inputDims, memory.format_tag inputTag,
      ParameterArena arena, long seed,
      StepCounter counter) {
    this.batch = batch;
    this.training = training;
    this.arena = arena;
    this.seed = seed;
    this.counter = counter;
    this.input = Tensor.allocate(Dnnl.desc(inputDims, inputTag));
    this.current = this.input;
  }

  public int batch() {
    return batch;
  }

  public boolean training() {
    return training;
  }

  public long seed() {
    return seed;
  }

  public StepCounter counter() {
    return counter;
  }

  public String layer() {
    return layer;
  }

  /**
   * True while planning the first layer of a plan that does not need the
   * gradient w.r.t. the model's input, so that its backward-data can be skipped.
   */
  public boolean firstLayer() {
    return layerIndex == 0 && !inputGradient;
  }

  /** Also compute the gradient w.r.t. the model's input (for tests and saliency). */
  public void inputGradient(boolean wanted) {
    this.inputGradient = wanted;
  }

  public boolean lastLayer() {
    return layerIndex == layerCount - 1;
  }

  /** True when the loss gives the last layer's gradient w.r.t. the logits of its softmax. */
  public boolean lossFusesSoftmax() {
    return lossFusesSoftmax && lastLayer();
  }

  public void lossFusesSoftmax(boolean fused) {
    this.lossFusesSoftmax = fused;
  }

  public void beginLayer(String name, int index, int count) {
    this.layer = name;
    this.layerIndex = index;
    this.layerCount = count;
  }

  /** The current layer's input. */
  public Tensor input() {
    return current;
  }

  /** Sets the current layer's output, the next layer's input. */
  public void output(Tensor t) {
    current = t;
    layerOutputs.add(Map.entry(layer, t));
  }

  /** In a backward builder: the gradient w.r.t. the layer's output. */
  public Tensor diffOutput() {
    return current;
  }

  /** In a backward builder: the gradient w.r.t. the layer's input. */
  public void diffInput(Tensor t) {
    current = t;
  }

  /** Registers the layer's backward planning; it runs after all forward planning, in reverse. */
  public void onBackward(Runnable plan) {
    if (!training) return;
    String name = layer;
    int index = layerIndex;
    backwardBuilders.push(() -> {
      layer = name;
      layerIndex = index;
      plan.run();
    });
  }

  public Tensor allocate(memory.desc desc) {
    return Tensor.allocate(desc);
  }

  /** {@code t} in layout {@code want}: t itself, or a copy made by a reorder step in the current pass. */
  public Tensor as(Tensor t, memory.desc want, String what) {
    if (t.sameLayout(want)) return t;
    Tensor copy = Tensor.allocate(want).flatOrder(t.flatOrder());
    addReorder(t.memory(), copy.memory(), what);
    return copy;
  }

  /** Creates the primitive for {@code pd}, checks it is not a reference kernel, and adds it. */
  public String execute(primitive_desc pd, String role, String problem, IntMemoryMap args) {
    return execute(pd, role, problem, 0, args);
  }

  /** Like {@link #execute(primitive_desc, String, String, IntMemoryMap)}, counting the step's flops. */
  public String execute(primitive_desc pd, String role, String problem, double flops, IntMemoryMap args) {
    String impl = Dnnl.requireOptimized(pd, layer, role);
    // Statically typed primitive_desc: with a wider type Java would pick primitive(Pointer), a cast.
    primitive p = new primitive(pd);
    add(new Step(layer, role, impl, problem, flops, () -> p.execute(Dnnl.stream(), args)));
    return impl;
  }

  /** Adds one of cnn4j's own kernels as a step. */
  public void kernel(String role, String problem, Runnable action) {
    add(new Step(layer, role, "cnn4j", problem, 0, action));
  }

  /**
   * A parameter's values in layout {@code want}. The first plan that asks sets
   * the parameter's arena layout; a primitive that wants another layout gets a
   * copy refreshed by a reorder step each pass.
   */
  public memory weights(Parameter p, memory.desc want) {
    if (!p.hasLayout()) p.layout(want);
    memory inArena = arenaMemory(p, false);
    if (p.layoutDesc().equals(want)) return inArena;
    Tensor copy = Tensor.allocate(want);
    addReorder(inArena, copy.memory(), "reorder " + p.name());
    return copy.memory();
  }

  /**
   * Where a backward-weights primitive writes the gradient of {@code p}, given
   * the layout it produces: the arena itself, or a scratch tensor reordered
   * into the arena right after the next step.
   */
  public memory gradient(Parameter p, memory.desc have) {
    if (!p.hasLayout()) p.layout(have);
    memory inArena = arenaMemory(p, true);
    if (p.layoutDesc().equals(have)) return inArena;
    Tensor scratch = Tensor.allocate(have);
    memory src = scratch.memory();
    reorder.primitive_desc pd = new reorder.primitive_desc(src, inArena);
    String impl = Dnnl.requireOptimized(pd, layer, "reorder grad " + p.name());
    reorder r = new reorder(pd);
    afterNext.add(new Step(layer, "reorder grad " + p.name(), impl, "", 0,
        () -> r.execute(Dnnl.stream(), src, inArena)));
    return scratch.memory();
  }

  private memory arenaMemory(Parameter p, boolean gradient) {
    memory m = new memory(p.layoutDesc(), Dnnl.engine(), Tensor.at(0));
    bindings.add(() -> m.set_data_handle(Tensor.at(gradient ? arena.gradientAddress(p) : arena.weightAddress(p))));
    return m;
  }

  private void addReorder(memory src, memory dst, String role) {
    reorder.primitive_desc pd = new reorder.primitive_desc(src, dst);
    String impl = Dnnl.requireOptimized(pd, layer, role);
    reorder r = new reorder(pd);
    add(new Step(layer, role, impl, "", 0, () -> r.execute(Dnnl.stream(), src, dst)));
  }

  private void add(Step s) {
    phase.add(s);
    if (!afterNext.isEmpty()) {
      phase.addAll(afterNext);
      afterNext.clear();
    }
  }

  /**
   * Finishes the plan: plans the backward pass (when training) from the
   * output gradient, lays out and initialises the arena if this is the
   * model's first plan, and points every parameter memory into the arena.
   *
   * @param outputDims the model's output in oneDNN's order
   * @param outputTag the plain layout the output is read in (nc or nhwc)
   */
  public Plan build(long[] outputDims, memory.format_tag outputTag) {
    boolean ok = false;
    try {
      memory.desc plainOutput = Dnnl.desc(outputDims, outputTag);
      Tensor output = as(current, plainOutput, "reorder output");
      Tensor outputGradient = null;
      if (training) {
        phase = backward;
        outputGradient = Tensor.allocate(plainOutput);
        current = outputGradient;
        while (!backwardBuilders.isEmpty()) backwardBuilders.pop().run();
        if (inputGradient) {
          layer = "input";
          current = as(current, input.desc(), "reorder input gradient");
        }
      }
      if (!arena.allocated()) arena.allocate(seed);
      bindings.forEach(Runnable::run);
      IntPointer labels = new IntPointer(Math.max(batch, 1));
      Tensor inputGrad = training && inputGradient ? current : null;
      Plan plan = new Plan(batch, training, forward, backward, input, output, outputGradient, inputGrad, labels,
          layerOutputs, scope);
      ok = true;
      return plan;
    } finally {
      if (ok) {
        scope.extend();
        scope.close();
      } else {
        scope.close();
      }
    }
  }

  /** Abandons a plan whose building failed: frees everything it made. */
  public void abandon() {
    scope.close();
  }
}
