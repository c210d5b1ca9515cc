package org.cnn4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cnn4j.layers.InputLayer;
import org.cnn4j.layers.Layer;

/**
 * Keras's model.summary() table (the Keras 2 text layout): layer (type),
 * output shape and parameter count per row, plus a "Connected to" column for
 * functional models, then total, trainable and non-trainable counts.
 */
final class Summary {
  private static final int SEQUENTIAL_WIDTH = 65;
  private static final int FUNCTIONAL_WIDTH = 98;

  private Summary() {}

  static String of(Model model) {
    boolean graph = model.functional();
    int width = graph ? FUNCTIONAL_WIDTH : SEQUENTIAL_WIDTH;
    String rule = "_".repeat(width);
    String doubleRule = "=".repeat(width);
    StringBuilder s = new StringBuilder();
    s.append("Model: \"").append(model.name()).append("\"\n").append(rule).append('\n');
    s.append(row(graph, "Layer (type)", "Output Shape", "Param #", "Connected to")).append(doubleRule).append('\n');
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      String shape = l instanceof InputLayer ? "[" + l.outputShape().withBatch() + "]" : l.outputShape().withBatch();
      List<String> from = new ArrayList<>();
      if (graph && !(l instanceof InputLayer)) {
        for (int j : model.inboundIndices(i)) from.add("'" + layers.get(j).name() + "[0][0]'");
      }
      String first = from.isEmpty() ? "[]" : "[" + from.get(0) + (from.size() == 1 ? "]" : ",");
      s.append(row(graph, l.name() + " (" + l.kerasType() + ")", shape, Long.toString(l.countParams()), first));
      for (int k = 1; k < from.size(); k++) { // Keras prints each further connection on a line of its own
        s.append(row(graph, "", "", "", " " + from.get(k) + (k == from.size() - 1 ? "]" : ",")));
      }
      s.append(i == layers.size() - 1 ? doubleRule : rule).append('\n');
    }
    long total = model.countParams();
    long trainable = model.countTrainableParams();
    s.append("Total params: ").append(String.format(Locale.ROOT, "%,d", total)).append('\n');
    s.append("Trainable params: ").append(String.format(Locale.ROOT, "%,d", trainable)).append('\n');
    s.append("Non-trainable params: ").append(String.format(Locale.ROOT, "%,d", total - trainable)).append('\n');
    s.append(rule).append('\n');
    return s.toString();
  }

  private static String row(boolean graph, String layer, String shape, String params, String connected) {
    // Columns of 31, 21 and 12 characters, as Keras's; a longer name or shape still keeps a space after it.
    String r = graph ? String.format(Locale.ROOT, "%-30s %-20s %-11s %s", layer, shape, params, connected)
        : String.format(Locale.ROOT, "%-30s %-20s %s", layer, shape, params);
    return r.stripTrailing() + "\n";
  }
}
