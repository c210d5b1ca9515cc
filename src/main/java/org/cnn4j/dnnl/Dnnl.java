package org.cnn4j.dnnl;

import org.bytedeco.dnnl.engine;
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

  /** Number of floats a descriptor occupies, padding of blocked layouts included. */
  public static long floats(memory.desc d) {
    return d.get_size() / Float.BYTES;
  }
}
