package org.cnn4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.cnn4j.bench.PeakFlops;
import org.junit.jupiter.api.Test;

class KernelsTest {
  // Odd, above the size where the kernels go parallel, so the threads' ranges
  // split somewhere inside; the start is off a cache line.
  private static final int N = 40_003;
  private static final int OFFSET = 3;

  private static volatile float smallestNormal = Float.MIN_NORMAL;

  /**
   * Asserts: a dropout mask over a batch of 2 x 9,001 elements equals the masks
   * of its two halves drawn with the second half's element offset (what two
   * data-parallel processes draw), bitwise; without the offset the halves differ.
   */
  @Test
  void dropoutOfTwoSlicesWithTheirOffsetEqualsDropoutOfTheWholeBatch() {
    int half = 9_001;
    float[] x = new float[2 * half];
    Arrays.fill(x, 1f);
    try (FloatPointer in = new FloatPointer(x); FloatPointer whole = new FloatPointer(2L * half);
        FloatPointer slice = new FloatPointer((long) half);
        BytePointer mask = new BytePointer(2L * half)) {
      Kernels.dropoutForward(in.address(), whole.address(), mask.address(), 2L * half, 0.5f, 77, 0);
      float[] expected = new float[2 * half];
      whole.get(expected);
      float[] second = new float[half];
      Kernels.dropoutForward(in.address(), slice.address(), mask.address(), half, 0.5f, 77, half);
      slice.get(second);
      assertTrue(Arrays.equals(expected, half, 2 * half, second, 0, half), "second half with offset");
      Kernels.dropoutForward(in.address(), slice.address(), mask.address(), half, 0.5f, 77, 0);
      float[] first = new float[half];
      slice.get(first);
      assertTrue(Arrays.equals(expected, 0, half, first, 0, half), "first half");
      assertFalse(Arrays.equals(first, second), "the offset changes the mask");
    }
  }

  @Test
  void adamMatchesTheFormulaOnEveryElementOfAnUnalignedOddRange() {
    SplittableRandom r = new SplittableRandom(7);
    float[] w = random(r, 1f), g = random(r, 0.1f), m = random(r, 0.01f), v = positive(r, 1e-4f);
    float[] ew = w.clone(), em = m.clone(), ev = v.clone();
    float alpha = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-7f;
    for (int i = 0; i < N; i++) {
      em[i] = em[i] + (g[i] - em[i]) * (1 - b1);
      ev[i] = ev[i] + (g[i] * g[i] - ev[i]) * (1 - b2);
      ew[i] -= alpha * em[i] / ((float) Math.sqrt(ev[i]) + eps);
    }
    try (FloatPointer pw = put(w); FloatPointer pg = put(g); FloatPointer pm = put(m); FloatPointer pv = put(v)) {
      Kernels.adamStep(at(pw), at(pg), at(pm), at(pv), N, alpha, b1, b2, eps, 0f, null);
      assertClose(ew, get(pw), "w");
      assertClose(em, get(pm), "m");
      assertClose(ev, get(pv), "v");
      assertEquals(0f, pw.get(0), "the float before the range is untouched");
      assertEquals(0f, pw.get(OFFSET + N), "the float after the range is untouched");
    }
  }

  @Test
  void softmaxBackwardMatchesTheFormulaOnOddRowsInPlaceAndNot() {
    SplittableRandom r = new SplittableRandom(9);
    // 13 classes: no vector width divides a row, so every row ends in a remainder loop.
    int k = 13, rows = N / k;
    float[] y = new float[rows * k], dy = random(r, 1f);
    for (int i = 0; i < rows; i++) { // rows of a softmax output: positive, summing to 1
      double sum = 0;
      for (int j = 0; j < k; j++) sum += y[i * k + j] = (float) (r.nextDouble() + 0.01);
      for (int j = 0; j < k; j++) y[i * k + j] /= (float) sum;
    }
    float[] expected = new float[N]; // the tail past rows * k stays 0: no row there
    for (int i = 0; i < rows; i++) {
      double dot = 0;
      for (int j = 0; j < k; j++) dot += (double) dy[i * k + j] * y[i * k + j];
      for (int j = 0; j < k; j++) expected[i * k + j] = (float) (y[i * k + j] * (dy[i * k + j] - dot));
    }
    float[] yPadded = new float[N + 2 * OFFSET];
    System.arraycopy(y, 0, yPadded, OFFSET, y.length);
    try (FloatPointer py = new FloatPointer(yPadded); FloatPointer pdy = put(dy);
        FloatPointer pdx = put(new float[N])) {
      Kernels.softmaxBackward(at(py), at(pdy), at(pdx), rows, k);
      assertClose(expected, get(pdx), "dx");
      for (int i = rows * k; i < N; i++) dy[i] = 0;
      try (FloatPointer inPlace = put(dy)) {
        Kernels.softmaxBackward(at(py), at(inPlace), at(inPlace), rows, k);
        assertClose(expected, get(inPlace), "dx in place");
      }
    }
  }

  @Test
  void sgdMatchesTheFormulaOnEveryElement() {
    SplittableRandom r = new SplittableRandom(8);
    float[] w = random(r, 1f), g = random(r, 0.1f), vel = random(r, 0.01f);
    float[] ew = w.clone(), ev = vel.clone();
    for (int i = 0; i < N; i++) {
      ev[i] = 0.9f * ev[i] - 0.05f * g[i];
      ew[i] += 0.9f * ev[i] - 0.05f * g[i];
    }
    try (FloatPointer pw = put(w); FloatPointer pg = put(g); FloatPointer pv = put(vel)) {
      Kernels.sgdStep(at(pw), at(pg), at(pv), N, 0.05f, 0.9f, true, 0f, null);
      assertClose(ew, get(pw), "w");
      assertClose(ev, get(pv), "velocity");
    }
  }

  /**
   * Decay ranges that start and end off cache lines, one of them across the
   * threads' split, and gaps between them: inside, w -= w * decay first; outside, the plain update.
   */
  private static final long[] RANGES = {5, 1000, 1003, 20_011, 30_000, N};

  private static boolean decayed(int i) {
    for (int r = 0; r < RANGES.length; r += 2) if (i >= RANGES[r] && i < RANGES[r + 1]) return true;
    return false;
  }

  @Test
  void adamDecaysWeightsOnlyInsideTheGivenRanges() {
    SplittableRandom r = new SplittableRandom(17);
    float[] w = random(r, 1f), g = random(r, 0.1f), m = random(r, 0.01f), v = positive(r, 1e-4f);
    float[] ew = w.clone(), em = m.clone(), ev = v.clone();
    float alpha = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-7f, decay = 0.02f;
    for (int i = 0; i < N; i++) {
      em[i] = em[i] + (g[i] - em[i]) * (1 - b1);
      ev[i] = ev[i] + (g[i] * g[i] - ev[i]) * (1 - b2);
      if (decayed(i)) ew[i] -= ew[i] * decay;
      ew[i] -= alpha * em[i] / ((float) Math.sqrt(ev[i]) + eps);
    }
    try (FloatPointer pw = put(w); FloatPointer pg = put(g); FloatPointer pm = put(m); FloatPointer pv = put(v)) {
      Kernels.adamStep(at(pw), at(pg), at(pm), at(pv), N, alpha, b1, b2, eps, decay, RANGES);
      assertClose(ew, get(pw), "w");
      assertClose(em, get(pm), "m");
      assertEquals(0f, pw.get(OFFSET + N), "the float after the range is untouched");
    }
    // Without decay the ranges change nothing: the same bits as no ranges at all.
    try (FloatPointer a = put(w); FloatPointer b = put(w); FloatPointer pg = put(g);
        FloatPointer m1 = put(m); FloatPointer m2 = put(m); FloatPointer v1 = put(v); FloatPointer v2 = put(v)) {
      Kernels.adamStep(at(a), at(pg), at(m1), at(v1), N, alpha, b1, b2, eps, 0f, RANGES);
      Kernels.adamStep(at(b), at(pg), at(m2), at(v2), N, alpha, b1, b2, eps, 0f, null);
      org.junit.jupiter.api.Assertions.assertArrayEquals(get(b), get(a));
    }
  }

  @Test
  void sgdDecaysWeightsOnlyInsideTheGivenRanges() {
    SplittableRandom r = new SplittableRandom(18);
    float[] w = random(r, 1f), g = random(r, 0.1f), vel = random(r, 0.01f);
    float[] ew = w.clone(), ev = vel.clone();
    float lr = 0.05f, decay = lr * 5e-3f;
    for (int i = 0; i < N; i++) {
      ev[i] = 0.9f * ev[i] - lr * g[i];
      if (decayed(i)) ew[i] -= ew[i] * decay;
      ew[i] += 0.9f * ev[i] - lr * g[i];
    }
    try (FloatPointer pw = put(w); FloatPointer pg = put(g); FloatPointer pv = put(vel)) {
      Kernels.sgdStep(at(pw), at(pg), at(pv), N, lr, 0.9f, true, decay, RANGES);
      assertClose(ew, get(pw), "w");
      assertClose(ev, get(pv), "velocity");
    }
  }

  @Test
  void adamFlushesDenormalsButLeavesJavaArithmeticAlone() {
    float[] w = new float[N], g = new float[N], m = new float[N], v = new float[N];
    // (1e-21)^2 = 1e-42 is denormal: the second moment flushes to zero.
    Arrays.fill(g, 1e-21f);
    Arrays.fill(w, 1f);
    try (FloatPointer pw = put(w); FloatPointer pg = put(g); FloatPointer pm = put(m); FloatPointer pv = put(v)) {
      Kernels.adamStep(at(pw), at(pg), at(pm), at(pv), N, 1e-3f, 0.9f, 0.999f, 1e-7f, 0f, null);
      float[] after = get(pv);
      for (int i = 0; i < N; i++) assertEquals(0f, after[i], "v[" + i + "]");
    }
    // The calling thread got its floating-point mode back: Java keeps gradual underflow.
    float half = smallestNormal / 2;
    assertTrue(half > 0 && half < Float.MIN_NORMAL, "MIN_NORMAL / 2 flushed to " + half);
  }

  @Test
  void peakIsMeasuredWithTheWidestFma() {
    int width = Kernels.peakVectorFloats();
    assertTrue(width == 0 || width == 8 || width == 16, "vector floats " + width);
    PeakFlops.Peak peak = PeakFlops.measure(0.05);
    assertEquals(Kernels.maxThreads(), peak.threads());
    if (width > 0) assertTrue(peak.gflops() > 0 && Double.isFinite(peak.gflops()), "peak " + peak);
  }

  private static float[] random(SplittableRandom r, float scale) {
    float[] a = new float[N];
    for (int i = 0; i < N; i++) a[i] = (float) (r.nextDouble(-1, 1) * scale);
    return a;
  }

  private static float[] positive(SplittableRandom r, float scale) {
    float[] a = new float[N];
    for (int i = 0; i < N; i++) a[i] = (float) (r.nextDouble() * scale);
    return a;
  }

  /** A zeroed buffer with a guard float before and after, holding a at OFFSET. */
  private static FloatPointer put(float[] a) {
    FloatPointer p = new FloatPointer(OFFSET + N + 1);
    p.fill(0);
    p.position(OFFSET).put(a).position(0);
    return p;
  }

  private static long at(FloatPointer p) {
    return p.address() + (long) OFFSET * Float.BYTES;
  }

  private static float[] get(FloatPointer p) {
    float[] a = new float[N];
    p.position(OFFSET).get(a).position(0);
    return a;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    for (int i = 0; i < N; i++) {
      float tol = 2e-6f * Math.max(1f, Math.abs(expected[i]));
      if (Math.abs(expected[i] - actual[i]) > tol) {
        assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
      }
    }
  }
}
