package org.cnn4j.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.dnnl.Step;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every primitive of the reference model is a JIT kernel, at the batch sizes people train with. */
class ImplementationTest {
  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {10, 64})
  void noReferenceKernels(int batch) {
    try (Sequential model = Models.reference(32, 32, 3, 10)) {
      model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      for (boolean training : new boolean[] {true, false}) {
        Plan plan = model.plan(batch, training);
        for (Step s : plan.steps()) {
          assertFalse(s.implementation().isEmpty(), s.toString());
          assertFalse(s.implementation().startsWith("ref"), s.layer() + " " + s.role() + ": " + s.implementation());
        }
        Set<String> layersWithPrimitives = plan.forwardSteps().stream().map(Step::layer).collect(Collectors.toSet());
        assertTrue(layersWithPrimitives.containsAll(List.of("conv2d", "conv2d_1", "max_pooling2d", "dense",
            "dense_1")), layersWithPrimitives.toString());
      }
      Plan train = model.plan(batch, true);
      Set<String> backward = train.backwardSteps().stream().map(s -> s.layer() + " " + s.role())
          .collect(Collectors.toSet());
      assertTrue(backward.containsAll(List.of("conv2d backward-weights", "conv2d_1 backward-data",
          "conv2d_1 backward-weights", "max_pooling2d backward-data", "dense backward-data",
          "dense backward-weights", "dense_1 backward-weights", "dropout backward-data")), backward.toString());
      assertFalse(backward.contains("conv2d backward-data"), "the input's gradient is never needed");
      assertFalse(backward.contains("dense_1 softmax backward"), "the loss gives the logits' gradient");
    }
  }
}
