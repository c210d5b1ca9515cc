// Gathers a batch of uint8 images (by index) from a dataset and writes them as
// float, (x * scale - mean[c]) / std[c] per channel, into the first layer's input.
#include "jni_names.h"

CNN4J_JNI(void, gatherBytesToFloat)(JNIEnv*, jclass, jlong images, jlong indices, jint count,
                                    jlong imageBytes, jint channels, jlong dst, jfloat scale,
                                    jlong mean, jlong invStd) {
  const uint8_t* base = ptr<const uint8_t>(images);
  const int32_t* idx = ptr<const int32_t>(indices);
  float* out = ptr<float>(dst);
  const float* mu = ptr<const float>(mean);
  const float* inv = ptr<const float>(invStd);
#pragma omp parallel for schedule(static)
  for (int b = 0; b < count; ++b) {
    const uint8_t* in = base + static_cast<long>(idx[b]) * imageBytes;
    float* o = out + static_cast<long>(b) * imageBytes;
    if (!mu) {
      for (long i = 0; i < imageBytes; ++i) o[i] = in[i] * scale;
    } else {
      for (long i = 0; i < imageBytes; ++i) {
        const int c = static_cast<int>(i % channels);
        o[i] = (in[i] * scale - mu[c]) * inv[c];
      }
    }
  }
}
