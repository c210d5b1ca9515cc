// Keras's L2 regularizer over the regularized slices of the parameter arena, in
// one pass: the penalty l2 * sum(w^2) for the loss, and its gradient 2 * l2 * w
// added to the gradient before the optimizer step.
#include "isa.h"
#include "jni_names.h"
#include "parallel.h"

namespace {

CNN4J_KERNEL double l2_range_impl(const float* w, float* g, long begin, long end, float l2) {
  const float twice = 2.f * l2;
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (long i = begin; i < end; ++i) {
    sum += static_cast<double>(w[i]) * w[i];
    g[i] += twice * w[i];
  }
  return sum * l2;
}

CNN4J_DISPATCH(double, l2_range, (const float* w, float* g, long begin, long end, float l2), (w, g, begin, end, l2))

}  // namespace

// Each thread sums its share of every slice; the shares are added in thread
// order, so the penalty is the same on every run with the same thread count.
CNN4J_JNI(jdouble, l2Regularize)(JNIEnv*, jclass, jlong weights, jlong gradients, jlong offsets, jlong lengths,
                                 jlong factors, jint count) {
  const float* w = ptr<const float>(weights);
  float* g = ptr<float>(gradients);
  const long* off = ptr<const long>(offsets);
  const long* len = ptr<const long>(lengths);
  const float* l2 = ptr<const float>(factors);
  double partial[256] = {0};
#pragma omp parallel num_threads(std::min(omp_get_max_threads(), 256))
  {
    const int t = omp_get_thread_num();
    for (int s = 0; s < count; ++s) {
      const cnn4j::Range r = cnn4j::thread_range(len[s]);
      partial[t] += l2_range(w + off[s], g + off[s], r.begin, r.end, l2[s]);
    }
  }
  double sum = 0;
  for (double p : partial) sum += p;
  return sum;
}
