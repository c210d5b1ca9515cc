// The machine's FP32 peak as this process sees it: every thread runs
// independent chains of vector fused multiply-adds on registers only, so
// nothing but the FMA units limits the rate. Benchmarks quote their GFLOP/s
// as a fraction of this figure, measured on the same machine and thread count.
#include <immintrin.h>
#include <omp.h>
#include <chrono>
#include "isa.h"
#include "jni_names.h"

namespace {

// More independent chains than FMA latency times FMA ports on current x86
// cores (4 cycles x 2 ports), so the units never wait for a result.
constexpr int kChains = 12;

// One function per ISA, written with intrinsics on purpose: a single template
// over GCC vector-extension types compiled to only 10 FMAs per round under
// GCC 12 (two chains left the loop), which would overstate the peak by 20%.
// Check `objdump -d` for 12 vfmadd in each loop after changing these.

__attribute__((target("avx512f"))) float chains_avx512(long iterations) {
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(static_cast<float>(c));
  const __m512 a = _mm512_set1_ps(0.99999994f), b = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < iterations; ++i) {
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  }
  __m512 sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum = _mm512_add_ps(sum, acc[c]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);
  float s = 0;
  for (float l : lanes) s += l;
  return s;
}

__attribute__((target("avx2,fma"))) float chains_avx2(long iterations) {
  __m256 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(static_cast<float>(c));
  const __m256 a = _mm256_set1_ps(0.99999994f), b = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iterations; ++i) {
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  }
  __m256 sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum = _mm256_add_ps(sum, acc[c]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  float s = 0;
  for (float l : lanes) s += l;
  return s;
}

// Floats per vector of the widest FMA the kernels dispatch to (the CPU's,
// capped by ONEDNN_MAX_CPU_ISA); 0 when that has none.
int vector_floats() {
  switch (cnn4j::isa()) {
    case cnn4j::kAvx512: return 16;
    case cnn4j::kAvx2: return 8;
    default: return 0;
  }
}

// Keeps the compiler from dropping the chains as dead code.
volatile float g_sink;

}  // namespace

// Floats per FMA vector used by peakGflops (16 AVX-512, 8 AVX2), 0 if no FMA.
CNN4J_JNI(jint, peakVectorFloats)(JNIEnv*, jclass) { return vector_floats(); }

// GFLOP/s of `iterations` rounds of kChains vector FMAs on every OpenMP
// thread at once; 0 when the CPU has no FMA.
CNN4J_JNI(jdouble, peakGflops)(JNIEnv*, jclass, jlong iterations) {
  const int width = vector_floats();
  if (width == 0 || iterations <= 0) return 0;
  int threads = 1;
  const auto start = std::chrono::steady_clock::now();
#pragma omp parallel
  {
#pragma omp single
    threads = omp_get_num_threads();
    g_sink = width == 16 ? chains_avx512(iterations) : chains_avx2(iterations);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double flops = 2.0 * width * kChains * static_cast<double>(iterations) * threads;
  return flops / seconds / 1e9;
}
