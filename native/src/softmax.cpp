// Softmax backward over the last axis of a row-major {rows, k} tensor, from
// the forward output y: dx = y * (dy - sum_j dy_j y_j), in place allowed
// (dx may be dy). oneDNN has no JIT kernel for it below AVX-512 and falls
// back to its reference one, so on AVX2 servers the Activation layer and
// Conv2D/Dense with a softmax the loss does not absorb use this one.
#include "isa.h"
#include "jni_names.h"
#include "parallel.h"

namespace {

CNN4J_KERNEL void softmax_rows_impl(const float* y, const float* dy, float* dx, long begin, long end, long k) {
  for (long r = begin; r < end; ++r) {
    const float* yr = y + r * k;
    const float* dyr = dy + r * k;
    float* dxr = dx + r * k;
    float dot = 0.f;
#pragma omp simd reduction(+ : dot)
    for (long j = 0; j < k; ++j) dot += dyr[j] * yr[j];
#pragma omp simd
    for (long j = 0; j < k; ++j) dxr[j] = yr[j] * (dyr[j] - dot);
  }
}

CNN4J_DISPATCH(void, softmax_rows, (const float* y, const float* dy, float* dx, long begin, long end, long k),
               (y, dy, dx, begin, end, k))

}  // namespace

CNN4J_JNI(void, softmaxBackward)(JNIEnv*, jclass, jlong dst, jlong diffDst, jlong diffSrc, jlong rows, jint k) {
  // The region outside the ISA variants (see optimizers.cpp); each thread a contiguous block of rows.
#pragma omp parallel if (rows * k >= cnn4j::kParallelMin)
  {
    const long t = omp_get_thread_num(), threads = omp_get_num_threads();
    softmax_rows(ptr<const float>(dst), ptr<const float>(diffDst), ptr<float>(diffSrc), rows * t / threads,
                 rows * (t + 1) / threads, k);
  }
}
