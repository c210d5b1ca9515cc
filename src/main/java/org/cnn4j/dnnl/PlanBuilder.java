package org.cnn4j.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MULTIPLE_SRC;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory_desc_vector;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.sum;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Builds a {@link Plan} for a graph of layers: the model calls {@link #beginNode}
 * and the layer's plan method for each node in topological order; layers add
 * their forward steps and register their backward steps, which run in reverse
 * order once the forward pass is complete. Reorders are added only where two
 * descriptors differ. Internal API.
 *
 * <p>A tensor read by several layers receives the sum of their gradients. A
 * gradient handed to several nodes (Add's, say) is shared: a layer that reads
 * a shared gradient gets a private copy, and sums are written out of place, so
 * no layer's in-place backward can change what another still reads.
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
  /**
   * The shape of the graph: for each node in topological order, the nodes it
   * reads ({@link #MODEL_INPUT} for the model's input); whether it has
   * trainable parameters; its name; and the node whose output is the model's.
   */
  public record Topology(int[][] inputs, boolean[] parameters, String[] names, int output) {
    public int size() {
      return inputs.length;
    }
  }

  /** In {@link Topology#inputs}: the model's input. */
  public static final int MODEL_INPUT = -1;

  private final int batch;
  private final boolean training;
  private final boolean inputGradient;
  private final Topology topology;
  private final ParameterArena arena;
  private final long seed;
  private final StepCounter counter;
  private final PointerScope scope = new PointerScope();
  private final List<Step> forward = new ArrayList<>();
  private final List<Step> backward = new ArrayList<>();
  /** Per node, its backward builders in registration order (a layer may register several, which chain). */
  private final List<List<Runnable>> backwardBuilders;
  private final List<Runnable> bindings = new ArrayList<>();
  private final List<Step> afterNext = new ArrayList<>();
  private List<Step> phase = forward;
  private final Tensor input;
  private final Tensor[] outputs;
  /** Gradient w.r.t. each node's output; the last slot is the model input's. */
  private final Tensor[] gradients;
  /** For each node (last slot: the model input), whether its output needs a gradient. */
  private final boolean[] needsGradient;
  /** How many nodes still to run backward hold each gradient tensor. */
  private final Map<Tensor, Integer> holders = new IdentityHashMap<>();
  private final List<Map.Entry<String, Tensor>> layerOutputs = new ArrayList<>();
  private boolean lossFusesSoftmax;
  private boolean measureLayouts = true;
  private int node = MODEL_INPUT;
  private String layer = "input";
  private Tensor diffOutput;
  private boolean released;
  /** While a node's later-registered backward builder runs: what it hands to the one registered before it. */
  private boolean chained;
  private Tensor handoff;
  private long tensorBytes;
  private final long javacppBytesBefore = Pointer.totalBytes();

  /**
   * @param inputDims the model's input at this batch size in oneDNN's order ({N, C, H, W} or {N, C})
   * @param inputTag the input's layout as users write it (nhwc or nc)
   * @param inputGradient whether a training plan also computes the gradient w.r.t. the model's input
   * @param seed the model's seed (for initial weights and dropout masks)
   * @param counter the model's training step counter, read by steps that need fresh randomness
   */
  public PlanBuilder(int batch, boolean training, boolean inputGradient, long[] inputDims,
      memory.format_tag inputTag, Topology topology, ParameterArena arena, long seed, StepCounter counter) {
    this.batch = batch;
    this.training = training;
    this.inputGradient = training && inputGradient;
    this.topology = topology;
    this.arena = arena;
    this.seed = seed;
    this.counter = counter;
    int n = topology.size();
    this.input = allocate(Dnnl.desc(inputDims, inputTag));
    this.outputs = new Tensor[n];
    this.gradients = new Tensor[n + 1];
    this.backwardBuilders = new ArrayList<>();
    for (int i = 0; i < n; i++) backwardBuilders.add(new ArrayList<>());
    this.needsGradient = new boolean[n + 1];
    needsGradient[n] = this.inputGradient;
    for (int i = 0; i < n; i++) {
      boolean needs = topology.parameters()[i];
      for (int j : topology.inputs()[i]) needs |= needsGradient[slot(j)];
      needsGradient[i] = needs;
    }
  }

  private int slot(int nodeIndex) {
    return nodeIndex == MODEL_INPUT ? topology.size() : nodeIndex;
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

  /** Starts planning node {@code index} of the topology. */
  public void beginNode(int index) {
    node = index;
    layer = topology.names()[index];
  }

  /** True when the current node needs no gradient w.r.t. its first input, so that its backward-data can be skipped. */
  public boolean firstLayer() {
    return !needsDiffInput(0);
  }

  /** Whether the gradient w.r.t. the current node's input {@code k} is needed. */
  public boolean needsDiffInput(int k) {
    return needsGradient[slot(topology.inputs()[node][k])];
  }

  /** True while planning the node whose output is the model's. */
  public boolean lastLayer() {
    return node == topology.output();
  }

  /** True when the loss gives the last layer's gradient w.r.t. the logits of its softmax. */
  public boolean lossFusesSoftmax() {
    return lossFusesSoftmax && lastLayer();
  }

  public void lossFusesSoftmax(boolean fused) {
    this.lossFusesSoftmax = fused;
  }

  /**
   * Whether a layer with two valid plans may time them to choose (true), or must
   * take a choice that is the same on every run on this kind of CPU (false:
   * deterministic and data-parallel fits).
   */
  public boolean measuresLayouts() {
    return measureLayouts;
  }

  public void measureLayouts(boolean measure) {
    this.measureLayouts = measure;
  }

  /** The current layer's (first) input. */
  public Tensor input() {
    return input(0);
  }

  /** The current layer's input {@code k}. */
  public Tensor input(int k) {
    return outputOf(topology.inputs()[node][k]);
  }

  /**
   * The output of node {@code index} ({@link #MODEL_INPUT}: the model's input), which must have
   * been planned already: for a layer that reads a tensor besides its inputs (a merged residual
   * join reads the block's shortcut).
   */
  public Tensor outputOf(int index) {
    Tensor t = index == MODEL_INPUT ? input : outputs[index];
    if (t == null) throw new IllegalStateException("node " + index + " is not planned before " + layer);
    return t;
  }

  /** The number of inputs of the current layer. */
  public int inputCount() {
    return topology.inputs()[node].length;
  }

  /** Sets the current layer's output. */
  public void output(Tensor t) {
    outputs[node] = t;
    layerOutputs.add(Map.entry(layer, t));
  }

  /**
   * In a backward builder: the gradient w.r.t. the layer's output, the
   * layer's own to change in place (a copy when another node shares it).
   */
  public Tensor diffOutput() {
    if (diffOutput != null) return diffOutput;
    if (handoff != null) return diffOutput = handoff; // from this layer's own later-registered builder
    Tensor g = gradients[node];
    if (holders.get(g) > 1) {
      holders.merge(g, -1, Integer::sum);
      released = true;
      Tensor copy = allocate(g.desc()).flatOrder(g.flatOrder());
      addReorder(g.memory(), copy.memory(), "copy shared diff_dst");
      g = copy;
    }
    return diffOutput = g;
  }

  /**
   * In a backward builder: the gradient w.r.t. the layer's output, for a layer that only
   * reads it (primitives whose diff_dst is an input, never written): unlike
   * {@link #diffOutput}, no private copy when another node shares it.
   */
  public Tensor diffOutputToRead() {
    if (diffOutput != null) return diffOutput;
    if (handoff != null) return diffOutput = handoff;
    return gradients[node];
  }

  /** In a backward builder: the gradient w.r.t. the layer's (first) input. */
  public void diffInput(Tensor t) {
    diffInput(0, t);
  }

  /**
   * In a backward builder: the gradient w.r.t. the layer's input {@code k}, added
   * to what other readers of that tensor gave. Ignored where no gradient is needed.
   */
  public void diffInput(int k, Tensor t) {
    if (chained) { // a layer's later-registered builder hands its result to the one before it
      handoff = t;
      return;
    }
    int to = slot(topology.inputs()[node][k]);
    if (!needsGradient[to]) return;
    Tensor have = gradients[to];
    if (have == null) {
      gradients[to] = t;
      holders.merge(t, 1, Integer::sum);
      return;
    }
    memory.desc layout = summable(have.desc());
    Tensor acc = as(have, layout, "reorder gradient to sum");
    Tensor add = as(t, layout, "reorder gradient to sum");
    // In place when this node alone holds the sum so far; else into a new tensor.
    Tensor sum = acc != have || holders.get(have) == 1 ? acc : allocate(layout).flatOrder(have.flatOrder());
    addSum(List.of(acc, add), sum, "sum gradients");
    if (sum != have) {
      holders.merge(have, -1, Integer::sum);
      holders.put(sum, 1);
      gradients[to] = sum;
    }
  }

  /**
   * {@code d}, or its channels-last form where oneDNN has only a reference
   * sum for it (blocked layouts whose channels are padded to the block).
   */
  public memory.desc summable(memory.desc d) {
    FloatPointer scales = new FloatPointer(1f, 1f);
    sum.primitive_desc pd = new sum.primitive_desc(Dnnl.engine(), d, scales, new memory_desc_vector(d, d));
    return Dnnl.implementation(pd).startsWith("ref") ? Dnnl.plain(d) : d;
  }

  /** Plans the current layer as the identity: its output is its input, its input's gradient its output's. */
  public void passThrough() {
    passThrough(0);
  }

  /** Plans the current layer as its input {@code k}: output and, backward, gradient. */
  public void passThrough(int k) {
    output(input(k));
    onBackward(() -> diffInput(k, diffOutput()));
  }

  /**
   * Registers the layer's backward planning; it runs after all forward planning,
   * in reverse. A layer may register several: the last registered runs first and
   * its {@link #diffInput} is the {@link #diffOutput} of the one registered before it.
   */
  public void onBackward(Runnable plan) {
    if (training) backwardBuilders.get(node).add(plan);
  }

  /** A tensor that lives as long as the plan. */
  public Tensor allocate(memory.desc desc) {
    tensorBytes += desc.get_size();
    return Tensor.allocate(desc);
  }

  /** {@code t} in layout {@code want}: t itself, or a copy made by a reorder step in the current pass. */
  public Tensor as(Tensor t, memory.desc want, String what) {
    if (t.sameLayout(want)) return t;
    Tensor copy = allocate(want).flatOrder(t.flatOrder());
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

  /**
   * Adds a primitive whose descriptor class does not extend primitive_desc
   * (sum, concat): the caller creates it with its own class, e.g. {@code new sum(pd)}.
   */
  public String execute(primitive_desc_base pd, primitive p, String role, IntMemoryMap args) {
    String impl = Dnnl.requireOptimized(pd, layer, role);
    add(new Step(layer, role, impl, "", 0, () -> p.execute(Dnnl.stream(), args)));
    return impl;
  }

  /** Adds one of cnn4j's own kernels as a step. */
  public void kernel(String role, String problem, Runnable action) {
    add(new Step(layer, role, "cnn4j", problem, 0, action));
  }

  /**
   * A step that writes the sum of tensors in one layout (see {@link #summable})
   * into {@code dst}, which may be one of them: Add's forward, gradient accumulation.
   */
  public void addSum(List<Tensor> srcs, Tensor dst, String role) {
    memory_desc_vector descs = new memory_desc_vector();
    for (Tensor t : srcs) descs.push_back(t.desc());
    FloatPointer scales = new FloatPointer(srcs.size());
    for (int i = 0; i < srcs.size(); i++) scales.put(i, 1f);
    sum.primitive_desc pd = new sum.primitive_desc(Dnnl.engine(), dst.desc(), scales, descs);
    IntMemoryMap args = new IntMemoryMap().put(DNNL_ARG_DST, dst.memory());
    for (int i = 0; i < srcs.size(); i++) args.put(DNNL_ARG_MULTIPLE_SRC + i, srcs.get(i).memory());
    execute(pd, new sum(pd), role, args);
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
    Tensor copy = allocate(want);
    addReorder(inArena, copy.memory(), "reorder " + p.name());
    return copy.memory();
  }

  /**
   * A parameter's values where the arena keeps them, in its arena layout ({@code preferred}
   * becomes that layout if no plan has set one): for a step that derives its own copy.
   */
  public memory storedWeights(Parameter p, memory.desc preferred) {
    if (!p.hasLayout()) p.layout(preferred);
    return arenaMemory(p, false);
  }

  /** Reads the arena's {@link ParameterArena#version()} when a step runs: steps that derive copies of weights compare it. */
  public java.util.function.LongSupplier weightsVersion() {
    ParameterArena a = arena;
    return a::version;
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
    Tensor scratch = allocate(have);
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

  /** Plans the backward pass: nodes in reverse order, each from the sum of its readers' gradients. */
  private Tensor planBackward(memory.desc plainOutput) {
    phase = backward;
    Tensor outputGradient = allocate(plainOutput);
    gradients[topology.output()] = outputGradient;
    holders.put(outputGradient, 1);
    for (int i = topology.size() - 1; i >= 0; i--) {
      Tensor g = gradients[i];
      List<Runnable> builders = backwardBuilders.get(i);
      if (g == null || builders.isEmpty()) continue; // nothing upstream needs it
      beginNode(i);
      released = false;
      handoff = null;
      for (int j = builders.size() - 1; j >= 0; j--) {
        diffOutput = null;
        chained = j > 0;
        builders.get(j).run();
      }
      chained = false;
      handoff = null;
      if (!released) holders.merge(g, -1, Integer::sum);
    }
    return outputGradient;
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
      node = topology.output();
      layer = topology.names()[node];
      Tensor output = as(outputs[node], plainOutput, "reorder output");
      Tensor outputGradient = training ? planBackward(plainOutput) : null;
      Tensor inputGrad = null;
      if (inputGradient) {
        layer = "input";
        Tensor g = gradients[topology.size()];
        inputGrad = g == null ? null : as(g, input.desc(), "reorder input gradient");
      }
      if (!arena.allocated()) arena.allocate(seed);
      bindings.forEach(Runnable::run);
      IntPointer labels = new IntPointer(Math.max(batch, 1));
      long bytes = tensorBytes + Pointer.totalBytes() - javacppBytesBefore;
      Plan plan = new Plan(batch, training, forward, backward, input, output, outputGradient, inputGrad, labels,
          layerOutputs, scope, bytes);
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
