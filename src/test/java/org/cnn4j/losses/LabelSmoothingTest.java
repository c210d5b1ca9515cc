package org.cnn4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.cnn4j.kernels.Kernels;
import org.junit.jupiter.api.Test;

/**
 * Label smoothing (Keras: targets y * (1 - ls) + ls / k) in the native loss, value
 * and gradient, for every kind of model output, against plain Java.
 */
class LabelSmoothingTest {
  private static final int N = 5;
  private static final int K = 7;
  private static final float LS = 0.1f;

  @Test
  void sparseMatchesTheReferenceForEveryOutputKind() {
    for (int kind : new int[] {Kernels.FUSED_SOFTMAX, Kernels.PROBABILITIES, Kernels.LOGITS}) {
      check(new SparseCategoricalCrossentropy(kind == Kernels.LOGITS, LS), kind, false);
    }
  }

  @Test
  void categoricalMatchesTheReferenceWithLabelsAndWithTargetRows() {
    for (int kind : new int[] {Kernels.FUSED_SOFTMAX, Kernels.PROBABILITIES, Kernels.LOGITS}) {
      check(new CategoricalCrossentropy(kind == Kernels.LOGITS, LS), kind, false);
      check(new CategoricalCrossentropy(kind == Kernels.LOGITS, LS), kind, true);
    }
  }

  @Test
  void zeroSmoothingIsThePlainLoss() {
    check(new SparseCategoricalCrossentropy(false, 0f), Kernels.FUSED_SOFTMAX, false);
    assertEquals(0f, new SparseCategoricalCrossentropy().labelSmoothing());
  }

  @Test
  void smoothingOutsideZeroToOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CategoricalCrossentropy(false, 1.5f));
    assertEquals("label smoothing must be in [0, 1], got 1.5", e.getMessage());
  }

  private static void check(Loss loss, int kind, boolean soft) {
    SplittableRandom r = new SplittableRandom(kind * 10 + (soft ? 1 : 0));
    float[] out = new float[N * K];
    int[] labels = new int[N];
    float[] targets = new float[N * K];
    for (int i = 0; i < N; i++) {
      labels[i] = r.nextInt(K);
      double sum = 0;
      for (int j = 0; j < K; j++) {
        out[i * K + j] = (float) (kind == Kernels.LOGITS ? r.nextDouble() * 6 - 3 : r.nextDouble() + 0.05);
        sum += out[i * K + j];
        targets[i * K + j] = soft ? (float) r.nextDouble() : (j == labels[i] ? 1f : 0f);
      }
      if (kind != Kernels.LOGITS) for (int j = 0; j < K; j++) out[i * K + j] /= (float) sum;
      if (soft) {
        double t = 0;
        for (int j = 0; j < K; j++) t += targets[i * K + j];
        for (int j = 0; j < K; j++) targets[i * K + j] /= (float) t;
      }
    }
    // The reference: smooth the targets, then the plain cross-entropy and its gradient.
    double expected = 0;
    float[] grad = new float[N * K];
    for (int i = 0; i < N; i++) {
      float[] p = new float[K];
      if (kind == Kernels.LOGITS) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < K; j++) max = Math.max(max, out[i * K + j]);
        for (int j = 0; j < K; j++) sum += p[j] = (float) Math.exp(out[i * K + j] - max);
        for (int j = 0; j < K; j++) p[j] /= (float) sum;
      } else {
        System.arraycopy(out, i * K, p, 0, K);
      }
      for (int j = 0; j < K; j++) {
        float t = targets[i * K + j] * (1 - loss.labelSmoothing()) + loss.labelSmoothing() / K;
        expected -= t * Math.log(Math.min(Math.max(p[j], 1e-7f), 1 - 1e-7f));
        grad[i * K + j] = kind == Kernels.PROBABILITIES ? -t / (p[j] * N) : (p[j] - t) / N;
      }
    }
    try (FloatPointer o = new FloatPointer(out); IntPointer y = new IntPointer(labels);
        FloatPointer tg = new FloatPointer(targets); FloatPointer g = new FloatPointer(N * K)) {
      double actual = loss.sum(o.address(), y.address(), soft ? tg.address() : 0, N, K, g.address(), kind);
      String what = loss.name() + " kind " + kind + (soft ? " soft targets" : "");
      assertEquals(expected, actual, 1e-5 * Math.abs(expected), what + ": loss");
      float[] got = new float[N * K];
      g.get(got);
      for (int i = 0; i < N * K; i++) assertEquals(grad[i], got[i], 1e-6f, what + ": gradient " + i);
    }
  }
}
