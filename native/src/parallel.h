// Splitting an element-wise loop between OpenMP threads.
//
// `omp for schedule(static)` cuts [0, n) at n / threads, which for most n is
// not a multiple of a cache line: every 64-byte vector load of that thread's
// part then spans two lines. On the Adam update over the reference model's
// 1,060,144 parameters the misaligned half took twice as long as the aligned
// one (245 us against 113 us for the whole update, cache-hot, 2 threads).
#pragma once
#include <omp.h>
#include <xmmintrin.h>
#include <algorithm>

namespace cnn4j {

// Floats per 64-byte cache line: every range but the last starts and ends on one.
constexpr long kLineFloats = 16;

struct Range {
  long begin;
  long end;
};

// The calling thread's share of [0, n) inside a parallel region: contiguous,
// balanced to a cache line, aligned where the arrays are (oneDNN and the
// parameter arena allocate on 64-byte boundaries).
inline Range thread_range(long n) {
  const long lines = (n + kLineFloats - 1) / kLineFloats;
  const long t = omp_get_thread_num(), threads = omp_get_num_threads();
  const long first = lines * t / threads, last = lines * (t + 1) / threads;
  return {std::min(n, first * kLineFloats), std::min(n, last * kLineFloats)};
}

// Below this many elements a parallel region costs more than it saves.
constexpr long kParallelMin = 1 << 14;

// Flushes denormal inputs and results to zero on this thread for its lifetime
// (MXCSR DAZ and FTZ), then restores the caller's mode: the JVM's threads must
// keep Java's gradual underflow. Adam's second moment decays towards the
// denormal range for parameters with tiny gradients, and denormal arithmetic
// tripled the update's time (113 us -> 313 us when a third of the gradients
// were 1e-21). TensorFlow's CPU threads run with the same flags, so Keras's
// Adam flushes these values too.
class FlushDenormals {
 public:
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kDaz | kFtz); }
  ~FlushDenormals() { _mm_setcsr(saved_); }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  static constexpr unsigned kDaz = 0x0040, kFtz = 0x8000;
  unsigned saved_;
};

}  // namespace cnn4j
