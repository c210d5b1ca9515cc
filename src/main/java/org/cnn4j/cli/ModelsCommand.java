package org.cnn4j.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnn4j models}: the model zoo with parameter counts and forward FLOPs per image. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = {"List the zoo's models (cnn4j train --model NAME) with their parameter counts and the "
        + "floating-point operations of one image's forward pass (2 per multiply-add, convolutions and Dense).",
        "Example: cnn4j models --input 28x28x1"})
final class ModelsCommand implements Callable<Integer> {
  @Option(names = "--input", defaultValue = "32x32x3", paramLabel = "HxWxC",
      description = "Image height, width and channels to build the models for (default ${DEFAULT-VALUE}).")
  String input;

  @Option(names = "--classes", defaultValue = "10", description = "Number of classes (default ${DEFAULT-VALUE}).")
  int classes;

  @Override
  public Integer call() {
    int[] hwc = parseInput(input);
    if (classes < 2) throw new IllegalArgumentException("--classes " + classes + ": a classifier needs at least 2");
    System.out.printf(Locale.ROOT, "%-12s %14s %14s %16s%n", "model", "params", "trainable", "MFLOPs/image");
    for (String name : Models.NAMES) {
      try (Model m = Models.byName(name, hwc[0], hwc[1], hwc[2], classes)) {
        System.out.printf(Locale.ROOT, "%-12s %,14d %,14d %,16.1f%n", name, m.countParams(),
            m.countTrainableParams(), m.forwardFlopsPerSample() / 1e6);
      } catch (IllegalArgumentException e) {
        System.out.printf(Locale.ROOT, "%-12s %s%n", name, "not for " + input + ": " + e.getMessage());
      }
    }
    System.out.printf(Locale.ROOT, "for %s images and %d classes; training costs about 3x the forward FLOPs%n",
        input, classes);
    return 0;
  }

  /** "32x32x3" as {height, width, channels}. */
  static int[] parseInput(String text) {
    String[] parts = text.toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (parts.length == 3) {
        int[] v = new int[3];
        for (int i = 0; i < 3; i++) v[i] = Integer.parseInt(parts[i].trim());
        if (v[0] > 0 && v[1] > 0 && v[2] > 0 && v[0] <= 16384 && v[1] <= 16384 && v[2] <= 4096) return v;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException("--input " + text + ": expected HEIGHTxWIDTHxCHANNELS, such as 32x32x3");
  }
}
