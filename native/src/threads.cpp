// One thread count for the whole process: omp_set_num_threads here acts on
// the libgomp that oneDNN uses too (see cmake/Cnn4jNative.cmake).
#include <omp.h>
#include "jni_names.h"

CNN4J_JNI(void, setNumThreads)(JNIEnv*, jclass, jint n) { omp_set_num_threads(n); }

CNN4J_JNI(jint, maxThreads)(JNIEnv*, jclass) { return omp_get_max_threads(); }
