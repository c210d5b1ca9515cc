// Inverted dropout: kept units are scaled by 1 / (1 - rate) while training so
// that inference is the identity. The mask is a counter-based hash of
// (seed, element index): reproducible for a seed, independent of the thread
// count, and free of any shared RNG state between threads.
#include <algorithm>
#include "isa.h"
#include "jni_names.h"
#include "parallel.h"

namespace {

inline uint64_t mix64(uint64_t z) {  // splitmix64 finaliser, once per call for the seed
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A 32-bit integer hash with good avalanche: 32-bit multiplies keep the
// per-element loop in vector registers (a 64-bit hash did not vectorise and
// cost 15x more).
inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Draws the mask, then applies it, a cache-sized chunk at a time: two simple
// loops vectorise where one mixed u8/f32 loop stayed scalar.
CNN4J_KERNEL void forward_chunk_impl(const float* x, float* y, uint8_t* keep, uint32_t len, uint32_t first,
                                     float scale, uint32_t threshold, uint32_t salt) {
  for (uint32_t j = 0; j < len; ++j) keep[j] = mix32((first + j) ^ salt) >= threshold;
  // Arithmetic, not a branch: a random mask would mispredict half the time.
  for (uint32_t j = 0; j < len; ++j) y[j] = x[j] * (scale * static_cast<float>(keep[j]));
}

CNN4J_DISPATCH(void, forward_chunk, (const float* x, float* y, uint8_t* keep, uint32_t len, uint32_t first,
                                     float scale, uint32_t threshold, uint32_t salt),
               (x, y, keep, len, first, scale, threshold, salt))

void forward(const float* x, float* y, uint8_t* keep, long n, float scale, uint32_t threshold, uint32_t salt,
             uint32_t offset) {
  constexpr long kChunk = 4096;
#pragma omp parallel for schedule(static)
  for (long c = 0; c < n; c += kChunk) {
    const uint32_t len = static_cast<uint32_t>(std::min(kChunk, n - c));
    forward_chunk(x + c, y + c, keep + c, len, static_cast<uint32_t>(c) + offset, scale, threshold, salt);
  }
}

}  // namespace

// Writes dst = src * keep * scale and keep (0/1 bytes) into mask.
// Element i of the batch draws the hash of (seed, first + i): data-parallel
// processes pass the offset of their slice, so they draw what one process with
// the global batch would (the index wraps at 2^32 the same way in both).
CNN4J_JNI(void, dropoutForward)(JNIEnv*, jclass, jlong src, jlong dst, jlong mask, jlong n,
                                jfloat rate, jlong seed, jlong first) {
  const float* x = ptr<const float>(src);
  float* y = ptr<float>(dst);
  uint8_t* keep = ptr<uint8_t>(mask);
  const float scale = 1.f / (1.f - rate);
  // Keep when a 32-bit uniform draw is at or above rate * 2^32.
  const uint32_t threshold = static_cast<uint32_t>(static_cast<double>(rate) * 4294967296.0);
  const uint64_t s = mix64(static_cast<uint64_t>(seed));
  const uint32_t salt = static_cast<uint32_t>(s);
  const uint32_t offset = static_cast<uint32_t>(s >> 32) + static_cast<uint32_t>(first);
  forward(x, y, keep, n, scale, threshold, salt, offset);
}

CNN4J_KERNEL void backward_range_impl(const float* dy, float* dx, const uint8_t* keep, long begin, long end,
                                      float scale) {
#pragma omp simd
  for (long i = begin; i < end; ++i) dx[i] = dy[i] * (scale * static_cast<float>(keep[i]));
}

CNN4J_DISPATCH(void, backward_range, (const float* dy, float* dx, const uint8_t* keep, long begin, long end,
                                      float scale),
               (dy, dx, keep, begin, end, scale))

CNN4J_JNI(void, dropoutBackward)(JNIEnv*, jclass, jlong diffDst, jlong diffSrc, jlong mask, jlong n,
                                 jfloat rate) {
  const float* dy = ptr<const float>(diffDst);
  float* dx = ptr<float>(diffSrc);
  const uint8_t* keep = ptr<const uint8_t>(mask);
  const float scale = 1.f / (1.f - rate);
#pragma omp parallel if (n >= cnn4j::kParallelMin)
  {
    const cnn4j::Range r = cnn4j::thread_range(n);
    backward_range(dy, dx, keep, r.begin, r.end, scale);
  }
}
