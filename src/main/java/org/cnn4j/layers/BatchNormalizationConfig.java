package org.cnn4j.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.util.Map;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.io.LayerConfig;

/** BatchNormalization's Keras config, read (Keras 3 and Keras 2 keys) and written (Keras 3's keys, in order). */
final class BatchNormalizationConfig {
  private static final String[] WEIGHTS = {"beta", "gamma", "moving_mean", "moving_variance"};
  private static final String[] TRAINING_ONLY = {"beta_regularizer", "gamma_regularizer", "beta_constraint",
    "gamma_constraint"};

  private BatchNormalizationConfig() {}

  /** What each weight starts at: ones for gamma and moving_variance, zeros for the others. */
  private static Parameter.Init usual(String weight) {
    return weight.equals("gamma") || weight.equals("moving_variance") ? Parameter.Init.ONES : Parameter.Init.ZEROS;
  }

  static BatchNormalization read(LayerConfig c) {
    JsonNode axis = c.get("axis");
    JsonNode a = axis != null && axis.isArray() && axis.size() == 1 ? axis.get(0) : axis;
    // -1, or the last axis counted from the batch axis: 3 for images, 1 for vectors (Keras 2 writes [3]).
    boolean last = a == null || a.isNull() || a.isIntegralNumber() && (a.asInt() == -1 || a.asInt() == 1
        || a.asInt() == 3);
    if (!last) throw c.unsupported("axis", axis, "-1 (the channels, last axis)");
    BatchNormalization bn = new BatchNormalization().momentum(c.number("momentum", 0.99))
        .epsilon(c.number("epsilon", 1e-3)).center(c.bool("center", true)).scale(c.bool("scale", true));
    for (String w : WEIGHTS) {
      if (c.initializer(w + "_initializer", usual(w)) != usual(w)) {
        c.warn(w + "_initializer", "is ignored: cnn4j starts " + w + " at " + usual(w).kerasName());
      }
    }
    for (String k : TRAINING_ONLY) c.trainingOnly(k);
    c.get("synchronized"); // one device: synchronized or not, the statistics are the batch's
    c.require("renorm", "false", BooleanNode.FALSE);
    c.get("renorm_clipping");
    c.get("renorm_momentum");
    c.requireNull("virtual_batch_size");
    c.requireNull("adjustment");
    c.get("fused"); // Keras 2's choice of kernel: the same result
    return bn;
  }

  static void write(Map<String, Object> c, float momentum, float epsilon, boolean center, boolean scale) {
    c.put("axis", -1);
    c.put("momentum", momentum);
    c.put("epsilon", epsilon);
    c.put("center", center);
    c.put("scale", scale);
    for (String w : WEIGHTS) c.put(w + "_initializer", Initializers.toConfig(usual(w)));
    for (String k : TRAINING_ONLY) c.put(k, null);
    c.put("synchronized", false);
  }
}
