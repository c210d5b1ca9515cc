// JNI entry points of org.cnn4j.kernels.Kernels. Every array crosses as a raw
// native address (jlong) of off-heap memory owned on the Java side, so calls
// cost one JNI transition and no copying or pinning. (The one exception: the
// optimizers' few weight-decay ranges, a small long[] copied per call.)
#pragma once
#include <jni.h>
#include <cstdint>

#define CNN4J_JNI(ret, name) \
  extern "C" JNIEXPORT ret JNICALL Java_org_cnn4j_kernels_Kernels_##name

template <typename T>
inline T* ptr(jlong address) { return reinterpret_cast<T*>(static_cast<intptr_t>(address)); }
