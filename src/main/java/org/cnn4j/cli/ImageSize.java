package org.cnn4j.cli;

/** The {@code --image-size WIDTHxHEIGHT} option: the size that image files are resized to. */
record ImageSize(int width, int height) {
  static final String HELP = "Resize image-folder images to WIDTHxHEIGHT pixels (bilinear).";

  /** Parses "32x24" (width 32, height 24); null stays null (option not given). */
  static ImageSize parse(String text) {
    if (text == null) return null;
    String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x", -1);
    try {
      if (parts.length == 2) {
        ImageSize s = new ImageSize(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        if (s.width > 0 && s.height > 0 && s.width <= 16384 && s.height <= 16384) return s;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException("--image-size " + text + ": expected WIDTHxHEIGHT, two whole numbers from 1 "
        + "to 16384, such as 32x32");
  }

  @Override
  public String toString() {
    return width + "x" + height + " (width x height)";
  }
}
