package org.cnn4j.model;

import java.util.Locale;
import org.cnn4j.layers.Layer;

/** Keras's model.summary() table. */
final class Summary {
  private static final String RULE = "_".repeat(65);
  private static final String DOUBLE_RULE = "=".repeat(65);

  private Summary() {}

  static String of(Sequential model) {
    StringBuilder s = new StringBuilder();
    s.append("Model: \"").append(model.name()).append("\"\n").append(RULE).append('\n');
    s.append(row("Layer (type)", "Output Shape", "Param #")).append(DOUBLE_RULE).append('\n');
    for (int i = 0; i < model.layers().size(); i++) {
      Layer l = model.layers().get(i);
      s.append(row(l.name() + " (" + l.kerasType() + ")", l.outputShape().withBatch(),
          Long.toString(l.countParams())));
      s.append(i == model.layers().size() - 1 ? DOUBLE_RULE : RULE).append('\n');
    }
    long total = model.countParams();
    long trainable = model.countTrainableParams();
    s.append("Total params: ").append(count(total)).append('\n');
    s.append("Trainable params: ").append(count(trainable)).append('\n');
    s.append("Non-trainable params: ").append(count(total - trainable)).append('\n').append(RULE).append('\n');
    return s.toString();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String row(String layer, String shape, String params) {
    // Columns of 31 and 21 characters, as Keras's; a longer name or shape still keeps a space after it.
    return String.format(Locale.ROOT, "%-30s %-20s %s%n", layer, shape, params).replace("\r\n", "\n");
  }
}
