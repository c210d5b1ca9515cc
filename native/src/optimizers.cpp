// Optimizer updates over the whole parameter arena in one pass.
//
// Decoupled weight decay (Keras 3's weight_decay) is folded into the same pass:
// w -= w * decay, with decay = lr * weight_decay, before the optimizer's own
// update, on the parts of the arena the optimizer decays. Those parts arrive as
// a few [begin, end) ranges (whole parameters, computed once per arena on the
// Java side), not as a per-float mask, so the pass reads nothing more; each
// thread walks its share of the arena range by range, passing 0 as the decay
// outside them (w - w * 0 is w exactly).
#include <cmath>
#include <vector>
#include "jni_names.h"
#include "isa.h"
#include "parallel.h"

namespace {

// Keras's Adam on [begin, end): the bias corrections are folded into alpha and
// epsilon is added to sqrt(v) un-corrected ("epsilon hat" of the Adam paper).
CNN4J_KERNEL void adam_range_impl(float* w, const float* g, float* m, float* v, long begin, long end,
                                  float alpha, float beta1, float beta2, float eps, float decay) {
  const float c1 = 1.f - beta1, c2 = 1.f - beta2;
#pragma omp simd
  for (long i = begin; i < end; ++i) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * c1;
    const float vi = v[i] + (gi * gi - v[i]) * c2;
    m[i] = mi;
    v[i] = vi;
    const float wi = w[i] - w[i] * decay;
    w[i] = wi - alpha * mi / (std::sqrt(vi) + eps);
  }
}

// Keras's SGD on [begin, end): velocity = momentum * velocity - lr * g; w += velocity
// (nesterov: w += momentum * velocity - lr * g).
CNN4J_KERNEL void sgd_range_impl(float* w, const float* g, float* vel, long begin, long end, float lr,
                                 float momentum, bool nesterov, float decay) {
#pragma omp simd
  for (long i = begin; i < end; ++i) {
    const float vi = momentum * vel[i] - lr * g[i];
    vel[i] = vi;
    const float wi = w[i] - w[i] * decay;
    w[i] = wi + (nesterov ? momentum * vi - lr * g[i] : vi);
  }
}

// The parallel regions stay outside the ISA variants: GCC outlines an OpenMP
// region before it inlines, so a region inside a variant would run baseline code.
CNN4J_DISPATCH(void, adam_range, (float* w, const float* g, float* m, float* v, long begin, long end, float alpha,
                                  float beta1, float beta2, float eps, float decay),
               (w, g, m, v, begin, end, alpha, beta1, beta2, eps, decay))
CNN4J_DISPATCH(void, sgd_range, (float* w, const float* g, float* vel, long begin, long end, float lr,
                                 float momentum, bool nesterov, float decay),
               (w, g, vel, begin, end, lr, momentum, nesterov, decay))

// The decayed ranges of the arena, copied out of a Java long[] of (begin, end) pairs.
class DecayRanges {
 public:
  DecayRanges(JNIEnv* env, jlongArray pairs, float decay) {
    const jsize n = decay != 0.f && pairs ? env->GetArrayLength(pairs) : 0;
    count_ = n / 2;
    if (n > kInline) heap_.resize(n);
    data_ = n > kInline ? heap_.data() : inline_;
    if (n > 0) env->GetLongArrayRegion(pairs, 0, n, reinterpret_cast<jlong*>(data_));
  }

  // Calls f(a, b, d) over [begin, end) piece by piece: d = decay inside a range, 0 outside.
  template <typename F>
  void walk(long begin, long end, float decay, F f) const {
    long at = begin;
    for (long r = 0; r < count_ && at < end; ++r) {
      const long a = std::max<long>(data_[2 * r], at), b = std::min<long>(data_[2 * r + 1], end);
      if (a >= b) continue;
      if (at < a) f(at, a, 0.f);
      f(a, b, decay);
      at = b;
    }
    if (at < end) f(at, end, 0.f);
  }

 private:
  static constexpr jsize kInline = 512;
  int64_t inline_[kInline];
  std::vector<int64_t> heap_;
  int64_t* data_;
  long count_;
};

}  // namespace

CNN4J_JNI(void, adamStep)(JNIEnv* env, jclass, jlong w, jlong g, jlong m, jlong v, jlong n, jfloat alpha,
                          jfloat beta1, jfloat beta2, jfloat eps, jfloat decay, jlongArray ranges) {
  const DecayRanges decayed(env, ranges, decay);
#pragma omp parallel if (n >= cnn4j::kParallelMin)
  {
    const cnn4j::FlushDenormals flush;
    const cnn4j::Range r = cnn4j::thread_range(n);
    decayed.walk(r.begin, r.end, decay, [&](long a, long b, float d) {
      adam_range(ptr<float>(w), ptr<const float>(g), ptr<float>(m), ptr<float>(v), a, b, alpha, beta1, beta2, eps,
                 d);
    });
  }
}

CNN4J_JNI(void, sgdStep)(JNIEnv* env, jclass, jlong w, jlong g, jlong vel, jlong n, jfloat lr, jfloat momentum,
                         jboolean nesterov, jfloat decay, jlongArray ranges) {
  const DecayRanges decayed(env, ranges, decay);
#pragma omp parallel if (n >= cnn4j::kParallelMin)
  {
    const cnn4j::FlushDenormals flush;
    const cnn4j::Range r = cnn4j::thread_range(n);
    decayed.walk(r.begin, r.end, decay, [&](long a, long b, float d) {
      sgd_range(ptr<float>(w), ptr<const float>(g), ptr<float>(vel), a, b, lr, momentum, nesterov, d);
    });
  }
}
