package org.cnn4j.layers;

/** Problems in benchdnn's notation, so that a slow primitive can be replayed alone. */
final class Benchdnn {
  private Benchdnn() {}

  /**
   * A convolution, e.g. mb10ic32ih32oc32oh32kh3ph1; g for groups, dh for oneDNN's dilation (0 = dense);
   * only what differs from the defaults is written.
   */
  static String convolution(int n, int groups, Shape in, Shape out, int kh, int kw, int sh, int sw, int dh, int dw,
      int padTop, int padLeft) {
    StringBuilder s = new StringBuilder("mb" + n);
    if (groups > 1) s.append('g').append(groups);
    s.append("ic").append(in.get(2)).append("ih").append(in.get(0));
    if (in.get(1) != in.get(0)) s.append("iw").append(in.get(1));
    s.append("oc").append(out.get(2)).append("oh").append(out.get(0));
    if (out.get(1) != out.get(0)) s.append("ow").append(out.get(1));
    s.append("kh").append(kh);
    if (kw != kh) s.append("kw").append(kw);
    if (sh != 1 || sw != sh) s.append("sh").append(sh);
    if (sw != sh) s.append("sw").append(sw);
    if (dh != 0 || dw != dh) s.append("dh").append(dh);
    if (dw != dh) s.append("dw").append(dw);
    s.append("ph").append(padTop);
    if (padLeft != padTop) s.append("pw").append(padLeft);
    return s.toString();
  }
}
