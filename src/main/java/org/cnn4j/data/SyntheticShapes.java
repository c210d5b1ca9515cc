package org.cnn4j.data;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A generated ten-class set of 32x32 RGB images, so that {@code cnn4j train} has a real task to
 * learn without downloading anything.
 *
 * <p>The classes differ only in shape, orientation or texture, never in colour: every image draws
 * its own background and foreground colours from one distribution shared by all classes, then
 * gets a brightness gradient, pixel noise and sometimes a small blob of a third colour. Sizes,
 * positions, angles, periods and phases vary within ranges that leave some pairs confusable under
 * noise (small circles, squares and triangles; a cross and a triangle; dots and a checkerboard),
 * so the reference model learns it but not perfectly: about 80% validation accuracy after three
 * epochs of 5,000 images, about 60% after three epochs of 3,000.
 *
 * <p>Image {@code i} depends only on {@code (seed, i)}: any subset can be regenerated on its own,
 * and generation runs in parallel. The bytes do not depend on the JVM or the thread count: Java
 * 17 floating point is strict and the geometry uses {@link StrictMath}.
 */
public final class SyntheticShapes {

  /** Image height in pixels. */
  public static final int HEIGHT = 32;
  /** Image width in pixels. */
  public static final int WIDTH = 32;
  /** Colour channels per pixel (RGB). */
  public static final int CHANNELS = 3;
  /** Bytes of one image in NHWC order. */
  public static final int IMAGE_BYTES = HEIGHT * WIDTH * CHANNELS;

  /** Class names; a label is an index into this list. */
  public static final List<String> CLASS_NAMES = List.of(
      "circle", "square", "triangle", "cross", "ring",
      "horizontal_stripes", "vertical_stripes", "diagonal_stripes", "checkerboard", "dots");

  private static final int CLASSES = CLASS_NAMES.size();

  // Distinct salts keep the label, image and test-seed streams unrelated to one another.
  private static final long LABEL_SALT = 0x6C61_6265_6C73_0001L;
  private static final long IMAGE_SALT = 0x696D_6167_6573_0002L;
  private static final long TEST_SALT = 0x7465_7374_5F73_0003L;

  // Difficulty knobs: luminance contrast between foreground and background (0..255), the
  // brightness change per pixel of the gradient, the noise standard deviation, and how often a
  // distractor blob appears.
  private static final double MIN_CONTRAST = 50;
  private static final double MAX_GRADIENT = 1.0;
  private static final double MIN_NOISE = 4;
  private static final double MAX_NOISE = 14;
  private static final double DISTRACTOR_PROBABILITY = 0.5;

  // Textures and stripes lean by up to TILT, shapes by up to SHAPE_TILT, so that a square is
  // not a diamond and a triangle points up or down: rotation invariance would need far more
  // data than a one-minute run sees.
  private static final double TILT = Math.toRadians(10);
  private static final double SHAPE_TILT = Math.toRadians(15);

  private SyntheticShapes() {
  }

  /** Whether a point (in pixels, origin at the top-left corner) lies on the foreground. */
  @FunctionalInterface
  private interface Mask {
    boolean covers(double x, double y);
  }

  /**
   * {@code count} images and labels of the set named by {@code seed}, as a library dataset.
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public static Dataset generate(int count, long seed) {
    return Dataset.of(images(count, seed), labels(count, seed), HEIGHT, WIDTH, CHANNELS, CLASS_NAMES);
  }

  /**
   * A training set and a test set: {@code [train, test]}. The test set comes from a seed derived
   * from {@code seed}, so it does not change with {@code trainCount}.
   */
  public static Dataset[] trainTest(int trainCount, int testCount, long seed) {
    Dataset train = generate(trainCount, seed);
    try {
      return new Dataset[] {train, generate(testCount, testSeed(seed))};
    } catch (RuntimeException | Error e) {
      train.close();
      throw e;
    }
  }

  /** The seed of the test set that {@link #trainTest} pairs with the training seed {@code seed}. */
  public static long testSeed(long seed) {
    return mix64(seed ^ TEST_SALT);
  }

  /** {@code count} images, uint8 NHWC: {@code count * IMAGE_BYTES} bytes. */
  public static byte[] images(int count, long seed) {
    requireCount(count);
    byte[] out = new byte[Math.multiplyExact(count, IMAGE_BYTES)];
    IntStream.range(0, count).parallel().forEach(i -> render(seed, i, out, i * IMAGE_BYTES));
    return out;
  }

  /**
   * Labels of the first {@code count} images. Each run of ten indices starting at a multiple
   * of ten holds every class once, in a seeded order, so any prefix is balanced to within one.
   */
  public static int[] labels(int count, long seed) {
    requireCount(count);
    int[] out = new int[count];
    for (int block = 0; block * CLASSES < count; block++) {
      int[] order = blockOrder(seed, block);
      int n = Math.min(CLASSES, count - block * CLASSES);
      System.arraycopy(order, 0, out, block * CLASSES, n);
    }
    return out;
  }

  /** The label of image {@code index}. */
  public static int label(long seed, int index) {
    return blockOrder(seed, index / CLASSES)[index % CLASSES];
  }

  /** Writes image {@code index} (uint8 HWC, {@code IMAGE_BYTES} bytes) into {@code dst} at {@code offset}. */
  public static void render(long seed, int index, byte[] dst, int offset) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    SplittableRandom r = new SplittableRandom(streamSeed(seed, index, IMAGE_SALT));
    Mask shape = shape(label(seed, index), r);

    int[] background = new int[CHANNELS];
    int[] foreground = new int[CHANNELS];
    do {
      randomColour(r, background);
      randomColour(r, foreground);
    } while (Math.abs(luma(foreground) - luma(background)) < MIN_CONTRAST);

    // A blob of a third colour anywhere, over the shape too, so that no single small patch
    // decides the class.
    int[] blobColour = new int[CHANNELS];
    randomColour(r, blobColour);
    Mask blob = r.nextDouble() < DISTRACTOR_PROBABILITY ? blob(r) : (x, y) -> false;

    double gradientX = uniform(r, -MAX_GRADIENT, MAX_GRADIENT);
    double gradientY = uniform(r, -MAX_GRADIENT, MAX_GRADIENT);
    double noise = uniform(r, MIN_NOISE, MAX_NOISE);

    int p = offset;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        double px = x + 0.5;
        double py = y + 0.5;
        int[] colour = blob.covers(px, py) ? blobColour : shape.covers(px, py) ? foreground : background;
        double shade = gradientX * (px - WIDTH / 2.0) + gradientY * (py - HEIGHT / 2.0);
        long bits = r.nextLong();
        for (int c = 0; c < CHANNELS; c++) {
          double v = colour[c] + shade + noise * bellNoise(bits >>> (20 * c));
          dst[p++] = (byte) (int) (Math.max(0, Math.min(255, v)) + 0.5);
        }
      }
    }
  }

  private static Mask shape(int label, SplittableRandom r) {
    return switch (label) {
      case 0 -> circle(r);
      case 1 -> square(r);
      case 2 -> triangle(r);
      case 3 -> cross(r);
      case 4 -> ring(r);
      case 5 -> stripes(r, Math.PI / 2 + uniform(r, -TILT, TILT));
      case 6 -> stripes(r, uniform(r, -TILT, TILT));
      case 7 -> stripes(r, (r.nextBoolean() ? Math.PI / 4 : 3 * Math.PI / 4) + uniform(r, -TILT, TILT));
      case 8 -> checkerboard(r);
      case 9 -> dots(r);
      default -> throw new IllegalStateException("no class " + label);
    };
  }

  private static Mask circle(SplittableRandom r) {
    double radius = uniform(r, 5, 11);
    double cx = centre(r, radius);
    double cy = centre(r, radius);
    return (x, y) -> sq(x - cx) + sq(y - cy) <= radius * radius;
  }

  private static Mask square(SplittableRandom r) {
    double half = uniform(r, 4.5, 9.5);
    Frame f = new Frame(centre(r, half * 1.2), centre(r, half * 1.2), uniform(r, -SHAPE_TILT, SHAPE_TILT));
    return (x, y) -> Math.abs(f.u(x, y)) <= half && Math.abs(f.v(x, y)) <= half;
  }

  private static Mask triangle(SplittableRandom r) {
    // Equilateral: a point is inside when it is within the inradius (R/2) along the three
    // directions from the centre to the midpoints of the edges.
    double outer = uniform(r, 7.5, 13.5);
    double cx = centre(r, outer * 0.8);
    double cy = centre(r, outer * 0.8);
    // The first vertex points up (-y) or down.
    double turn = (r.nextBoolean() ? -Math.PI / 2 : Math.PI / 2) + uniform(r, -SHAPE_TILT, SHAPE_TILT);
    double[] nx = new double[3];
    double[] ny = new double[3];
    for (int k = 0; k < 3; k++) {
      double a = turn + Math.PI / 3 + k * 2 * Math.PI / 3;
      nx[k] = StrictMath.cos(a);
      ny[k] = StrictMath.sin(a);
    }
    return (x, y) -> {
      for (int k = 0; k < 3; k++) {
        if ((x - cx) * nx[k] + (y - cy) * ny[k] > outer / 2) {
          return false;
        }
      }
      return true;
    };
  }

  private static Mask cross(SplittableRandom r) {
    double arm = uniform(r, 7, 12);
    double half = uniform(r, 1.5, 2.5);
    Frame f = new Frame(centre(r, arm), centre(r, arm), uniform(r, 0, Math.PI / 2));
    return (x, y) -> {
      double u = Math.abs(f.u(x, y));
      double v = Math.abs(f.v(x, y));
      return (u <= arm && v <= half) || (v <= arm && u <= half);
    };
  }

  private static Mask ring(SplittableRandom r) {
    double outer = uniform(r, 6, 12.5);
    double inner = outer - uniform(r, 1.5, 3.5);
    double cx = centre(r, outer);
    double cy = centre(r, outer);
    return (x, y) -> {
      double d = sq(x - cx) + sq(y - cy);
      return d <= outer * outer && d >= inner * inner;
    };
  }

  /** Stripes whose brightness changes along the direction {@code normal} (radians from +x). */
  private static Mask stripes(SplittableRandom r, double normal) {
    Mask patch = patch(r);
    double period = uniform(r, 4, 9);
    double duty = uniform(r, 0.35, 0.65);
    double phase = uniform(r, 0, period);
    double c = StrictMath.cos(normal);
    double s = StrictMath.sin(normal);
    return (x, y) -> patch.covers(x, y) && floorMod(x * c + y * s + phase, period) < duty * period;
  }

  private static Mask checkerboard(SplittableRandom r) {
    Mask patch = patch(r);
    double cell = uniform(r, 3.5, 7);
    Frame f = new Frame(uniform(r, 0, cell), uniform(r, 0, cell), uniform(r, -TILT, TILT));
    return (x, y) -> patch.covers(x, y)
        && ((long) Math.floor(f.u(x, y) / cell) + (long) Math.floor(f.v(x, y) / cell)) % 2 == 0;
  }

  private static Mask dots(SplittableRandom r) {
    Mask patch = patch(r);
    double period = uniform(r, 6, 10);
    // Fills at most a fifth of the patch, where a checkerboard fills half.
    double radius = uniform(r, 1.5, Math.min(2.5, period * 0.25));
    Frame f = new Frame(uniform(r, 0, period), uniform(r, 0, period), uniform(r, 0, Math.PI / 2));
    return (x, y) -> {
      double du = floorMod(f.u(x, y), period) - period / 2;
      double dv = floorMod(f.v(x, y), period) - period / 2;
      return patch.covers(x, y) && du * du + dv * dv <= radius * radius;
    };
  }

  /** A textured class fills a random rectangle of at least 18x18 pixels, not always the whole image. */
  private static Mask patch(SplittableRandom r) {
    int w = r.nextInt(18, WIDTH + 1);
    int h = r.nextInt(18, HEIGHT + 1);
    int x0 = r.nextInt(WIDTH - w + 1);
    int y0 = r.nextInt(HEIGHT - h + 1);
    return (x, y) -> x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
  }

  private static Mask blob(SplittableRandom r) {
    double rx = uniform(r, 1.5, 3);
    double ry = uniform(r, 1.5, 3);
    double cx = uniform(r, 0, WIDTH);
    double cy = uniform(r, 0, HEIGHT);
    return (x, y) -> sq((x - cx) / rx) + sq((y - cy) / ry) <= 1;
  }

  /** Coordinates rotated by {@code angle} about a centre: u along the turned x axis, v across it. */
  private static final class Frame {
    final double cx;
    final double cy;
    final double cos;
    final double sin;

    Frame(double cx, double cy, double angle) {
      this.cx = cx;
      this.cy = cy;
      this.cos = StrictMath.cos(angle);
      this.sin = StrictMath.sin(angle);
    }

    double u(double x, double y) {
      return (x - cx) * cos + (y - cy) * sin;
    }

    double v(double x, double y) {
      return (y - cy) * cos - (x - cx) * sin;
    }
  }

  /**
   * A centre coordinate that keeps a shape of the given extent (mostly) inside the image, and
   * within the middle half, so the shape is never reduced to a fragment at the border.
   */
  private static double centre(SplittableRandom r, double extent) {
    double margin = Math.min(Math.max(WIDTH / 4.0, 0.8 * extent + 1), WIDTH / 2.0 - 1);
    return uniform(r, margin, WIDTH - margin);
  }

  private static void randomColour(SplittableRandom r, int[] rgb) {
    for (int c = 0; c < rgb.length; c++) {
      rgb[c] = r.nextInt(256);
    }
  }

  private static double luma(int[] rgb) {
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  }

  private static int[] blockOrder(long seed, int block) {
    SplittableRandom r = new SplittableRandom(streamSeed(seed, block, LABEL_SALT));
    int[] order = new int[CLASSES];
    for (int i = 0; i < CLASSES; i++) {
      order[i] = i;
    }
    for (int i = CLASSES - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  // SplittableRandom(s) and SplittableRandom(s + k * gamma) produce shifted copies of one
  // sequence, so neighbouring indices must not map to neighbouring seeds: hash them apart.
  private static long streamSeed(long seed, long index, long salt) {
    return mix64(mix64(seed ^ salt) + index);
  }

  /** The 64-bit finalizer of SplitMix64 (Stafford's variant 13): a bijective bit mixer. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Roughly standard normal noise from the low 20 bits of {@code bits}: the sum of four 5-bit
   * numbers (Irwin-Hall) is bell-shaped, and one {@code nextLong} then serves three channels,
   * which makes generation much faster than with {@code nextGaussian}.
   */
  private static double bellNoise(long bits) {
    long sum = (bits & 31) + ((bits >>> 5) & 31) + ((bits >>> 10) & 31) + ((bits >>> 15) & 31);
    // Mean 4 * 15.5, standard deviation sqrt(4 * (32^2 - 1) / 12).
    return (sum - 62) * (1 / 18.47);
  }

  private static double uniform(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  /** {@code a} modulo {@code m}, in {@code [0, m)}; floor is an intrinsic where {@code %} on doubles is not. */
  private static double floorMod(double a, double m) {
    return a - m * Math.floor(a / m);
  }

  private static double sq(double v) {
    return v * v;
  }

  private static void requireCount(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
  }
}
