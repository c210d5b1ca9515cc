package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.io.KerasModelConfig;
import org.junit.jupiter.api.Test;

/** The zoo's residual networks have the parameter counts Keras's cifar10_resnet.py prints. */
class ResNetTest {
  @Test
  void resnet20V1HasKerasCounts() {
    try (Model m = Models.resnet(20)) {
      assertEquals(274_442, m.countParams());
      assertEquals(273_066, m.countTrainableParams());
      String summary = m.summary();
      assertTrue(summary.contains("Total params: 274,442"), summary);
      assertTrue(summary.contains("Trainable params: 273,066"), summary);
      assertTrue(summary.contains("Non-trainable params: 1,376"), summary);
      assertTrue(summary.lines().anyMatch(l -> l.startsWith("add (Add)") && l.contains("(None, 32, 32, 16)")),
          summary);
      // Read back from its Keras JSON: the same graph and counts.
      try (Model again = KerasModelConfig.fromJson(KerasModelConfig.toJson(m))) {
        assertEquals(274_442, again.countParams());
        assertEquals(273_066, again.countTrainableParams());
        assertEquals(m.summary(), again.summary());
      }
    }
  }

  @Test
  void deeperV1AndV2Count() {
    // One more basic block per stage adds two 3x3 convs with bias and two BNs at 16, 32 and 64
    // filters: sum over f of 2 (9 f^2 + f) + 2 * 4 f = 97,888 (Keras: ResNet32 0.46M, ResNet56 0.85M).
    int perBlock = 0;
    for (int f : new int[] {16, 32, 64}) perBlock += 2 * (9 * f * f + f) + 2 * 4 * f;
    assertEquals(97_888, perBlock);
    try (Model m32 = Models.resnet(32); Model m56 = Models.resnet(56)) {
      assertEquals(274_442 + 2 * perBlock, m32.countParams());
      assertEquals(274_442 + 6 * perBlock, m56.countParams());
    }
    try (Model v2 = Models.byName("resnet29v2", 32, 32, 3, 10)) {
      assertTrue(v2.countParams() > 0);
      assertTrue(v2.summary().contains("resnet29v2"));
    }
  }
}
