package org.cnn4j.plot;

import static org.cnn4j.plot.ConfusionMatrixChart.FRAME;
import static org.cnn4j.plot.ConfusionMatrixChart.INK;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.util.Locale;

/**
 * matplotlib's "Blues" colour map from 0 (near white) to 1 (dark blue), and its colour bar: the
 * scale beside a heat map, with ticks every 0.2 and a caption.
 */
final class ColorScale {
  private static final String CAPTION = "fraction of actual class";
  private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final int BAR = 18;
  // "Blues" sampled at 9 equal steps, light to dark.
  private static final int[] BLUES = {
    0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b
  };

  private ColorScale() {}

  /** The colour at {@code f}, clamped to [0, 1], interpolated linearly between the steps. */
  static Color at(double f) {
    double t = Math.max(0, Math.min(1, f)) * (BLUES.length - 1);
    int i = Math.min((int) t, BLUES.length - 2);
    double u = t - i;
    int[] rgb = new int[3];
    for (int k = 0; k < 3; k++) {
      int shift = 16 - 8 * k;
      rgb[k] =
          (int)
              Math.round(
                  ((BLUES[i] >> shift) & 255) * (1 - u) + ((BLUES[i + 1] >> shift) & 255) * u);
    }
    return new Color(rgb[0], rgb[1], rgb[2]);
  }

  /** Whether dark text would be hard to read on {@code c}, by its luma (the eye's weighting). */
  static boolean isDark(Color c) {
    return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 128;
  }

  /** The width the bar, its tick labels and its caption take. */
  static int width(Graphics2D g) {
    return BAR
        + 6
        + g.getFontMetrics(TICKS).stringWidth("1.0")
        + 12
        + g.getFontMetrics(ConfusionMatrixChart.AXIS_TITLE).getHeight();
  }

  /** Draws the bar at {@code x} from {@code top} down {@code height} pixels: 1 at the top. */
  static void draw(Graphics2D g, int x, int top, int height) {
    for (int y = 0; y < height; y++) {
      g.setColor(at(1 - (y + 0.5) / height));
      g.drawLine(x, top + y, x + BAR - 1, top + y);
    }
    g.setColor(FRAME);
    g.drawRect(x, top, BAR, height);
    g.setFont(TICKS);
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i <= 5; i++) {
      int y = top + height - Math.round(height * i / 5f);
      g.setColor(FRAME);
      g.drawLine(x + BAR, y, x + BAR + 3, y);
      g.setColor(INK);
      String label = String.format(Locale.ROOT, "%.1f", i / 5.0);
      g.drawString(label, x + BAR + 6, y + (fm.getAscent() - fm.getDescent()) / 2);
    }
    int captionX = x + BAR + 6 + fm.stringWidth("1.0") + 12;
    ConfusionMatrixChart.vertical(
        g,
        CAPTION,
        captionX + g.getFontMetrics(ConfusionMatrixChart.AXIS_TITLE).getAscent(),
        top + height / 2);
  }
}
