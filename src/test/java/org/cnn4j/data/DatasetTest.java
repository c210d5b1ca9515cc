package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

class DatasetTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  /** n images of 2x2x3 whose byte at (i, y, x, c) is i*16 + y*8 + x*4 + c. */
  private static byte[] pattern(int n) {
    byte[] bytes = new byte[n * 12];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 2; x++) {
          for (int c = 0; c < 3; c++) {
            bytes[((i * 2 + y) * 2 + x) * 3 + c] = (byte) (i * 16 + y * 8 + x * 4 + c);
          }
        }
      }
    }
    return bytes;
  }

  @Test
  void ofKeepsNhwcBytesLabelsAndShape() {
    try (Dataset d = Dataset.of(pattern(4), new int[] {2, 0, 1, 2}, 2, 2, 3, ABC)) {
      assertEquals(4, d.size());
      assertEquals(2, d.height());
      assertEquals(2, d.width());
      assertEquals(3, d.channels());
      assertEquals(3, d.numClasses());
      assertEquals(12, d.imageBytes());
      assertEquals(ABC, d.classNames());
      assertArrayEquals(new int[] {2, 0, 1, 2}, d.labels());
      assertEquals(1, d.label(2));
      byte[] image = new byte[12];
      d.copyImage(3, image);
      assertArrayEquals(Arrays.copyOfRange(pattern(4), 36, 48), image);
      assertEquals(3 * 16 + 8 + 4 + 2, d.image(3)[11]); // y=1, x=1, c=2
      BytePointer all = d.images();
      assertEquals(d.address(), all.address());
      assertEquals(48, all.capacity());
      assertEquals(2 * 16 + 4 + 1, all.get(24 + 4));
    }
  }

  @Test
  void ofQuotesWrongLengthsAndLabels() {
    var wrongLength = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(new byte[47], new int[4], 2, 2, 3, ABC));
    assertTrue(wrongLength.getMessage().contains("47") && wrongLength.getMessage().contains("48"),
        wrongLength.getMessage());
    var badLabel = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(pattern(2), new int[] {0, 3}, 2, 2, 3, ABC));
    assertTrue(badLabel.getMessage().contains("label 3 of image 1"), badLabel.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Dataset.of(pattern(1), new int[1], 2, 2, 3, List.of()));
    assertThrows(IllegalArgumentException.class, () -> Dataset.of(pattern(1), new int[1], 2, 2, 3, List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> Dataset.allocate(1, 0, 2, 3, ABC));
  }

  @Test
  void allocateStartsBlackAndFillsInPlace() {
    try (Dataset d = Dataset.allocate(3, 2, 2, 3, ABC)) {
      assertArrayEquals(new byte[12], d.image(2));
      d.setImage(1, Arrays.copyOfRange(pattern(2), 12, 24));
      d.setLabel(1, 2);
      assertArrayEquals(Arrays.copyOfRange(pattern(2), 12, 24), d.image(1));
      assertArrayEquals(new int[] {0, 2, 0}, d.labels());
      assertThrows(IllegalArgumentException.class, () -> d.setImage(0, new byte[11]));
      assertThrows(IllegalArgumentException.class, () -> d.setLabel(0, -1));
      assertThrows(IndexOutOfBoundsException.class, () -> d.setLabel(3, 0));
    }
    try (Dataset empty = Dataset.allocate(0, 2, 2, 3, ABC)) {
      assertEquals(0, empty.size());
      assertEquals(0, empty.labels().length);
    }
  }

  @Test
  void subsetIsAViewThatNeverFrees() {
    Dataset owner = Dataset.of(pattern(5), new int[] {0, 1, 2, 0, 1}, 2, 2, 3, ABC);
    Dataset view = owner.subset(1, 4);
    assertEquals(3, view.size());
    assertArrayEquals(new int[] {1, 2, 0}, view.labels());
    assertArrayEquals(owner.image(2), view.image(1));
    assertEquals(owner.address() + 12, view.address());
    view.setImage(0, new byte[12]); // shared memory: visible through the owner
    assertArrayEquals(new byte[12], owner.image(1));
    Dataset inner = view.subset(1, 3);
    assertArrayEquals(new int[] {2, 0}, inner.labels());
    view.images().close(); // a non-owning pointer: frees nothing
    view.close();
    assertEquals(2, owner.label(2)); // owner still usable
    assertThrows(IllegalStateException.class, view::labels);
    owner.close();
    assertThrows(IllegalStateException.class, () -> inner.image(0));
    try (Dataset two = Dataset.allocate(2, 1, 1, 1, ABC)) {
      assertThrows(IndexOutOfBoundsException.class, () -> two.subset(1, 3));
    }
  }

  @Test
  void splitTakesTheLastFractionLikeKeras() {
    try (Dataset d = Dataset.of(pattern(10), new int[10], 2, 2, 3, ABC)) {
      Dataset[] parts = d.split(0.2);
      assertEquals(8, parts[0].size());
      assertEquals(2, parts[1].size());
      assertArrayEquals(d.image(8), parts[1].image(0));
      assertEquals(7, d.split(0.25)[0].size()); // int(10 * 0.75) = 7, as Keras
      assertThrows(IllegalArgumentException.class, () -> d.split(0));
      assertThrows(IllegalArgumentException.class, () -> d.split(1));
    }
  }

  @Test
  void concatJoinsInOrder() {
    try (Dataset a = Dataset.of(pattern(2), new int[] {1, 2}, 2, 2, 3, ABC);
        Dataset b = Dataset.of(pattern(3), new int[] {0, 0, 1}, 2, 2, 3, ABC);
        Dataset joined = Dataset.concat(a, b.subset(1, 3))) {
      assertArrayEquals(new int[] {1, 2, 0, 1}, joined.labels());
      assertArrayEquals(b.image(2), joined.image(3));
      assertArrayEquals(a.image(1), joined.image(1));
      try (Dataset gray = Dataset.allocate(1, 2, 2, 1, ABC)) {
        assertThrows(IllegalArgumentException.class, () -> Dataset.concat(a, gray));
      }
    }
  }

  @Test
  void closeIsIdempotentAndClosedUseFails() {
    Dataset d = Dataset.of(pattern(1), new int[1], 2, 2, 3, ABC);
    d.close();
    d.close();
    var e = assertThrows(IllegalStateException.class, () -> d.image(0));
    assertTrue(e.getMessage().contains("closed"));
    assertThrows(IllegalStateException.class, d::address);
    assertThrows(IllegalStateException.class, d::images);
    assertThrows(IllegalStateException.class, () -> d.subset(0, 1));
  }
}
