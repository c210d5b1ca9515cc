package org.cnn4j.kernels;

import java.io.File;
import java.io.IOException;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;

/**
 * cnn4j's own native kernels (native/ in the source tree): the few hot steps
 * that oneDNN has no primitive for. Internal API.
 *
 * <p>Every buffer crosses as a native address of off-heap memory owned by the
 * caller. The library is packed in the jar and loaded through JavaCPP's cache
 * after oneDNN, so it binds to the libgomp that oneDNN loaded: one OpenMP
 * runtime and one thread count for both.
 */
public final class Kernels {
  private Kernels() {}

  static {
    Loader.load(dnnl.class);
    String resource = Loader.getPlatform() + "/" + System.mapLibraryName("cnn4jkernels");
    try {
      File file = Loader.cacheResource(Kernels.class, resource);
      if (file == null) {
        throw new UnsatisfiedLinkError("cnn4j native kernels not found on the class path: "
            + "org/cnn4j/kernels/" + resource + " (build with mvn package, which runs CMake)");
      }
      System.load(file.getAbsolutePath());
    } catch (IOException e) {
      throw new UnsatisfiedLinkError("cannot extract cnn4j native kernels " + resource + ": " + e);
    }
  }

  /** Forces the library to load (and fail early with a clear message if it cannot). */
  public static void load() {}

  /**
   * The vector ISA these kernels run with: "avx512", "avx2" or "baseline" (the
   * CPU's widest, capped like oneDNN's by the ONEDNN_MAX_CPU_ISA environment variable).
   */
  public static native String kernelIsa();

  /** Sets the OpenMP thread count that oneDNN and these kernels use from this thread on. */
  public static native void setNumThreads(int threads);

  public static native int maxThreads();

  /** GFLOP/s of {@code iterations} rounds of register-only vector FMAs on every OpenMP thread; 0 without FMA. */
  public static native double peakGflops(long iterations);

  /** Floats per vector that {@link #peakGflops} uses: 16 (AVX-512), 8 (AVX2 with FMA) or 0. */
  public static native int peakVectorFloats();

  /**
   * Keras's Adam over n floats; alpha already holds the bias corrections. Within
   * the [begin, end) float ranges given as pairs in {@code decayRanges} (sorted,
   * disjoint), each weight first decays: w -= w * decay (decay = lr * weight_decay).
   */
  public static native void adamStep(long w, long g, long m, long v, long n,
      float alpha, float beta1, float beta2, float epsilon, float decay, long[] decayRanges);

  /** Keras's SGD with momentum over n floats, with decoupled weight decay as in {@link #adamStep}. */
  public static native void sgdStep(long w, long g, long velocity, long n,
      float lr, float momentum, boolean nesterov, float decay, long[] decayRanges);

  /** Kinds of model output that the cross-entropy kernels accept. */
  public static final int FUSED_SOFTMAX = 0, PROBABILITIES = 1, LOGITS = 2;

  /**
   * Sum over the batch of -sum y log p with one-hot targets y smoothed to
   * y * (1 - smoothing) + smoothing / k (plain -log p[label] for smoothing 0);
   * writes the gradient (divided by n) unless grad is 0.
   */
  public static native double sparseCrossEntropy(long out, long labels, int n, int k, long grad, int kind,
      float smoothing);

  /** Like {@link #sparseCrossEntropy} with dense {n, k} float targets. */
  public static native double categoricalCrossEntropy(long out, long targets, int n, int k, long grad, int kind,
      float smoothing);

  /** Rows whose first maximum is at the label. */
  public static native int countCorrect(long out, long labels, int n, int k);

  /**
   * Softmax backward over the last axis of {rows, k} row-major tensors, from the
   * forward output: diffSrc = dst * (diffDst - sum(diffDst * dst)); diffSrc may be diffDst.
   */
  public static native void softmaxBackward(long dst, long diffDst, long diffSrc, long rows, int k);

  /**
   * Keras's L2 regularizer over {@code count} slices of an arena (offsets and lengths in floats,
   * as native int64 arrays; factors as a native float array): adds 2 * l2 * w to the gradients
   * and returns the penalty, the sum of l2 * sum(w^2).
   */
  public static native double l2Regularize(long weights, long gradients, long offsets, long lengths, long factors,
      int count);

  /** moving[i] = moving[i] * momentum + batch[i] * (1 - momentum) for n floats. */
  public static native void movingAverage(long moving, long batch, long n, float momentum);

  /**
   * BatchNormalization folded into the layer before it, for n channels: scale = gamma / sqrt(variance
   * + epsilon) and foldedBias = (bias - mean) * scale + beta. gamma, beta and bias may be 0 (absent).
   */
  public static native void foldNormalization(long gamma, long beta, long mean, long variance, long bias,
      float epsilon, long n, long scale, long foldedBias);

  /** Masks n floats; element i draws the hash of (seed, first + i), first being its batch's offset. */
  public static native void dropoutForward(long src, long dst, long mask, long n, float rate, long seed, long first);

  public static native void dropoutBackward(long diffDst, long diffSrc, long mask, long n, float rate);

  public static native void maxoutForward(long src, long dst, long argmax, long outer, int channels, int pieces);

  public static native void maxoutBackward(long diffDst, long diffSrc, long argmax, long outer, int channels, int pieces);

  /**
   * Gathers {@code count} uint8 NHWC images by index and writes (x * scale - mean[c]) * invStd[c]
   * as floats to dst. mean and invStd may be 0 for plain scaling; shifts (5 ints per image:
   * dy, dx, flip, cutout row, cutout column) may be 0 for no augmentation. Output pixel (i, j)
   * reads input (i + dy, j' + dx), j' = j or mirrored; outside the image it is 0 or, with
   * {@code nearest}, the nearest border pixel. A square of side {@code cutout} (0: none) around
   * the cutout centre is then set to 0. Without {@code parallel} it runs on the calling thread only.
   */
  public static native void gatherBytesToFloat(long images, long indices, int count, int height, int width,
      int channels, long dst, float scale, long mean, long invStd, long shifts, boolean nearest, int cutout,
      boolean parallel);
}
