package org.cnn4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.cnn4j.onnx.OnnxExport;
import org.cnn4j.onnx.OnnxOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cnn4j export}: a model's inference graph and weights as an ONNX file. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write a model's inference graph and weights as an ONNX file (opset 13) for ONNX Runtime "
        + "and other ONNX consumers. The graph's input is named input, its output output.",
        "Example: cnn4j export --model runs/train --format onnx model.onnx", ""})
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = ModelSpec.HELP
      + ", or the folder cnn4j train wrote. A zoo name or a Keras JSON exports the architecture with its "
      + "initial weights.")
  String model;

  @Option(names = "--weights", paramLabel = "WEIGHTS.h5", description = ModelSpec.WEIGHTS_HELP)
  Path weights;

  @Option(names = "--format", defaultValue = "onnx", paramLabel = "FORMAT",
      description = "The file format: onnx, or keras (a Keras 3 .keras file) (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--input-layout", defaultValue = "nhwc", paramLabel = "LAYOUT", description = "nhwc, as cnn4j "
      + "models take images, or nchw; an image-shaped output follows it (default ${DEFAULT-VALUE}).")
  String inputLayout;

  @Parameters(index = "0", paramLabel = "OUT.onnx", description = "The file to write (replaced atomically).")
  Path out;

  @Override
  public Integer call() {
    String f = format.toLowerCase(Locale.ROOT);
    if (!f.equals("onnx") && !f.equals("keras")) {
      throw new IllegalArgumentException("--format " + format + ": expected onnx or keras");
    }
    OnnxOptions options = new OnnxOptions().inputLayout(OnnxOptions.Layout.parse(inputLayout));
    if (weights == null && (Models.NAMES.contains(model) || model.endsWith(".json"))) {
      Warnings.warn("--model " + model + " holds no trained weights: the file gets the model's initial ones");
    }
    if (f.equals("keras")) {
      if (!out.getFileName().toString().endsWith(".keras")) {
        throw new IllegalArgumentException("--format keras writes a .keras file; " + out + " has another extension");
      }
      try (Model m = ModelSpec.load(model, weights)) {
        m.save(out);
        System.out.println("wrote " + out + ": Keras 3 .keras file, " + m.countParams() + " parameters");
      }
      return 0;
    }
    try (Model m = ModelSpec.load(model, weights)) {
      m.exportOnnx(out, options);
      System.out.println("wrote " + out + ": ONNX opset " + OnnxExport.OPSET + ", input " + describe(m.inputShape(),
          options) + ", output " + describe(m.outputShape(), options) + ", " + m.countParams() + " parameters");
    }
    return 0;
  }

  /** A value's float shape as the file declares it, e.g. [N, 32, 32, 3] (NHWC). */
  private static String describe(Shape s, OnnxOptions o) {
    if (s.rank() == 3 && o.inputLayout() == OnnxOptions.Layout.NCHW) {
      return "[N, " + s.get(2) + ", " + s.get(0) + ", " + s.get(1) + "] (NCHW)";
    }
    StringBuilder b = new StringBuilder("[N");
    for (int d : s.dims()) b.append(", ").append(d);
    return b.append("]").append(s.rank() == 3 ? " (NHWC)" : "").toString();
  }
}
