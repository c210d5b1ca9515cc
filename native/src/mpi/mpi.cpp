// cnn4jmpi: the few MPI calls of org.cnn4j.distributed.Mpi. A library of its
// own, built only when CMake finds MPI, so that cnn4jkernels (and the jar)
// never need MPI installed. Every buffer crosses as a native address of
// off-heap memory owned on the Java side; counts are split into chunks that
// fit MPI's int counts.
#include <jni.h>
#include <mpi.h>
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#define CNN4J_MPI(ret, name) \
  extern "C" JNIEXPORT ret JNICALL Java_org_cnn4j_distributed_Mpi_##name

namespace {

template <typename T>
T* ptr(jlong address) { return reinterpret_cast<T*>(static_cast<intptr_t>(address)); }

constexpr long kChunk = INT_MAX / 8;  // elements per call, well inside an int

void fail(JNIEnv* env, const char* what, int code) {
  char text[MPI_MAX_ERROR_STRING + 1] = {0};
  int len = 0;
  MPI_Error_string(code, text, &len);
  std::string message = std::string(what) + " failed: " + text;
  env->ThrowNew(env->FindClass("java/lang/IllegalStateException"), message.c_str());
}

}  // namespace

// Initialises MPI once per process; returns {rank, size, thread level}.
CNN4J_MPI(jintArray, init)(JNIEnv* env, jclass) {
  // The JVM handles SIGSEGV, SIGBUS and SIGFPE itself (null checks, safepoints);
  // Open MPI's stack-trace handlers must not replace its handlers. A value the
  // user set wins.
  setenv("OMPI_MCA_opal_signal", "", 0);
  int initialised = 0;
  MPI_Initialized(&initialised);
  int provided = MPI_THREAD_SINGLE;
  if (!initialised) {
    // The watchdog thread may call MPI_Abort while the training thread waits in
    // a collective: ask for full thread support.
    int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided);
    if (rc != MPI_SUCCESS) {
      fail(env, "MPI_Init_thread", rc);
      return nullptr;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  } else {
    MPI_Query_thread(&provided);
  }
  jint out[3] = {0, 1, provided};
  MPI_Comm_rank(MPI_COMM_WORLD, &out[0]);
  MPI_Comm_size(MPI_COMM_WORLD, &out[1]);
  jintArray result = env->NewIntArray(3);
  env->SetIntArrayRegion(result, 0, 3, out);
  return result;
}

// Multiplies n floats by scale (0 clears them, stale NaNs included), then sums
// them over every rank in place. Allreduce gives every rank the same bits for
// a given process count (each chunk is reduced once, then distributed);
// the per-epoch weight hash checks that it stays so.
CNN4J_MPI(void, allreduceFloats)(JNIEnv* env, jclass, jlong address, jlong n, jfloat scale) {
  float* x = ptr<float>(address);
  if (scale == 0.f) {
    std::memset(x, 0, sizeof(float) * static_cast<size_t>(n));
  } else if (scale != 1.f) {
    for (long i = 0; i < n; ++i) x[i] *= scale;
  }
  for (long at = 0; at < n; at += kChunk) {
    int count = static_cast<int>(std::min(kChunk, n - at));
    int rc = MPI_Allreduce(MPI_IN_PLACE, x + at, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return fail(env, "MPI_Allreduce of the gradients", rc);
  }
}

// Sums a few doubles over every rank in place (loss, counts).
CNN4J_MPI(void, allreduceDoubles)(JNIEnv* env, jclass, jdoubleArray values) {
  jsize n = env->GetArrayLength(values);
  double buffer[64];
  if (n > 64) {
    env->ThrowNew(env->FindClass("java/lang/IllegalArgumentException"), "at most 64 doubles per call");
    return;
  }
  env->GetDoubleArrayRegion(values, 0, n, buffer);
  int rc = MPI_Allreduce(MPI_IN_PLACE, buffer, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return fail(env, "MPI_Allreduce", rc);
  env->SetDoubleArrayRegion(values, 0, n, buffer);
}

// Every rank's values, rank by rank: size * values.length longs.
CNN4J_MPI(jlongArray, allgatherLongs)(JNIEnv* env, jclass, jlongArray values) {
  jsize n = env->GetArrayLength(values);
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  jlong* mine = env->GetLongArrayElements(values, nullptr);
  jlongArray result = env->NewLongArray(n * size);
  jlong* all = env->GetLongArrayElements(result, nullptr);
  int rc = MPI_Allgather(mine, n, MPI_INT64_T, all, n, MPI_INT64_T, MPI_COMM_WORLD);
  env->ReleaseLongArrayElements(values, mine, JNI_ABORT);
  env->ReleaseLongArrayElements(result, all, 0);
  if (rc != MPI_SUCCESS) {
    fail(env, "MPI_Allgather", rc);
    return nullptr;
  }
  return result;
}

// Copies bytes from rank root's buffer into every other rank's.
CNN4J_MPI(void, broadcast)(JNIEnv* env, jclass, jlong address, jlong bytes, jint root) {
  char* x = ptr<char>(address);
  for (long at = 0; at < bytes; at += kChunk) {
    int count = static_cast<int>(std::min(kChunk, bytes - at));
    int rc = MPI_Bcast(x + at, count, MPI_BYTE, root, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return fail(env, "MPI_Bcast", rc);
  }
}

// Rank root's longs, in place on every rank.
CNN4J_MPI(void, broadcastLongs)(JNIEnv* env, jclass, jlongArray values, jint root) {
  jlong* x = env->GetLongArrayElements(values, nullptr);
  int rc = MPI_Bcast(x, env->GetArrayLength(values), MPI_INT64_T, root, MPI_COMM_WORLD);
  env->ReleaseLongArrayElements(values, x, 0);
  if (rc != MPI_SUCCESS) fail(env, "MPI_Bcast", rc);
}

// Rank root's bytes, in place on every rank (arrays of equal length).
CNN4J_MPI(void, broadcastBytes)(JNIEnv* env, jclass, jbyteArray values, jint root) {
  jbyte* x = env->GetByteArrayElements(values, nullptr);
  int rc = MPI_Bcast(x, env->GetArrayLength(values), MPI_BYTE, root, MPI_COMM_WORLD);
  env->ReleaseByteArrayElements(values, x, 0);
  if (rc != MPI_SUCCESS) fail(env, "MPI_Bcast", rc);
}

// 64-bit FNV-1a over 8-byte words: a cheap fingerprint of the weights, equal
// on two ranks exactly when (barring collisions) their bytes are.
CNN4J_MPI(jlong, hash)(JNIEnv*, jclass, jlong address, jlong bytes) {
  const unsigned char* p = ptr<const unsigned char>(address);
  uint64_t h = 0xcbf29ce484222325ULL;
  long words = bytes / 8;
  for (long i = 0; i < words; ++i) {
    uint64_t w;
    std::memcpy(&w, p + 8 * i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  for (long i = 8 * words; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return static_cast<jlong>(h);
}

// Ends every process of the job (mpirun kills the others); does not return.
CNN4J_MPI(void, abort)(JNIEnv*, jclass, jint code) { MPI_Abort(MPI_COMM_WORLD, code); }

CNN4J_MPI(void, finish)(JNIEnv*, jclass) {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}
