// BatchNormalization's per-channel vectors: the moving statistics and the
// fold into a convolution. One value per channel, so plain loops on the
// calling thread.
#include <cmath>

#include "jni_names.h"

// The moving statistics, as Keras updates them after each training batch:
// moving = moving * momentum + batch * (1 - momentum).
CNN4J_JNI(void, movingAverage)(JNIEnv*, jclass, jlong moving, jlong batch, jlong n, jfloat momentum) {
  float* m = ptr<float>(moving);
  const float* b = ptr<const float>(batch);
  const float rest = 1.f - momentum;
  for (long i = 0; i < n; ++i) m[i] = m[i] * momentum + b[i] * rest;
}

// BatchNormalization folded into the convolution before it, for inference:
// scale[c] = gamma[c] / sqrt(var[c] + eps) multiplies the kernel's output
// channel c (a oneDNN reorder applies it), and the bias becomes
// (bias[c] - mean[c]) * scale[c] + beta[c]. gamma, beta and bias may be 0
// (absent: 1, 0 and 0).
CNN4J_JNI(void, foldNormalization)(JNIEnv*, jclass, jlong gamma, jlong beta, jlong mean, jlong variance,
                                   jlong bias, jfloat epsilon, jlong n, jlong scaleOut, jlong biasOut) {
  const float* g = gamma ? ptr<const float>(gamma) : nullptr;
  const float* be = beta ? ptr<const float>(beta) : nullptr;
  const float* m = ptr<const float>(mean);
  const float* v = ptr<const float>(variance);
  const float* b = bias ? ptr<const float>(bias) : nullptr;
  float* s = ptr<float>(scaleOut);
  float* out = ptr<float>(biasOut);
  for (long i = 0; i < n; ++i) {
    const float scale = (g ? g[i] : 1.f) / std::sqrt(v[i] + epsilon);
    s[i] = scale;
    out[i] = ((b ? b[i] : 0.f) - m[i]) * scale + (be ? be[i] : 0.f);
  }
}
