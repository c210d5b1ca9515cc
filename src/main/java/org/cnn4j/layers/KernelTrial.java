package org.cnn4j.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.Tensor;

/**
 * Times alternative plans of one kernel layer on scratch memory, once, while
 * the model's first plan is built: each candidate's forward primitive, then
 * (training) backward-weights and backward-data, with the reorders the plan
 * would add between them (the kernel into backward-data's layout, the kernel
 * gradient into the arena's, the input gradient into the layout the layer
 * before reads). Candidates alternate, so a machine whose speed drifts slows
 * them alike; the result is each one's median over the timed passes.
 */
final class KernelTrial {
  /** Passes run before timing (first-touch, JIT, caches) and timed passes. */
  static final int WARM = 3;
  static final int TIMED = 7;

  private KernelTrial() {}

  /**
   * One candidate plan of a layer: its primitive descriptors (backward ones null
   * when the plan has no such step) and the layout its input gradient must end in.
   */
  record Candidate(primitive_desc forward, primitive_desc backwardWeights, primitive_desc backwardData,
      boolean bias, memory.desc diffSrcWanted) {
    /** The implementations, e.g. "x64:gemm:jit / x64:gemm:jit / x64:gemm:jit". */
    String implementations() {
      List<String> s = new ArrayList<>();
      for (primitive_desc pd : new primitive_desc[] {forward, backwardWeights, backwardData}) {
        if (pd != null) s.add(Dnnl.implementation(pd));
      }
      return String.join(" / ", s);
    }

    /** False when oneDNN would run any of the primitives with a reference kernel. */
    boolean optimized() {
      for (primitive_desc pd : new primitive_desc[] {forward, backwardWeights, backwardData}) {
        if (pd != null && Dnnl.implementation(pd).startsWith("ref")) return false;
      }
      return true;
    }
  }

  /** The median seconds of one pass of each candidate, in the candidates' order. */
  static double[] medians(List<Candidate> candidates) {
    try (PointerScope scope = new PointerScope()) {
      List<List<Runnable>> passes = new ArrayList<>();
      for (Candidate c : candidates) passes.add(steps(c));
      double[][] times = new double[candidates.size()][TIMED];
      for (int i = 0; i < WARM + TIMED; i++) {
        for (int k = 0; k < passes.size(); k++) {
          long start = System.nanoTime();
          for (Runnable r : passes.get(k)) r.run();
          Dnnl.stream()._wait();
          if (i >= WARM) times[k][i - WARM] = (System.nanoTime() - start) / 1e9;
        }
      }
      double[] out = new double[candidates.size()];
      for (int k = 0; k < out.length; k++) {
        Arrays.sort(times[k]);
        out[k] = times[k][TIMED / 2];
      }
      return out;
    }
  }

  /** The candidate's primitives and reorders, in the order of a step, on scratch buffers. */
  private static List<Runnable> steps(Candidate c) {
    List<Runnable> steps = new ArrayList<>();
    primitive_desc fwd = c.forward();
    memory src = scratch(fwd.src_desc());
    memory weights = scratch(fwd.weights_desc());
    var args = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_WEIGHTS, weights)
        .put(DNNL_ARG_DST, scratch(fwd.dst_desc()));
    if (c.bias()) args.put(DNNL_ARG_BIAS, scratch(fwd.weights_desc(1)));
    steps.add(execute(fwd, args));
    memory dy = null;
    primitive_desc bww = c.backwardWeights();
    if (bww != null) {
      dy = scratch(bww.diff_dst_desc());
      memory dw = scratch(bww.diff_weights_desc());
      var wargs = new IntMemoryMap().put(DNNL_ARG_SRC, as(steps, src, bww.src_desc()))
          .put(DNNL_ARG_DIFF_DST, dy).put(DNNL_ARG_DIFF_WEIGHTS, dw);
      if (c.bias()) wargs.put(DNNL_ARG_DIFF_BIAS, scratch(bww.diff_weights_desc(1)));
      steps.add(execute(bww, wargs));
      as(steps, dw, fwd.weights_desc()); // the gradient into the arena's layout
    }
    primitive_desc bwd = c.backwardData();
    if (bwd != null) {
      memory dyD = dy == null ? scratch(bwd.diff_dst_desc()) : as(steps, dy, bwd.diff_dst_desc());
      memory w = as(steps, weights, bwd.weights_desc());
      memory dx = scratch(bwd.diff_src_desc());
      steps.add(execute(bwd, new IntMemoryMap().put(DNNL_ARG_DIFF_DST, dyD).put(DNNL_ARG_WEIGHTS, w)
          .put(DNNL_ARG_DIFF_SRC, dx)));
      if (c.diffSrcWanted() != null) as(steps, dx, c.diffSrcWanted());
    }
    return steps;
  }

  private static Runnable execute(primitive_desc pd, IntMemoryMap args) {
    primitive p = new primitive(pd);
    return () -> p.execute(Dnnl.stream(), args);
  }

  /** {@code m} itself when it has layout {@code want}, else a buffer that a reorder step fills from it. */
  private static memory as(List<Runnable> steps, memory m, memory.desc want) {
    if (m.get_desc().equals(want)) return m;
    memory copy = scratch(want);
    reorder r = new reorder(new reorder.primitive_desc(m, copy));
    steps.add(() -> r.execute(Dnnl.stream(), m, copy));
    return copy;
  }

  /** A buffer of small normal floats (every byte 0x3C: about 0.0115), so that no value is a denormal or NaN. */
  private static memory scratch(memory.desc d) {
    memory m = new memory(d, Dnnl.engine());
    long floats = Dnnl.floats(d);
    if (floats > 0) new FloatPointer(Tensor.at(m.get_data_handle().address())).capacity(floats).fill(0x3C);
    return m;
  }
}
