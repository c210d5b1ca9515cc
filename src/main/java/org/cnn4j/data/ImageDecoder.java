package org.cnn4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files (JPEG, PNG, BMP, GIF through javax.imageio) into HWC bytes with 3 (RGB) or 1
 * (grayscale) channels, and resizes bilinearly. One instance per thread: it keeps one reader per
 * format, because creating a JPEG reader costs more than decoding a 32x32 image. Close it to
 * release the readers' native state.
 */
final class ImageDecoder implements AutoCloseable {

  /** Decoded pixels: {@code height x width x channels} bytes; {@code gray}: the file held one channel. */
  record Pixels(int height, int width, byte[] hwc, boolean gray) {
  }

  private final int channels;
  private final Map<String, ImageReader> readers = new HashMap<>();
  private final List<String> warnings = new ArrayList<>(); // the reader's, for the image being decoded

  /** @param channels 3 for RGB output, 1 for grayscale */
  ImageDecoder(int channels) {
    this.channels = channels;
  }

  Pixels decode(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatasetException("cannot read image " + file + ": " + e, e);
    }
    return decode(bytes, file.toString());
  }

  /**
   * Decodes an image held in memory; {@code file} names it in messages.
   *
   * @throws DatasetException if the bytes are no image, or a damaged one: the decoder's warnings (a file cut in
   *     the middle of its data, corrupt data) are errors, since what they decode to is partly made up
   */
  Pixels decode(byte[] bytes, String file) {
    String format = formatOf(bytes);
    if (format == null) {
      throw new DatasetException("cannot decode image " + file + " (" + bytes.length
          + " bytes): expected a JPEG, PNG, BMP or GIF file, the first bytes match none");
    }
    ImageReader reader = readers.computeIfAbsent(format, f -> {
      ImageReader r = ImageIO.getImageReadersByFormatName(f).next();
      r.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      return r;
    });
    BufferedImage image;
    warnings.clear();
    // In memory, so ImageIO neither caches to temporary files nor touches global settings.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      readers.remove(format).dispose(); // its state after a failure is unknown
      throw new DatasetException("cannot decode " + format + " image " + file + ": " + e, e);
    }
    if (!warnings.isEmpty()) {
      throw new DatasetException("image " + file + " is damaged (" + bytes.length + " bytes): "
          + String.join("; ", warnings));
    }
    return new Pixels(image.getHeight(), image.getWidth(), channels == 3 ? rgb(image) : gray(image),
        isGray(image));
  }

  @Override
  public void close() {
    readers.values().forEach(ImageReader::dispose);
    readers.clear();
  }

  /** The format by its magic bytes: file names can lie. */
  private static String formatOf(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
      return "jpeg";
    }
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "png";
    }
    if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
      return "gif";
    }
    if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
      return "bmp";
    }
    return null;
  }

  /** Bilinear resize with half-pixel centres, as Keras's default 'bilinear' interpolation. */
  static byte[] resize(byte[] src, int height, int width, int channels, int toHeight, int toWidth) {
    if (height == toHeight && width == toWidth) {
      return src;
    }
    byte[] dst = new byte[toHeight * toWidth * channels];
    float scaleY = (float) height / toHeight;
    float scaleX = (float) width / toWidth;
    for (int y = 0; y < toHeight; y++) {
      float sy = Math.max(0, (y + 0.5f) * scaleY - 0.5f);
      int y0 = Math.min((int) sy, height - 1);
      int y1 = Math.min(y0 + 1, height - 1);
      float fy = sy - y0;
      for (int x = 0; x < toWidth; x++) {
        float sx = Math.max(0, (x + 0.5f) * scaleX - 0.5f);
        int x0 = Math.min((int) sx, width - 1);
        int x1 = Math.min(x0 + 1, width - 1);
        float fx = sx - x0;
        for (int c = 0; c < channels; c++) {
          float top = lerp(src[(y0 * width + x0) * channels + c], src[(y0 * width + x1) * channels + c], fx);
          float bottom = lerp(src[(y1 * width + x0) * channels + c], src[(y1 * width + x1) * channels + c], fx);
          dst[(y * toWidth + x) * channels + c] = (byte) Math.round(top + (bottom - top) * fy);
        }
      }
    }
    return dst;
  }

  private static float lerp(byte a, byte b, float f) {
    int ua = a & 0xff;
    return ua + ((b & 0xff) - ua) * f;
  }

  private static byte[] rgb(BufferedImage image) {
    int pixels = image.getWidth() * image.getHeight();
    byte[] out = new byte[pixels * 3];
    byte[] bgr = packedBytes(image, BufferedImage.TYPE_3BYTE_BGR, 3);
    if (bgr != null) { // what JPEG and 8-bit PNG decode to: the fast path
      for (int p = 0; p < pixels; p++) {
        out[3 * p] = bgr[3 * p + 2];
        out[3 * p + 1] = bgr[3 * p + 1];
        out[3 * p + 2] = bgr[3 * p];
      }
    } else if (isGray(image)) {
      byte[] g = gray(image);
      for (int p = 0; p < pixels; p++) {
        out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = g[p];
      }
    } else { // palette, alpha, 16-bit and other layouts: let Java2D convert (alpha is dropped)
      int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
      for (int p = 0; p < pixels; p++) {
        out[3 * p] = (byte) (argb[p] >> 16);
        out[3 * p + 1] = (byte) (argb[p] >> 8);
        out[3 * p + 2] = (byte) argb[p];
      }
    }
    return out;
  }

  private static byte[] gray(BufferedImage image) {
    if (isGray(image)) {
      byte[] gray = packedBytes(image, BufferedImage.TYPE_BYTE_GRAY, 1);
      return gray != null ? gray.clone() : graySamples(image.getRaster());
    }
    byte[] rgb = rgb(image);
    byte[] out = new byte[rgb.length / 3];
    for (int p = 0; p < out.length; p++) { // ITU-R 601 luma, as PIL's convert("L") and libjpeg
      int luma = 299 * (rgb[3 * p] & 0xff) + 587 * (rgb[3 * p + 1] & 0xff) + 114 * (rgb[3 * p + 2] & 0xff);
      out[p] = (byte) ((luma + 500) / 1000);
    }
    return out;
  }

  /** Gray, possibly with alpha: band 0 holds the gray value. */
  private static boolean isGray(BufferedImage image) {
    return !(image.getColorModel() instanceof IndexColorModel)
        && image.getColorModel().getColorSpace().getNumComponents() == 1;
  }

  /** Band 0 scaled to 0..255 from any bit depth (1 to 16 bits), rounding to nearest. */
  private static byte[] graySamples(Raster raster) {
    long max = (1L << raster.getSampleModel().getSampleSize(0)) - 1;
    int[] samples = raster.getSamples(0, 0, raster.getWidth(), raster.getHeight(), 0, (int[]) null);
    byte[] out = new byte[samples.length];
    for (int p = 0; p < samples.length; p++) {
      out[p] = (byte) ((samples[p] * 255L + max / 2) / max);
    }
    return out;
  }

  /** The backing bytes if the image has this type and owns one tightly packed array, else null. */
  private static byte[] packedBytes(BufferedImage image, int type, int channels) {
    if (image.getType() != type || !(image.getRaster().getDataBuffer() instanceof DataBufferByte buffer)) {
      return null;
    }
    byte[] data = buffer.getData();
    boolean packed = buffer.getNumBanks() == 1 && buffer.getOffset() == 0
        && data.length == image.getWidth() * image.getHeight() * channels
        && image.getRaster().getParent() == null;
    return packed ? data : null;
  }
}
