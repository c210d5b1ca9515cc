// Cross-entropy value and gradient in one pass over a {n, k} row-major batch.
//
// `kind` says what the model produced:
//   0  probabilities from a softmax the loss fuses with: gradient w.r.t. the logits, (p - y) / n
//   1  probabilities from anything else: gradient w.r.t. the probabilities, -y / (p n)
//   2  logits (from_logits=true): softmax here, gradient w.r.t. the logits
// Keras clips probabilities to [1e-7, 1 - 1e-7] before the log; so do we.
//
// Label smoothing ls (Keras's label_smoothing) replaces each target row y by
// y * (1 - ls) + ls / k before the loss and its gradient; the fused-softmax
// gradient stays p - y' because the smoothed row still sums to 1.
#include <cmath>
#include <algorithm>
#include <vector>
#include "jni_names.h"

namespace {

constexpr float kClip = 1e-7f;

// Row i's target distribution: one-hot from an int label, or a given row, smoothed.
struct Targets {
  const int32_t* labels;
  const float* dense;
  int k;
  float smoothing;
  float at(int i, int j) const {
    const float y = labels ? (labels[i] == j ? 1.f : 0.f) : dense[static_cast<long>(i) * k + j];
    return smoothing == 0.f ? y : y * (1.f - smoothing) + smoothing / static_cast<float>(k);
  }
};

double cross_entropy(const float* out, Targets y, int n, int k, float* grad, int kind) {
  double total = 0;
  const float inv_n = 1.f / static_cast<float>(n);
  std::vector<float> p(k);
  for (int i = 0; i < n; ++i) {
    const float* row = out + static_cast<long>(i) * k;
    if (kind == 2) {
      const float mx = *std::max_element(row, row + k);
      float sum = 0;
      for (int j = 0; j < k; ++j) sum += (p[j] = std::exp(row[j] - mx));
      for (int j = 0; j < k; ++j) p[j] /= sum;
    } else {
      std::copy(row, row + k, p.begin());
    }
    double loss = 0;
    for (int j = 0; j < k; ++j) {
      const float t = y.at(i, j);
      if (t != 0.f) loss -= t * std::log(std::clamp(p[j], kClip, 1.f - kClip));
    }
    total += loss;
    if (!grad) continue;
    float* g = grad + static_cast<long>(i) * k;
    for (int j = 0; j < k; ++j) {
      const float t = y.at(i, j);
      if (kind == 1) {
        const bool clipped = p[j] < kClip || p[j] > 1.f - kClip;
        g[j] = clipped ? 0.f : -t / (p[j] * n);
      } else {
        g[j] = (p[j] - t) * inv_n;
      }
    }
  }
  return total;
}

}  // namespace

CNN4J_JNI(jdouble, sparseCrossEntropy)(JNIEnv*, jclass, jlong out, jlong labels, jint n, jint k,
                                       jlong grad, jint kind, jfloat smoothing) {
  return cross_entropy(ptr<const float>(out), Targets{ptr<const int32_t>(labels), nullptr, k, smoothing}, n, k,
                       ptr<float>(grad), kind);
}

CNN4J_JNI(jdouble, categoricalCrossEntropy)(JNIEnv*, jclass, jlong out, jlong targets, jint n, jint k,
                                            jlong grad, jint kind, jfloat smoothing) {
  return cross_entropy(ptr<const float>(out), Targets{nullptr, ptr<const float>(targets), k, smoothing}, n, k,
                       ptr<float>(grad), kind);
}

// Rows whose first maximum sits at the label (Keras's sparse_categorical_accuracy).
CNN4J_JNI(jint, countCorrect)(JNIEnv*, jclass, jlong out, jlong labels, jint n, jint k) {
  const float* o = ptr<const float>(out);
  const int32_t* y = ptr<const int32_t>(labels);
  int correct = 0;
  for (int i = 0; i < n; ++i) {
    const float* row = o + static_cast<long>(i) * k;
    correct += (std::max_element(row, row + k) - row) == y[i];
  }
  return correct;
}
