package org.cnn4j.data;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.layers.Shape;

/**
 * Samples a model can train or predict on, uint8 images of a {@link Dataset}
 * or float arrays: {@link Batches} writes any subset of them, as f32 NHWC,
 * straight into the buffers a model reads. Internal API.
 */
public abstract class Samples {
  private final Shape shape;
  private final int[] labels;

  Samples(Shape shape, int[] labels) {
    this.shape = shape;
    this.labels = labels;
  }

  /** The number of samples. */
  public abstract int size();

  /** The shape of one sample (height, width, channels, or units). */
  public final Shape shape() {
    return shape;
  }

  /** The labels, or null for unlabelled samples. */
  public final int[] labels() {
    return labels;
  }

  /** Class names when the data carries them, else null. */
  public List<String> classNames() {
    return null;
  }

  /**
   * How {@link #gather} converts: the preprocessing, its per-channel constants
   * as native addresses (0 when absent), per-image augmentation draws (0 when none) and a
   * native buffer for the batch's indices. Runs on the calling thread only.
   */
  record Conversion(Preprocessing pre, long mean, long invStd, long shifts, IntPointer indices) {}

  /** Writes samples order[from .. from+count) to dst as f32 NHWC. */
  abstract void gather(int[] order, int from, int count, long dst, Conversion c);

  /** Samples [from, to) of this set, sharing its memory. */
  public Samples slice(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size() + " samples");
    }
    Samples base = this;
    int[] sliceLabels = labels == null ? null : java.util.Arrays.copyOfRange(labels, from, to);
    return new Samples(shape, sliceLabels) {
      private int[] shifted = new int[0];

      @Override
      public int size() {
        return to - from;
      }

      @Override
      public List<String> classNames() {
        return base.classNames();
      }

      @Override
      void gather(int[] order, int start, int count, long dst, Conversion c) {
        if (shifted.length < count) shifted = new int[count];
        for (int i = 0; i < count; i++) shifted[i] = order[start + i] + from;
        base.gather(shifted, 0, count, dst, c);
      }
    };
  }

  /** uint8 NHWC images from a dataset, converted as the {@link Preprocessing} says. */
  public static Samples of(Dataset d) {
    return new DatasetSamples(d);
  }

  /** float NHWC images (one sample per shape.size() floats) with optional labels. */
  public static Samples of(float[] x, int[] y, Shape shape) {
    return new FloatSamples(x, y, shape);
  }

  /** Wraps byte arrays in a dataset with class names "0".."classes-1". */
  public static Dataset bytesDataset(byte[] x, int[] y, Shape shape, int classes) {
    if (shape.rank() != 3) throw new IllegalArgumentException("byte images need a (h, w, c) model input");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < classes; i++) names.add(Integer.toString(i));
    return Dataset.of(x, y, shape.get(0), shape.get(1), shape.get(2), names);
  }

  private static final class DatasetSamples extends Samples {
    private final Dataset data;

    DatasetSamples(Dataset d) {
      super(Shape.of(d.height(), d.width(), d.channels()), d.labels());
      this.data = d;
    }

    @Override
    public int size() {
      return data.size();
    }

    @Override
    public List<String> classNames() {
      return data.classNames();
    }

    @Override
    void gather(int[] order, int from, int count, long dst, Conversion c) {
      c.indices().put(order, from, count);
      Kernels.gatherBytesToFloat(data.address(), c.indices().address(), count, data.height(), data.width(),
          data.channels(), dst, c.pre().scale(), c.mean(), c.invStd(), c.shifts(),
          c.pre().fillMode() == Preprocessing.FillMode.NEAREST, c.pre().cutout(), false);
    }
  }

  private static final class FloatSamples extends Samples {
    private final float[] x;
    private final int sampleFloats;

    FloatSamples(float[] x, int[] y, Shape shape) {
      super(shape, y);
      this.x = x;
      this.sampleFloats = (int) shape.size();
      if (x.length % sampleFloats != 0) {
        throw new IllegalArgumentException("x has " + x.length + " floats, not a multiple of one sample "
            + shape + " (" + sampleFloats + " floats)");
      }
      if (y != null && y.length != x.length / sampleFloats) {
        throw new IllegalArgumentException("x holds " + x.length / sampleFloats + " samples of shape " + shape
            + " but y has " + y.length + " labels");
      }
    }

    @Override
    public int size() {
      return x.length / sampleFloats;
    }

    /** Float samples are used as given: they are already scaled as the model expects. */
    @Override
    void gather(int[] order, int from, int count, long dst, Conversion c) {
      if (c.shifts() != 0) {
        throw new IllegalArgumentException("augmentation needs uint8 images (a Dataset), not float arrays");
      }
      FloatPointer out = new FloatPointer(Tensor.at(dst));
      for (int i = 0; i < count; i++) {
        out.position((long) i * sampleFloats).put(x, order[from + i] * sampleFloats, sampleFloats);
      }
    }
  }
}
