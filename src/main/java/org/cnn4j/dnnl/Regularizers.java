package org.cnn4j.dnnl;

import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.cnn4j.kernels.Kernels;

/**
 * The L2-regularized slices of a parameter arena (offset, length, factor),
 * kept in native memory so that each training step applies them in one call.
 * Internal API, owned by {@link ParameterArena}.
 */
final class Regularizers implements AutoCloseable {
  private final int count;
  private final LongPointer offsets;
  private final LongPointer lengths;
  private final FloatPointer factors;

  Regularizers(List<Parameter> trainable) {
    List<Parameter> ps = trainable.stream().filter(p -> p.l2() > 0).toList();
    count = ps.size();
    try (PointerScope scope = new PointerScope()) {
      offsets = keep(scope, new LongPointer(Math.max(count, 1)));
      lengths = keep(scope, new LongPointer(Math.max(count, 1)));
      factors = keep(scope, new FloatPointer(Math.max(count, 1)));
    }
    for (int i = 0; i < count; i++) {
      offsets.put(i, ps.get(i).offset());
      lengths.put(i, ps.get(i).floats()); // blocked layouts' padding is zero: it adds nothing
      factors.put(i, ps.get(i).l2());
    }
  }

  private static <P extends Pointer> P keep(PointerScope scope, P p) {
    p.retainReference();
    scope.detach(p);
    return p;
  }

  /** Adds 2 * l2 * w to the gradients and returns sum(l2 * w^2); 0 without regularized slices. */
  double apply(long weights, long gradients) {
    if (count == 0) return 0;
    return Kernels.l2Regularize(weights, gradients, offsets.address(), lengths.address(), factors.address(), count);
  }

  @Override
  public void close() {
    offsets.close();
    lengths.close();
    factors.close();
  }
}
