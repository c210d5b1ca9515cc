// The ISA cnn4j's kernels dispatch to (see isa.h) and the JNI call that reports it.
#include "isa.h"

#include <cctype>
#include <cstdlib>
#include <string>
#include "jni_names.h"

namespace cnn4j {
namespace {

Isa cpu_isa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    return kAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return kAvx2;
  return kBaseline;
}

// oneDNN's cap names (SSE41, AVX, AVX2, AVX2_VNNI, AVX512_CORE, AVX512_CORE_AMX,
// AVX10_1_512, ...; DEFAULT or ALL for none) mapped to our three variants.
Isa cap_from_env() {
  const char* value = std::getenv("ONEDNN_MAX_CPU_ISA");
  if (!value || !*value) value = std::getenv("DNNL_MAX_CPU_ISA");  // oneDNN's older name
  if (!value || !*value) return kAvx512;
  std::string cap(value);
  for (char& c : cap) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (cap == "ALL" || cap == "DEFAULT" || cap.rfind("AVX512", 0) == 0 || cap.rfind("AVX10", 0) == 0) {
    return kAvx512;
  }
  if (cap.rfind("AVX2", 0) == 0) return kAvx2;
  return kBaseline;  // SSE41, AVX
}

}  // namespace

Isa isa() {
  static const Isa chosen = [] {
    const Isa cpu = cpu_isa(), cap = cap_from_env();
    return cpu < cap ? cpu : cap;
  }();
  return chosen;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case kAvx512: return "avx512";
    case kAvx2: return "avx2";
    default: return "baseline";
  }
}

}  // namespace cnn4j

CNN4J_JNI(jstring, kernelIsa)(JNIEnv* env, jclass) {
  return env->NewStringUTF(cnn4j::isa_name(cnn4j::isa()));
}
