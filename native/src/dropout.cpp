// Inverted dropout: kept units are scaled by 1 / (1 - rate) while training so
// that inference is the identity. The mask is a counter-based hash of
// (seed, element index): reproducible for a seed, independent of the thread
// count, and free of any shared RNG state between threads.
#include "jni_names.h"

namespace {

inline uint64_t mix(uint64_t z) {  // splitmix64 finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

// Writes dst = src * keep * scale and keep (0/1 bytes) into mask.
CNN4J_JNI(void, dropoutForward)(JNIEnv*, jclass, jlong src, jlong dst, jlong mask, jlong n,
                                jfloat rate, jlong seed) {
  const float* x = ptr<const float>(src);
  float* y = ptr<float>(dst);
  uint8_t* keep = ptr<uint8_t>(mask);
  const float scale = 1.f / (1.f - rate);
  // Keep when a 24-bit uniform draw is at or above rate.
  const uint32_t threshold = static_cast<uint32_t>(static_cast<double>(rate) * (1u << 24));
  const uint64_t base = mix(static_cast<uint64_t>(seed));
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    const uint8_t k = static_cast<uint32_t>(mix(base + static_cast<uint64_t>(i)) >> 40) >= threshold;
    keep[i] = k;
    y[i] = k ? x[i] * scale : 0.f;
  }
}

CNN4J_JNI(void, dropoutBackward)(JNIEnv*, jclass, jlong diffDst, jlong diffSrc, jlong mask, jlong n,
                                 jfloat rate) {
  const float* dy = ptr<const float>(diffDst);
  float* dx = ptr<float>(diffSrc);
  const uint8_t* keep = ptr<const uint8_t>(mask);
  const float scale = 1.f / (1.f - rate);
#pragma omp parallel for simd schedule(static)
  for (long i = 0; i < n; ++i) dx[i] = keep[i] ? dy[i] * scale : 0.f;
}
