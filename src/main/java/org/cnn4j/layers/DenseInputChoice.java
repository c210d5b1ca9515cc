package org.cnn4j.layers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_desc;
import org.cnn4j.Threads;
import org.cnn4j.dnnl.Dnnl;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link Dense} layer's first plan read Flatten's output ({@link DenseInput})
 * and why. {@code reason} is one of "timed" (forward, backward-weights and
 * backward-data when the first plan trains, forward alone when it infers), "timed
 * earlier in this process", "forced", "saved" (a model file's), "deterministic",
 * "rule: kernel too large to time" and "only form" (the input is no Flatten of a
 * 4-D activation). The seconds are one pass of each form and the implementations
 * oneDNN picked for it ("forward / backward-weights / backward-data"), when they
 * were timed; NaN and null otherwise.
 */
public record DenseInputChoice(DenseInput taken, String reason, double viewSeconds, double fourDSeconds,
    String viewImplementations, String fourDImplementations) {
  private static final Logger log = LoggerFactory.getLogger(DenseInputChoice.class);
  /** Choices timed in this process, by problem: models built alike in one process plan alike. */
  private static final Map<String, DenseInputChoice> TIMED = new ConcurrentHashMap<>();
  /** Kernels above this many floats (256 MB) are not timed: the trial holds several copies of them. */
  private static final long MAX_TIMED_KERNEL = 64L << 20;

  private static DenseInputChoice untimed(DenseInput taken, String reason) {
    return new DenseInputChoice(taken, reason, Double.NaN, Double.NaN, null, null);
  }

  /**
   * Once, at the layer's first plan: the only form, the form the layer or
   * {@code -Dcnn4j.denseInput} forces, the one a model file saved, the fixed rule
   * (when the plan may not time), one this process already timed for the same
   * problem, or both timed now.
   */
  static DenseInputChoice choose(Dense d, PlanBuilder b, Tensor src, Tensor fourD, DenseInput requested,
      DenseInput restored) {
    if (fourD == null) return untimed(DenseInput.VIEW, "only form");
    DenseInput want = requested != DenseInput.AUTO ? requested : DenseInput.fromSystemProperty();
    if (want != DenseInput.AUTO) return log(d, untimed(want, "forced"));
    if (restored != null) return log(d, untimed(restored, "saved"));
    if (!b.measuresLayouts()) return log(d, untimed(deterministicRule(), "deterministic"));
    int features = d.inputShape().get(0);
    if ((long) features * d.units() > MAX_TIMED_KERNEL) {
      return log(d, untimed(deterministicRule(), "rule: kernel too large to time"));
    }
    int n = b.batch();
    KernelTrial.Candidate view = candidate(d, b, d.primitives(n, src.desc(), new long[] {d.units(), features}),
        src.desc());
    KernelTrial.Candidate four = candidate(d, b, d.primitives(n, fourD.desc(), d.fourDWeights(fourD)),
        fourD.desc());
    if (four == null) return log(d, untimed(DenseInput.VIEW, "only form"));
    if (view == null) return log(d, untimed(DenseInput.FOUR_D, "only form"));
    String key = String.join(" ", Dnnl.cpuIsa(), "threads " + Threads.get(), b.training() ? "training" : "inference",
        b.firstLayer() ? "first" : "", Arrays.toString(Dnnl.dims(fourD.desc())),
        "order " + Arrays.hashCode(src.flatOrder()), "units " + d.units(), d.outputActivation().toString(),
        "bias " + d.useBias());
    DenseInputChoice timed = TIMED.get(key);
    if (timed != null) {
      return log(d, new DenseInputChoice(timed.taken(), "timed earlier in this process", timed.viewSeconds(),
          timed.fourDSeconds(), timed.viewImplementations(), timed.fourDImplementations()));
    }
    double[] t = KernelTrial.medians(List.of(view, four));
    DenseInputChoice c = new DenseInputChoice(t[1] < t[0] ? DenseInput.FOUR_D : DenseInput.VIEW, "timed", t[0],
        t[1], view.implementations(), four.implementations());
    TIMED.putIfAbsent(key, c);
    return log(d, c);
  }

  /** A form's primitives as the plan would create them, or null when oneDNN cannot run it with a JIT kernel. */
  private static KernelTrial.Candidate candidate(Dense d, PlanBuilder b, KernelPlanner.Primitives p,
      memory.desc diffSrc) {
    try {
      var prop = b.training() ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
      primitive_desc fwd = p.forward(prop, ActivationPlanner.postOps(d.outputActivation()));
      primitive_desc bww = b.training() ? p.backwardWeights(fwd) : null;
      primitive_desc bwd = b.training() && !b.firstLayer() ? p.backwardData(fwd) : null;
      KernelTrial.Candidate c = new KernelTrial.Candidate(fwd, bww, bwd, d.useBias(), diffSrc);
      return c.optimized() ? c : null;
    } catch (RuntimeException e) { // oneDNN has no implementation for this form
      log.debug("Dense '{}': no plan for input dims {}: {}", d.name(), Arrays.toString(Dnnl.dims(diffSrc)),
          e.toString());
      return null;
    }
  }

  /**
   * The form a deterministic or data-parallel run takes without timing, the same on
   * every run on one kind of CPU: the 4-D form below AVX-512, where it measured
   * faster (AMD EPYC, AVX2), the 2-D view from AVX-512 on, where that did.
   */
  static DenseInput deterministicRule() {
    return switch (Dnnl.cpuIsa()) {
      case "sse41", "avx", "avx2", "avx2_vnni", "avx2_vnni_2" -> DenseInput.FOUR_D;
      default -> DenseInput.VIEW;
    };
  }

  private static DenseInputChoice log(Dense d, DenseInputChoice c) {
    if (log.isDebugEnabled()) {
      log.debug(String.format(Locale.ROOT,
          "Dense '%s' reads its flattened input as %s (%s; %s): view %.3f ms [%s], 4d %.3f ms [%s]", d.name(),
          c.taken() == DenseInput.FOUR_D ? "the 4-D blocked tensor" : "a 2-D view", c.reason(), Dnnl.cpuIsa(),
          c.viewSeconds() * 1e3, c.viewImplementations(), c.fourDSeconds() * 1e3, c.fourDImplementations()));
    }
    return c;
  }
}
