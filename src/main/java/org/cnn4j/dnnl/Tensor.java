package org.cnn4j.dnnl;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * A oneDNN memory and its descriptor. Internal API.
 *
 * <p>Tensors made while a plan is built belong to that plan and are freed with
 * it; {@link #close()} frees a tensor made elsewhere.
 */
public final class Tensor implements AutoCloseable {
  private final memory memory;
  private final memory.desc desc;
  private int[] flatOrder;
  private Tensor unflattened;
  private List<Tensor> views = List.of();

  Tensor(memory memory, memory.desc desc) {
    this.memory = memory;
    this.desc = desc;
  }

  /** A tensor whose buffer oneDNN allocates (64-byte aligned). */
  public static Tensor allocate(memory.desc desc) {
    return new Tensor(new memory(desc, Dnnl.engine()), desc);
  }

  /**
   * A tensor that belongs to no {@link PointerScope}, even if one is open on
   * this thread: the caller closes it.
   */
  public static Tensor allocateUnscoped(long[] dims, memory.format_tag tag) {
    try (PointerScope scope = new PointerScope()) {
      Tensor t = allocate(Dnnl.desc(dims, tag));
      for (Pointer p : new Pointer[] {t.memory, t.desc}) {
        p.retainReference();
        scope.detach(p);
      }
      return t;
    }
  }

  /** A tensor over memory someone else owns (a slice of an arena, say). */
  public static Tensor wrap(memory.desc desc, long address) {
    return new Tensor(new memory(desc, Dnnl.engine(), at(address)), desc);
  }

  /**
   * Another descriptor over this tensor's buffer (a flat view of a 4-D
   * activation, say) that follows {@link #rebind}: a view of the model's input,
   * which is rebound to every batch, reads that batch.
   */
  public Tensor view(memory.desc desc) {
    Tensor v = wrap(desc, address());
    if (views.isEmpty()) views = new ArrayList<>();
    views.add(v);
    return v;
  }

  public memory memory() {
    return memory;
  }

  public memory.desc desc() {
    return desc;
  }

  public long address() {
    return memory.get_data_handle().address();
  }

  /** Points this tensor at another buffer of the same layout (no copy). */
  public void rebind(long address) {
    memory.set_data_handle(at(address));
    for (Tensor v : views) v.rebind(address);
  }

  public long floats() {
    return Dnnl.floats(desc);
  }

  /**
   * For a 2-D tensor that views a flattened 4-D activation in a blocked layout:
   * element i of a row is Keras's (h, w, c) element flatOrder[i]. Null means
   * the row is already in Keras's order.
   */
  public int[] flatOrder() {
    return flatOrder;
  }

  public Tensor flatOrder(int[] order) {
    this.flatOrder = order;
    return this;
  }

  /**
   * For a 2-D view that {@code Flatten} made of a 4-D activation: that 4-D
   * tensor (same buffer), which a Dense layer may read instead. Null otherwise.
   */
  public Tensor unflattened() {
    return unflattened;
  }

  public Tensor unflattened(Tensor fourD) {
    this.unflattened = fourD;
    return this;
  }

  public boolean sameLayout(memory.desc other) {
    return desc.equals(other);
  }

  /** Copies the raw buffer (in this tensor's own layout) to a Java array. */
  public float[] toArray() {
    float[] out = new float[(int) floats()];
    new FloatPointer(at(address())).get(out);
    return out;
  }

  /** Copies a Java array, already in this tensor's layout, into the buffer. */
  public void write(float[] values) {
    if (values.length > floats()) {
      throw new IllegalArgumentException("expected at most " + floats() + " floats, got " + values.length);
    }
    new FloatPointer(at(address())).put(values);
  }

  @Override
  public void close() {
    memory.close();
    desc.close();
  }

  /** A non-owning pointer at a native address. */
  public static Pointer at(long nativeAddress) {
    // An initializer block, since Pointer exposes no constructor taking an address.
    return new Pointer() {
      {
        address = nativeAddress;
      }
    };
  }
}
