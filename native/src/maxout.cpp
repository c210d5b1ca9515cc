// Maxout over the channel axis of a channels-last tensor {outer, channels}:
// output channel j is the maximum of input channels j*pieces .. j*pieces+pieces-1.
// oneDNN has no such primitive; the winning piece is kept for the backward pass.
#include "jni_names.h"

CNN4J_JNI(void, maxoutForward)(JNIEnv*, jclass, jlong src, jlong dst, jlong argmax, jlong outer,
                               jint channels, jint pieces) {
  const float* x = ptr<const float>(src);
  float* y = ptr<float>(dst);
  uint8_t* arg = ptr<uint8_t>(argmax);
  const int units = channels / pieces;
#pragma omp parallel for schedule(static)
  for (long r = 0; r < outer; ++r) {
    for (int j = 0; j < units; ++j) {
      const float* in = x + r * channels + static_cast<long>(j) * pieces;
      int best = 0;
      for (int p = 1; p < pieces; ++p) best = in[p] > in[best] ? p : best;
      y[r * units + j] = in[best];
      arg[r * units + j] = static_cast<uint8_t>(best);
    }
  }
}

CNN4J_JNI(void, maxoutBackward)(JNIEnv*, jclass, jlong diffDst, jlong diffSrc, jlong argmax, jlong outer,
                                jint channels, jint pieces) {
  const float* dy = ptr<const float>(diffDst);
  float* dx = ptr<float>(diffSrc);
  const uint8_t* arg = ptr<const uint8_t>(argmax);
  const int units = channels / pieces;
#pragma omp parallel for schedule(static)
  for (long r = 0; r < outer; ++r) {
    for (int j = 0; j < units; ++j) {
      float* out = dx + r * channels + static_cast<long>(j) * pieces;
      for (int p = 0; p < pieces; ++p) out[p] = 0.f;
      out[arg[r * units + j]] = dy[r * units + j];
    }
  }
}
