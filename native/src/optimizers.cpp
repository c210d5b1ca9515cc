// Optimizer updates over the whole parameter arena in one pass.
#include <cmath>
#include "jni_names.h"
#include "isa.h"
#include "parallel.h"

namespace {

// Keras's Adam on [begin, end): the bias corrections are folded into alpha and
// epsilon is added to sqrt(v) un-corrected ("epsilon hat" of the Adam paper).
CNN4J_KERNEL void adam_range_impl(float* w, const float* g, float* m, float* v, long begin, long end,
                                  float alpha, float beta1, float beta2, float eps) {
  const float c1 = 1.f - beta1, c2 = 1.f - beta2;
#pragma omp simd
  for (long i = begin; i < end; ++i) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * c1;
    const float vi = v[i] + (gi * gi - v[i]) * c2;
    m[i] = mi;
    v[i] = vi;
    w[i] -= alpha * mi / (std::sqrt(vi) + eps);
  }
}

// Keras's SGD on [begin, end): velocity = momentum * velocity - lr * g; w += velocity
// (nesterov: w += momentum * velocity - lr * g).
CNN4J_KERNEL void sgd_range_impl(float* w, const float* g, float* vel, long begin, long end, float lr,
                                 float momentum, bool nesterov) {
#pragma omp simd
  for (long i = begin; i < end; ++i) {
    const float vi = momentum * vel[i] - lr * g[i];
    vel[i] = vi;
    w[i] += nesterov ? momentum * vi - lr * g[i] : vi;
  }
}

// The parallel regions stay outside the ISA variants: GCC outlines an OpenMP
// region before it inlines, so a region inside a variant would run baseline code.
CNN4J_DISPATCH(void, adam_range, (float* w, const float* g, float* m, float* v, long begin, long end, float alpha,
                                  float beta1, float beta2, float eps),
               (w, g, m, v, begin, end, alpha, beta1, beta2, eps))
CNN4J_DISPATCH(void, sgd_range, (float* w, const float* g, float* vel, long begin, long end, float lr,
                                 float momentum, bool nesterov),
               (w, g, vel, begin, end, lr, momentum, nesterov))

}  // namespace

CNN4J_JNI(void, adamStep)(JNIEnv*, jclass, jlong w, jlong g, jlong m, jlong v, jlong n,
                          jfloat alpha, jfloat beta1, jfloat beta2, jfloat eps) {
#pragma omp parallel if (n >= cnn4j::kParallelMin)
  {
    const cnn4j::FlushDenormals flush;
    const cnn4j::Range r = cnn4j::thread_range(n);
    adam_range(ptr<float>(w), ptr<const float>(g), ptr<float>(m), ptr<float>(v), r.begin, r.end, alpha, beta1,
               beta2, eps);
  }
}

CNN4J_JNI(void, sgdStep)(JNIEnv*, jclass, jlong w, jlong g, jlong vel, jlong n,
                         jfloat lr, jfloat momentum, jboolean nesterov) {
#pragma omp parallel if (n >= cnn4j::kParallelMin)
  {
    const cnn4j::FlushDenormals flush;
    const cnn4j::Range r = cnn4j::thread_range(n);
    sgd_range(ptr<float>(w), ptr<const float>(g), ptr<float>(vel), r.begin, r.end, lr, momentum, nesterov);
  }
}
