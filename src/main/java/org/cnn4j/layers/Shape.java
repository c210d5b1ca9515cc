package org.cnn4j.layers;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The shape of one sample, without the batch axis, in Keras's order:
 * {@code (height, width, channels)} for images, {@code (features)} after Flatten.
 */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  /** A shape from its dimensions, each at least 1. */
  public static Shape of(int... dims) {
    if (dims.length == 0) throw new IllegalArgumentException("a shape needs at least one dimension");
    for (int d : dims) {
      if (d < 1) throw new IllegalArgumentException("dimensions must be positive, got " + Arrays.toString(dims));
    }
    return new Shape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  public int get(int axis) {
    return dims[axis];
  }

  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements in one sample. */
  public long size() {
    long n = 1;
    for (int d : dims) n *= d;
    return n;
  }

  /** oneDNN's dimension order for a batch of {@code n}: {n, c, h, w} or {n, features}. */
  public long[] dnnlDims(int n) {
    if (dims.length == 3) return new long[] {n, dims[2], dims[0], dims[1]};
    long[] out = new long[dims.length + 1];
    out[0] = n;
    for (int i = 0; i < dims.length; i++) out[i + 1] = dims[i];
    return out;
  }

  /** As Keras prints it in summaries: {@code (None, 32, 32, 3)}. */
  public String withBatch() {
    StringJoiner j = new StringJoiner(", ", "(", ")");
    j.add("None");
    for (int d : dims) j.add(Integer.toString(d));
    return j.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "(", dims.length == 1 ? ",)" : ")");
    for (int d : dims) j.add(Integer.toString(d));
    return j.toString();
  }
}
