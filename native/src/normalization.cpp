// BatchNormalization's moving statistics, as Keras updates them after each
// training batch: moving = moving * momentum + batch * (1 - momentum). One
// value per channel, so a plain loop on the calling thread.
#include "jni_names.h"

CNN4J_JNI(void, movingAverage)(JNIEnv*, jclass, jlong moving, jlong batch, jlong n, jfloat momentum) {
  float* m = ptr<float>(moving);
  const float* b = ptr<const float>(batch);
  const float rest = 1.f - momentum;
  for (long i = 0; i < n; ++i) m[i] = m[i] * momentum + b[i] * rest;
}
