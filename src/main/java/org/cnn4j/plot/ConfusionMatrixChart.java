package org.cnn4j.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The confusion matrix as a heat map: actual classes down, predicted classes across, each cell
 * coloured by its row-normalised fraction (the share of that actual class) on a 0 to 1 scale, with
 * the count and the fraction written in it while the cells are large enough (up to 16 classes). The
 * picture grows with the class count, about 900x800 for 10 classes; beyond 100 classes the class
 * names are left out. Drawn with Java2D into an image, so no display is needed.
 */
public final class ConfusionMatrixChart {
  /** The most classes drawn; beyond it a cell would be under a pixel. */
  public static final int MAX_CLASSES = 1200;

  private static final int PAD = 16;
  private static final int MAX_NAME = 20;
  private static final String TITLE_TEXT = "Confusion matrix";
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 20);
  static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
  static final Color INK = new Color(0x222222);
  static final Color FRAME = new Color(0x888888);

  private ConfusionMatrixChart() {}

  /** Renders {@code m} and writes it to {@code png}, atomically, creating parent directories. */
  public static void write(ConfusionMatrix m, Path png) throws IOException {
    AtomicFile.writePng(png, render(m));
  }

  /**
   * Renders {@code m} into a new image.
   *
   * @throws IllegalArgumentException if {@code m} has more than {@link #MAX_CLASSES} classes
   */
  public static BufferedImage render(ConfusionMatrix m) {
    int n = m.classes();
    if (n > MAX_CLASSES) {
      throw new IllegalArgumentException(
          String.format(
              "%d classes are too many to draw (at most %d); write ConfusionMatrix.toCsv instead",
              n, MAX_CLASSES));
    }
    // 96 px cells for a few classes, shrinking to keep the grid near 640 px, but at least 12 px
    // (readable names) up to 100 classes; past that the grid stays about 1200 px and names go.
    int cell = n <= 100 ? Math.max(12, Math.min(96, Math.round(640f / n))) : Math.max(1, 1200 / n);
    int grid = cell * n;
    Font nameFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(1, Math.min(13, cell - 2)));
    Font countFont = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(1, Math.min(18, cell / 4)));
    Font fractionFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(1, Math.min(14, cell / 5)));
    String[] names = new String[n];
    for (int c = 0; c < n; c++) names[c] = shorten(m.classNames().get(c));

    // Measure with a scratch image so that the margins fit the labels exactly.
    Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    hints(probe);
    boolean showNames = cell >= 10;
    FontMetrics nameMetrics = probe.getFontMetrics(nameFont);
    int nameWidth = 0;
    for (String s : names) nameWidth = Math.max(nameWidth, nameMetrics.stringWidth(s));
    if (!showNames) nameWidth = 0;
    boolean showText =
        cell >= 40 && probe.getFontMetrics(countFont).stringWidth(widestCount(m)) <= cell - 6;
    int nameHeight = nameMetrics.getAscent() + nameMetrics.getDescent();
    // Names wider than a cell are turned to end under their column: 45 degrees while neighbours
    // stay clear of each other (their spacing across the text is cell * sin 45), else upright.
    boolean rotate = nameWidth > cell - 4;
    double angle = cell * Math.sqrt(0.5) >= nameHeight ? Math.PI / 4 : Math.PI / 2;
    double sin = Math.sin(angle);
    double cos = Math.cos(angle);
    int xNamesDepth =
        !showNames ? 0 : rotate ? (int) Math.ceil(nameWidth * sin + nameHeight * cos) : nameHeight;
    int axisTitleHeight = probe.getFontMetrics(AXIS_TITLE).getHeight();
    int scaleWidth = ColorScale.width(probe);
    int titleHeight = probe.getFontMetrics(TITLE).getHeight();
    int titleWidth = probe.getFontMetrics(TITLE).stringWidth(TITLE_TEXT);
    probe.dispose();

    int left = PAD + axisTitleHeight + 10 + nameWidth + 8;
    if (rotate && showNames) left = Math.max(left, PAD + (int) (nameWidth * cos) - cell / 2);
    int top = PAD + titleHeight + 12;
    int scaleX = left + grid + 24;
    int width = Math.max(scaleX + scaleWidth + PAD, titleWidth + 2 * PAD);
    int height = top + grid + 8 + xNamesDepth + 10 + axisTitleHeight + PAD;

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      hints(g);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      for (int a = 0; a < n; a++) {
        for (int p = 0; p < n; p++) {
          double f = m.fraction(a, p);
          Color fill = ColorScale.at(f);
          int x = left + p * cell;
          int y = top + a * cell;
          g.setColor(fill);
          g.fillRect(x, y, cell, cell);
          if (showText) {
            g.setColor(ColorScale.isDark(fill) ? Color.WHITE : INK);
            int mid = y + cell / 2;
            int below = mid + g.getFontMetrics(fractionFont).getAscent() + 1;
            centre(g, countFont, Long.toString(m.count(a, p)), x + cell / 2, mid - 2);
            centre(g, fractionFont, String.format(Locale.ROOT, "%.2f", f), x + cell / 2, below);
          }
        }
      }
      if (cell >= 16) {
        // Hairlines between cells keep neighbouring cells of one colour apart.
        g.setColor(Color.WHITE);
        for (int i = 1; i < n; i++) {
          g.drawLine(left + i * cell, top, left + i * cell, top + grid - 1);
          g.drawLine(left, top + i * cell, left + grid - 1, top + i * cell);
        }
      }
      g.setColor(FRAME);
      g.drawRect(left, top, grid, grid);

      g.setColor(INK);
      if (showNames) {
        g.setFont(nameFont);
        FontMetrics fm = g.getFontMetrics();
        for (int c = 0; c < n; c++) {
          int w = fm.stringWidth(names[c]);
          int centre = top + c * cell + cell / 2;
          g.drawString(names[c], left - 8 - w, centre + (fm.getAscent() - fm.getDescent()) / 2);
          int colX = left + c * cell + cell / 2;
          if (rotate) {
            AffineTransform saved = g.getTransform();
            // Turn about the label's top-right corner, placed so that the middle of the text's end
            // sits under the column centre.
            g.translate(colX - nameHeight * sin / 2, top + grid + 6);
            g.rotate(-angle);
            g.drawString(names[c], -w, fm.getAscent());
            g.setTransform(saved);
          } else {
            g.drawString(names[c], colX - w / 2, top + grid + 6 + fm.getAscent());
          }
        }
      }
      // Over the grid, but inside the picture when the grid is narrower than the title.
      int titleX =
          Math.min(Math.max(left + grid / 2, PAD + titleWidth / 2), width - titleWidth / 2);
      centre(g, TITLE, TITLE_TEXT, titleX, PAD + g.getFontMetrics(TITLE).getAscent());
      FontMetrics axisMetrics = g.getFontMetrics(AXIS_TITLE);
      centre(g, AXIS_TITLE, "Predicted", left + grid / 2, height - PAD - axisMetrics.getDescent());
      vertical(g, "Actual", PAD + axisMetrics.getAscent(), top + grid / 2);
      ColorScale.draw(g, scaleX, top, grid);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Draws {@code s} centred on x with its baseline at y. */
  static void centre(Graphics2D g, Font font, String s, int x, int baseline) {
    g.setFont(font);
    g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, baseline);
  }

  /** Draws {@code s} reading upwards, centred on y, with its baseline at x. */
  static void vertical(Graphics2D g, String s, int baseline, int y) {
    AffineTransform saved = g.getTransform();
    g.setColor(INK);
    g.translate(baseline, y);
    g.rotate(-Math.PI / 2);
    centre(g, AXIS_TITLE, s, 0, 0);
    g.setTransform(saved);
  }

  private static void hints(Graphics2D g) {
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
  }

  private static String shorten(String name) {
    return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1) + "\u2026";
  }

  private static String widestCount(ConfusionMatrix m) {
    long max = 0;
    for (int a = 0; a < m.classes(); a++) max = Math.max(max, m.support(a));
    return Long.toString(max);
  }
}
