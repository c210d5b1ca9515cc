// Which vector ISA cnn4j's own kernels run with.
//
// Each vectorised kernel is compiled three times (AVX-512, AVX2 with FMA, and
// baseline x86-64) and one variant is chosen once per process: the widest the
// CPU has, capped by the same environment variable that caps oneDNN's
// dispatch (ONEDNN_MAX_CPU_ISA, e.g. AVX2), so that one machine can run the
// code paths of a smaller one. GCC's target_clones cannot be capped that way:
// its resolver looks at the CPU alone.
#pragma once

namespace cnn4j {

enum Isa : int { kBaseline = 0, kAvx2 = 1, kAvx512 = 2 };

// The ISA the kernels dispatch to: min(what the CPU has, the cap).
Isa isa();

// "avx512", "avx2" or "baseline".
const char* isa_name(Isa isa);

}  // namespace cnn4j

// Function attributes of the two vector variants.
#define CNN4J_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define CNN4J_TARGET_AVX2 __attribute__((target("avx2,fma")))

// A kernel body, inlined into each variant and compiled for that variant's ISA
// (OpenMP regions inside it are outlined with the variant's target too).
#define CNN4J_KERNEL static inline __attribute__((always_inline))

// Defines `static ret name params`, which runs name##_impl args compiled for cnn4j::isa().
#define CNN4J_DISPATCH(ret, name, params, args)                          \
  CNN4J_TARGET_AVX512 static ret name##_avx512 params { return name##_impl args; } \
  CNN4J_TARGET_AVX2 static ret name##_avx2 params { return name##_impl args; }     \
  static ret name##_baseline params { return name##_impl args; }                   \
  static ret name params {                                                         \
    switch (cnn4j::isa()) {                                                        \
      case cnn4j::kAvx512: return name##_avx512 args;                              \
      case cnn4j::kAvx2: return name##_avx2 args;                                  \
      default: return name##_baseline args;                                        \
    }                                                                              \
  }
