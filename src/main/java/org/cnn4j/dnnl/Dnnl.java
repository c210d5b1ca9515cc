package org.cnn4j.dnnl;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.cnn4j.kernels.Kernels;

/**
 * The process's oneDNN CPU engine and stream, and small helpers shared by all
 * layers. Internal API.
 */
public final class Dnnl {
  private Dnnl() {}

  private static final engine ENGINE;
  private static final stream STREAM;

  static {
    Kernels.load();
    // Both live as long as the process and must outlive every primitive: made
    // in a scope of their own and detached, so no caller's scope can free them.
    try (PointerScope scope = new PointerScope()) {
      ENGINE = new engine(engine.kind.cpu, 0);
      STREAM = new stream(ENGINE);
      for (Pointer p : new Pointer[] {ENGINE, STREAM}) {
        p.retainReference();
        scope.detach(p);
      }
    }
  }

  public static engine engine() {
    return ENGINE;
  }

  public static stream stream() {
    return STREAM;
  }

  /** A f32 descriptor with the given oneDNN dims (batch first, then channels). */
  public static memory.desc desc(long[] dims, memory.format_tag tag) {
    return new memory.desc(dims, memory.data_type.f32, tag);
  }

  /** A f32 descriptor that lets the primitive choose the layout. */
  public static memory.desc any(long... dims) {
    return desc(dims, memory.format_tag.any);
  }

  /** The oneDNN implementation name of a primitive descriptor (e.g. "brg_conv_fwd:avx512_core"). */
  public static String implementation(primitive_desc_base pd) {
    // The string belongs to the primitive descriptor: read it, never free it.
    BytePointer name = pd.impl_info_str();
    return name.getString();
  }

  /**
   * Fails when oneDNN picked a reference implementation: those are orders of
   * magnitude slower than the JIT kernels and always mean a layout mistake.
   */
  public static String requireOptimized(primitive_desc_base pd, String layer, String role) {
    String impl = implementation(pd);
    if (impl.startsWith("ref")) {
      throw new IllegalStateException("layer '" + layer + "': oneDNN chose the reference implementation "
          + impl + " for " + role + "; this would be orders of magnitude slower than a JIT kernel");
    }
    return impl;
  }

  /** The same tensor in a plain layout with channels last: nc, nhwc (or x for 1-D). */
  public static memory.desc plain(memory.desc d) {
    long[] dims = dims(d);
    return desc(dims, switch (dims.length) {
      case 1 -> memory.format_tag.x;
      case 2 -> memory.format_tag.nc;
      case 4 -> memory.format_tag.nhwc;
      default -> throw new IllegalArgumentException("no channels-last layout for " + dims.length + "-D tensors");
    });
  }

  /** The dimensions of a descriptor, in oneDNN's order. */
  public static long[] dims(memory.desc d) {
    long[] out = new long[d.get_ndims()];
    d.get_dims().get(out);
    return out;
  }

  /**
   * The ISA oneDNN dispatches to, e.g. "avx512_core_amx" or "avx2": the CPU's
   * widest, capped by the ONEDNN_MAX_CPU_ISA environment variable.
   */
  public static String cpuIsa() {
    int isa = dnnl.dnnl_get_effective_cpu_isa();
    // oneDNN's names; where two share a value (AVX10.1/512 is AVX-512 with FP16), the older one.
    int[] values = {dnnl.dnnl_cpu_isa_sse41, dnnl.dnnl_cpu_isa_avx, dnnl.dnnl_cpu_isa_avx2,
        dnnl.dnnl_cpu_isa_avx2_vnni, dnnl.dnnl_cpu_isa_avx2_vnni_2, dnnl.dnnl_cpu_isa_avx512_core,
        dnnl.dnnl_cpu_isa_avx512_core_vnni, dnnl.dnnl_cpu_isa_avx512_core_bf16, dnnl.dnnl_cpu_isa_avx512_core_fp16,
        dnnl.dnnl_cpu_isa_avx512_core_amx, dnnl.dnnl_cpu_isa_avx512_core_amx_fp16};
    String[] names = {"sse41", "avx", "avx2", "avx2_vnni", "avx2_vnni_2", "avx512_core", "avx512_core_vnni",
        "avx512_core_bf16", "avx512_core_fp16", "avx512_core_amx", "avx512_core_amx_fp16"};
    for (int i = 0; i < values.length; i++) if (values[i] == isa) return names[i];
    return "isa_0x" + Integer.toHexString(isa);
  }

  /** Number of floats a descriptor occupies, padding of blocked layouts included. */
  public static long floats(memory.desc d) {
    return d.get_size() / Float.BYTES;
  }
}
