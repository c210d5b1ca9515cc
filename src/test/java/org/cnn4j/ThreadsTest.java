package org.cnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.FitOptions;
import org.junit.jupiter.api.Test;

class ThreadsTest {
  @Test
  void oneSettingForOneDnnAndOurKernels() {
    int before = Threads.get();
    try {
      Threads.set(1);
      assertEquals(1, Threads.get());
      // Training still works (and gives the same numbers: f32 kernels per thread count are deterministic).
      try (Sequential m = Models.reference(8, 8, 3, 2)) {
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        m.fit(new float[4 * 8 * 8 * 3], new int[] {0, 1, 0, 1}, new FitOptions().batchSize(2));
      }
      assertThrows(IllegalArgumentException.class, () -> Threads.set(0));
    } finally {
      Threads.set(before);
    }
    assertEquals(before, Threads.get());
  }
}
