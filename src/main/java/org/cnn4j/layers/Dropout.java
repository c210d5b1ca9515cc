package org.cnn4j.layers;

import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.dnnl.Tensor;
import org.cnn4j.io.LayerConfig;
import org.cnn4j.kernels.Kernels;

/**
 * Inverted dropout, Keras's Dropout: while training, each element is zeroed
 * with probability {@code rate} and the rest scaled by 1 / (1 - rate);
 * evaluation and prediction pass the input through untouched.
 *
 * <p>The mask is a hash of (model seed, layer, training step, element), so a
 * seeded run is reproducible whatever the thread count; in data-parallel
 * training the element is counted in the global batch, so the processes draw
 * the masks one process would.
 */
public final class Dropout extends Layer {
  private final float rate;

  public Dropout(double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
    }
    this.rate = (float) rate;
  }

  public float rate() {
    return rate;
  }

  /** The layer a Keras Dropout config describes. */
  public static Dropout fromConfig(LayerConfig c) {
    if (!c.has("rate")) throw c.error("the required option \"rate\" is missing");
    double rate = c.number("rate", 0);
    if (!(rate >= 0 && rate < 1)) throw c.unsupported("rate", c.get("rate"), "a rate in [0, 1)");
    c.requireNull("noise_shape");
    c.get("seed"); // cnn4j draws dropout masks from the model's seed
    return new Dropout(rate);
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  @Override
  public void plan(PlanBuilder b) {
    Tensor src = b.input();
    if (!b.training() || rate == 0f) {
      b.output(src);
      return;
    }
    long n = src.floats();
    Tensor dst = b.allocate(src.desc()).flatOrder(src.flatOrder());
    BytePointer mask = new BytePointer(n);
    long layerSalt = (long) name().hashCode() << 32;
    var counter = b.counter();
    long seed = b.seed();
    long perSample = n / b.batch(); // samples are the outermost dimension of oneDNN's activation layouts
    b.kernel("forward", "", () -> Kernels.dropoutForward(src.address(), dst.address(), mask.address(), n, rate,
        seed ^ layerSalt ^ (counter.get() * 0x9E3779B97F4A7C15L), counter.firstSample() * perSample));
    b.output(dst);

    b.onBackward(() -> {
      Tensor dy = b.as(b.diffOutput(), dst.desc(), "reorder diff_dst");
      b.kernel("backward-data", "", () -> Kernels.dropoutBackward(dy.address(), dy.address(), mask.address(), n,
          rate));
      b.diffInput(dy);
    });
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", rate);
    c.put("seed", null);
    c.put("noise_shape", null);
    return c;
  }
}
