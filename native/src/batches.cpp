// Gathers a batch of uint8 NHWC images by index and writes it as float,
// (x * scale - mean[c]) * inv_std[c], optionally augmented, straight into a
// model's input buffer. Augmentation per image (its draws come from Java):
// a shift (a random crop of a zero-padded image, or Keras's shift with
// constant or nearest fill), a horizontal mirror, and Cutout (a square set to
// 0 after the conversion, clipped at the borders).
#include <algorithm>
#include "isa.h"
#include "jni_names.h"

namespace {

constexpr int kDraws = 5;  // dy, dx, flip, cutout row, cutout column

void gather_one(const uint8_t* in, float* out, int h, int w, int c, float scale, const float* mean,
                const float* inv_std, int dy, int dx, bool flip, bool nearest) {
  for (int i = 0; i < h; ++i) {
    int si = i + dy;
    if (nearest) si = std::clamp(si, 0, h - 1);
    for (int j = 0; j < w; ++j) {
      int sj = (flip ? w - 1 - j : j) + dx;
      if (nearest) sj = std::clamp(sj, 0, w - 1);
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

// Rows and columns [centre - size/2, centre - size/2 + size), clipped, set to 0.
void cut_out(float* out, int h, int w, int c, int size, int cy, int cx) {
  const int top = std::max(cy - size / 2, 0), bottom = std::min(cy - size / 2 + size, h);
  const int left = std::max(cx - size / 2, 0), right = std::min(cx - size / 2 + size, w);
  for (int i = top; i < bottom; ++i) {
    std::fill(out + (static_cast<long>(i) * w + left) * c, out + (static_cast<long>(i) * w + right) * c, 0.f);
  }
}

CNN4J_KERNEL void convert_impl(const uint8_t* in, float* out, long n, float scale) {
  for (long i = 0; i < n; ++i) out[i] = in[i] * scale;
}
CNN4J_DISPATCH(void, convert, (const uint8_t* in, float* out, long n, float scale), (in, out, n, scale))

}  // namespace

// shifts: kDraws int32 per image or 0 for none. parallel = 0 runs on the calling
// thread only (the prefetch thread must not start a second OpenMP team).
CNN4J_JNI(void, gatherBytesToFloat)(JNIEnv*, jclass, jlong images, jlong indices, jint count, jint height,
                                    jint width, jint channels, jlong dst, jfloat scale, jlong mean, jlong invStd,
                                    jlong shifts, jboolean nearest, jint cutout, jboolean parallel) {
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
    const int32_t* d = sh ? sh + kDraws * b : nullptr;
    if (!mu && !d) {
      convert(in, o, image, scale);
    } else {
      gather_one(in, o, height, width, channels, scale, mu, inv, d ? d[0] : 0, d ? d[1] : 0, d && d[2],
                 d && nearest);
    }
    if (d && cutout > 0) cut_out(o, height, width, channels, cutout, d[3], d[4]);
  }
}
