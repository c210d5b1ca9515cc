// Optimizer updates over the whole parameter arena in one pass.
#include <cmath>
#include "jni_names.h"
#include "parallel.h"

namespace {

// Keras's Adam: the bias corrections are folded into alpha and epsilon is
// added to sqrt(v) un-corrected ("epsilon hat" of the Adam paper).
CNN4J_VECTOR_CLONES
void adam(float* w, const float* g, float* m, float* v, long n,
          float alpha, float beta1, float beta2, float eps) {
  const float c1 = 1.f - beta1, c2 = 1.f - beta2;
#pragma omp parallel if (n >= cnn4j::kParallelMin)
  {
    const cnn4j::FlushDenormals flush;
    const cnn4j::Range r = cnn4j::thread_range(n);
#pragma omp simd
    for (long i = r.begin; i < r.end; ++i) {
      const float gi = g[i];
      const float mi = m[i] + (gi - m[i]) * c1;
      const float vi = v[i] + (gi * gi - v[i]) * c2;
      m[i] = mi;
      v[i] = vi;
      w[i] -= alpha * mi / (std::sqrt(vi) + eps);
    }
  }
}

// Keras's SGD: velocity = momentum * velocity - lr * g; w += velocity
// (nesterov: w += momentum * velocity - lr * g).
CNN4J_VECTOR_CLONES
void sgd(float* w, const float* g, float* vel, long n, float lr, float momentum, bool nesterov) {
#pragma omp parallel if (n >= cnn4j::kParallelMin)
  {
    const cnn4j::FlushDenormals flush;
    const cnn4j::Range r = cnn4j::thread_range(n);
#pragma omp simd
    for (long i = r.begin; i < r.end; ++i) {
      const float vi = momentum * vel[i] - lr * g[i];
      vel[i] = vi;
      w[i] += nesterov ? momentum * vi - lr * g[i] : vi;
    }
  }
}

}  // namespace

CNN4J_JNI(void, adamStep)(JNIEnv*, jclass, jlong w, jlong g, jlong m, jlong v, jlong n,
                          jfloat alpha, jfloat beta1, jfloat beta2, jfloat eps) {
  adam(ptr<float>(w), ptr<const float>(g), ptr<float>(m), ptr<float>(v), n, alpha, beta1, beta2, eps);
}

CNN4J_JNI(void, sgdStep)(JNIEnv*, jclass, jlong w, jlong g, jlong vel, jlong n,
                         jfloat lr, jfloat momentum, jboolean nesterov) {
  sgd(ptr<float>(w), ptr<const float>(g), ptr<float>(vel), n, lr, momentum, nesterov);
}
