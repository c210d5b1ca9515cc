// Gathers a batch of uint8 NHWC images by index and writes it as float,
// (x * scale - mean[c]) * inv_std[c], optionally shifted (random crop of a
// zero-padded image) and mirrored, straight into a model's input buffer.
#include "isa.h"
#include "jni_names.h"

namespace {

void gather_one(const uint8_t* in, float* out, int h, int w, int c, float scale, const float* mean,
                const float* inv_std, int dy, int dx, bool flip) {
  for (int i = 0; i < h; ++i) {
    const int si = i + dy;
    for (int j = 0; j < w; ++j) {
      const int sj = (flip ? w - 1 - j : j) + dx;
      const bool inside = si >= 0 && si < h && sj >= 0 && sj < w;
      const uint8_t* px = in + (static_cast<long>(si) * w + sj) * c;
      float* o = out + (static_cast<long>(i) * w + j) * c;
      for (int k = 0; k < c; ++k) {
        const float v = inside ? px[k] * scale : 0.f;
        o[k] = mean ? (v - mean[k]) * inv_std[k] : v;
      }
    }
  }
}

CNN4J_KERNEL void convert_impl(const uint8_t* in, float* out, long n, float scale) {
  for (long i = 0; i < n; ++i) out[i] = in[i] * scale;
}
CNN4J_DISPATCH(void, convert, (const uint8_t* in, float* out, long n, float scale), (in, out, n, scale))

}  // namespace

// shifts: 3 int32 per image (dy, dx, flip) or 0 for none. parallel = 0 runs on
// the calling thread only (the prefetch thread must not start a second OpenMP team).
CNN4J_JNI(void, gatherBytesToFloat)(JNIEnv*, jclass, jlong images, jlong indices, jint count, jint height,
                                    jint width, jint channels, jlong dst, jfloat scale, jlong mean, jlong invStd,
                                    jlong shifts, jboolean parallel) {
  const uint8_t* base = ptr<const uint8_t>(images);
  const int32_t* idx = ptr<const int32_t>(indices);
  float* out = ptr<float>(dst);
  const float* mu = ptr<const float>(mean);
  const float* inv = ptr<const float>(invStd);
  const int32_t* sh = ptr<const int32_t>(shifts);
  const long image = static_cast<long>(height) * width * channels;
#pragma omp parallel for schedule(static) if (parallel)
  for (int b = 0; b < count; ++b) {
    const uint8_t* in = base + static_cast<long>(idx[b]) * image;
    float* o = out + static_cast<long>(b) * image;
    if (!mu && !sh) {
      convert(in, o, image, scale);
    } else {
      gather_one(in, o, height, width, channels, scale, mu, inv, sh ? sh[3 * b] : 0, sh ? sh[3 * b + 1] : 0,
                 sh && sh[3 * b + 2]);
    }
  }
}
