package org.cnn4j.dnnl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * All trainable parameters of a model in one contiguous buffer, with gradients
 * and any optimizer slots (Adam's m and v, ...) in buffers of the same size, so
 * that an optimizer step is one call over one buffer. Non-trainable state
 * (BatchNormalization's moving statistics) lives in a buffer of its own, with
 * no gradient and no slots: the optimizer never sees it. Internal API.
 *
 * <p>Each parameter's slice starts on a 64-byte boundary and is in the layout
 * its forward primitive prefers; layout matters only when values cross the
 * API ({@link #get}, {@link #set}), which reorders to and from Keras's layout.
 */
public final class ParameterArena implements AutoCloseable {
  private static final long ALIGN_FLOATS = 16;

  private final List<Parameter> parameters;
  private final List<Parameter> trainable;
  private final List<Parameter> state;
  private Tensor weights;
  private Tensor gradients;
  private Tensor stateValues;
  private final Map<String, Tensor> slots = new LinkedHashMap<>();
  private long floats;
  private long stateFloats;
  private Regularizers regularizers;
  private long version;

  public ParameterArena(List<Parameter> parameters) {
    this.parameters = List.copyOf(parameters);
    this.trainable = this.parameters.stream().filter(Parameter::trainable).toList();
    this.state = this.parameters.stream().filter(p -> !p.trainable()).toList();
  }

  /** Every tensor, trainable or not, in the model's (Keras's) order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** The tensors the optimizer updates, in the model's order. */
  public List<Parameter> trainableParameters() {
    return trainable;
  }

  public boolean allocated() {
    return weights != null;
  }

  /**
   * A number that changes whenever weights or state may have changed: {@link #set}, an
   * optimizer step, a training forward pass (moving statistics), a data-parallel broadcast or
   * average. Inference plans that keep derived copies of weights (BatchNormalization folded
   * into a convolution) recompute them when it moved. Whoever writes the arena's memory
   * directly calls {@link #modified()}.
   */
  public long version() {
    return version;
  }

  /** Marks the weights or state as changed (see {@link #version()}). */
  public void modified() {
    version++;
  }

  /** Lays out and allocates the arena once every parameter has a layout; fills initial values. */
  public void allocate(long seed) {
    floats = layOut(trainable);
    stateFloats = layOut(state);
    weights = zeroed(floats);
    gradients = zeroed(floats);
    stateValues = zeroed(stateFloats);
    for (Parameter p : parameters) set(p, p.initialValues(seed));
    regularizers = new Regularizers(trainable);
  }

  /** Gives each tensor its offset in one buffer; returns the buffer's floats (at least 1). */
  private static long layOut(List<Parameter> ps) {
    long offset = 0;
    for (Parameter p : ps) {
      if (!p.hasLayout()) throw new IllegalStateException(p.name() + " has no layout yet");
      p.offset(offset);
      offset += (p.floats() + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }
    return Math.max(offset, 1);
  }

  private Tensor zeroed() {
    return zeroed(floats);
  }

  private static Tensor zeroed(long floats) {
    Tensor t = Tensor.allocateUnscoped(new long[] {floats}, memory.format_tag.x);
    try (PointerScope scope = new PointerScope()) {
      new FloatPointer(Tensor.at(t.address())).capacity(floats).fill(0);
    }
    return t;
  }

  /**
   * Adds each L2-regularized tensor's penalty gradient {@code 2 * l2 * w} to its
   * gradient, in one native pass over those slices; returns the penalty
   * {@code sum of l2 * sum(w^2)}, to add to the loss. Call after backward,
   * before the optimizer; 0 (and nothing touched) without regularizers.
   */
  public double applyRegularizers() {
    return regularizers == null ? 0 : regularizers.apply(weights.address(), gradients.address());
  }

  /** The L2 penalty of the current weights alone, for evaluation (no gradient touched). */
  public double regularizationPenalty() {
    double sum = 0;
    for (Parameter p : trainable) {
      if (p.l2() == 0) continue;
      double s = 0;
      for (float w : get(p)) s += (double) w * w;
      sum += p.l2() * s;
    }
    return sum;
  }

  /** Total floats in each arena buffer (padding of blocked layouts included). */
  public long floats() {
    return floats;
  }

  /**
   * Floats of the buffer of non-trainable tensors (BatchNormalization's moving
   * statistics), padding included; at least 1.
   */
  public long stateFloats() {
    return stateFloats;
  }

  /** The buffer of non-trainable tensors; see {@link #stateFloats()}. */
  public long stateAddress() {
    return stateValues.address();
  }

  public long weightsAddress() {
    return weights.address();
  }

  public long gradientsAddress() {
    return gradients.address();
  }

  /** Where the tensor's values are: in the trainable buffer, or in the state buffer for non-trainable ones. */
  public long weightAddress(Parameter p) {
    return (p.trainable() ? weights : stateValues).address() + p.offset() * Float.BYTES;
  }

  public long gradientAddress(Parameter p) {
    requireTrainable(p, "gradient");
    return gradients.address() + p.offset() * Float.BYTES;
  }

  private static void requireTrainable(Parameter p, String what) {
    if (!p.trainable()) throw new IllegalArgumentException(p.name() + " is not trainable: it has no " + what);
  }

  /** An optimizer buffer of the arena's size, zeroed on first use, freed with the arena. */
  public long slot(String name) {
    Tensor t = slots.get(name);
    if (t == null) {
      t = zeroed();
      slots.put(name, t);
    }
    return t.address();
  }

  public List<String> slotNames() {
    return new ArrayList<>(slots.keySet());
  }

  /** The parameter's values in Keras's layout. */
  public float[] get(Parameter p) {
    float[] plain = new float[(int) p.size()];
    transfer(p, plain, false, weightAddress(p));
    return toKerasOrder(p, plain);
  }

  /** The parameter's last gradient in Keras's layout. */
  public float[] getGradient(Parameter p) {
    float[] plain = new float[(int) p.size()];
    transfer(p, plain, false, gradientAddress(p));
    return toKerasOrder(p, plain);
  }

  /** Replaces the parameter's values, given in Keras's layout. */
  public void set(Parameter p, float[] keras) {
    if (keras.length != p.size()) {
      throw new IllegalArgumentException(p.name() + ": expected " + p.size() + " values for shape "
          + java.util.Arrays.toString(p.kerasShape()) + ", got " + keras.length);
    }
    transfer(p, fromKerasOrder(p, keras), true, weightAddress(p));
    modified();
  }

  /** The parameter's values in an existing optimizer slot ("m", "v", ...), in Keras's layout. */
  public float[] getSlot(Parameter p, String slot) {
    requireTrainable(p, "optimizer slot");
    Tensor t = slots.get(slot);
    if (t == null) throw new IllegalArgumentException("no optimizer slot '" + slot + "'; slots: " + slotNames());
    float[] plain = new float[(int) p.size()];
    transfer(p, plain, false, t.address() + p.offset() * Float.BYTES);
    return toKerasOrder(p, plain);
  }

  /** Replaces the parameter's values in an optimizer slot, given in Keras's layout; creates the slot if needed. */
  public void setSlot(Parameter p, String slot, float[] keras) {
    requireTrainable(p, "optimizer slot");
    if (keras.length != p.size()) {
      throw new IllegalArgumentException(p.name() + " slot " + slot + ": expected " + p.size() + " values for shape "
          + java.util.Arrays.toString(p.kerasShape()) + ", got " + keras.length);
    }
    transfer(p, fromKerasOrder(p, keras), true, slot(slot) + p.offset() * Float.BYTES);
  }

  private void transfer(Parameter p, float[] plain, boolean toArena, long arenaAddress) {
    try (PointerScope scope = new PointerScope();
        FloatPointer buffer = new FloatPointer(plain.length)) {
      if (toArena) buffer.put(plain);
      memory user = new memory(Dnnl.desc(p.dnnlDims(), p.plainTag()), Dnnl.engine(), buffer);
      memory arena = new memory(p.layoutDesc(), Dnnl.engine(), Tensor.at(arenaAddress));
      memory src = toArena ? user : arena;
      memory dst = toArena ? arena : user;
      new reorder(src, dst).execute(Dnnl.stream(), src, dst);
      Dnnl.stream()._wait();
      if (!toArena) buffer.get(plain);
    }
  }

  private static float[] toKerasOrder(Parameter p, float[] plain) {
    int[] order = p.rowOrder();
    if (order == null) return plain;
    int units = plain.length / order.length;
    float[] out = new float[plain.length];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(plain, i * units, out, order[i] * units, units);
    }
    return out;
  }

  private static float[] fromKerasOrder(Parameter p, float[] keras) {
    int[] order = p.rowOrder();
    if (order == null) return keras;
    int units = keras.length / order.length;
    float[] out = new float[keras.length];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(keras, order[i] * units, out, i * units, units);
    }
    return out;
  }

  @Override
  public void close() {
    for (Tensor t : slots.values()) t.close();
    slots.clear();
    if (weights != null) {
      weights.close();
      gradients.close();
      stateValues.close();
      weights = gradients = stateValues = null;
    }
    if (regularizers != null) {
      regularizers.close();
      regularizers = null;
    }
  }
}
