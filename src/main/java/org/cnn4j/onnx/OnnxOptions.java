package org.cnn4j.onnx;

import java.util.Locale;
import java.util.Objects;

/**
 * How {@link OnnxExport} lays out the exported graph's input (and an image-shaped
 * output): NHWC, as cnn4j's models take images (the default), or NCHW, as
 * most ONNX consumers expect them.
 *
 * <pre>{@code
 * model.exportOnnx(Path.of("model.onnx"), new OnnxOptions().inputLayout(OnnxOptions.Layout.NCHW));
 * }</pre>
 */
public final class OnnxOptions {
  /** The axis order of an image tensor, batch first. */
  public enum Layout {
    /** (batch, height, width, channels): what cnn4j's models take. */
    NHWC,
    /** (batch, channels, height, width): what ONNX's convolutions compute on. */
    NCHW;

    /** "nhwc" or "nchw", in any case. */
    public static Layout parse(String s) {
      for (Layout l : values()) {
        if (l.name().equalsIgnoreCase(s)) return l;
      }
      throw new IllegalArgumentException("unknown layout '" + s + "': expected nhwc or nchw");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private Layout inputLayout = Layout.NHWC;

  /** The layout of the graph's image input and image-shaped output (default NHWC). */
  public OnnxOptions inputLayout(Layout layout) {
    inputLayout = Objects.requireNonNull(layout, "layout");
    return this;
  }

  public Layout inputLayout() {
    return inputLayout;
  }
}
