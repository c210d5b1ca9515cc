package org.cnn4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnn4j.plot.ConfusionMatrix.Confusion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfusionMatrixTest {
  static final List<String> PETS = List.of("cat", "dog", "frog");

  /**
   * 10 samples; frog is never predicted. By hand, rows actual, columns predicted: cat 3 1 0 / dog 1
   * 2 0 / frog 2 1 0.
   */
  static ConfusionMatrix frogNeverPredicted() {
    return new ConfusionMatrix(
        new int[] {0, 0, 0, 0, 1, 1, 1, 2, 2, 2}, new int[] {0, 0, 0, 1, 1, 1, 0, 0, 1, 0}, PETS);
  }

  /** 5 samples, none of them a frog, one predicted frog: cat 1 0 1 / dog 1 2 0 / frog 0 0 0. */
  static ConfusionMatrix noFrogs() {
    return new ConfusionMatrix(new int[] {0, 0, 1, 1, 1}, new int[] {0, 2, 1, 1, 0}, PETS);
  }

  @Test
  void countsFractionsAndTotalsMatchHandTally() {
    ConfusionMatrix m = frogNeverPredicted();
    long[][] expected = {{3, 1, 0}, {1, 2, 0}, {2, 1, 0}};
    assertEquals(3, m.classes());
    assertEquals(PETS, m.classNames());
    for (int a = 0; a < 3; a++) {
      for (int p = 0; p < 3; p++) assertEquals(expected[a][p], m.count(a, p), a + "," + p);
    }
    assertEquals(0.75, m.fraction(0, 0), 1e-12);
    assertEquals(0.25, m.fraction(0, 1), 1e-12);
    assertEquals(2.0 / 3, m.fraction(2, 0), 1e-12);
    assertEquals(0.0, m.fraction(2, 2));
    assertEquals(4, m.support(0));
    assertEquals(6, m.predictedCount(0));
    assertEquals(0, m.predictedCount(2));
    assertEquals(10, m.total());
    assertEquals(0.5, m.accuracy(), 1e-12);
  }

  @Test
  void emptyRowHasZeroFractions() {
    ConfusionMatrix m = noFrogs();
    assertEquals(0, m.support(2));
    for (int p = 0; p < 3; p++) assertEquals(0.0, m.fraction(2, p));
    assertEquals(0.5, m.fraction(0, 2), 1e-12);
    assertEquals(0.6, m.accuracy(), 1e-12);
  }

  @Test
  void csvHasHeaderAndOneRowPerActualClass() {
    assertEquals(
        "actual\\predicted,cat,dog,frog\ncat,3,1,0\ndog,1,2,0\nfrog,2,1,0\n",
        frogNeverPredicted().toCsv());
    ConfusionMatrix quoted =
        new ConfusionMatrix(new int[] {1}, new int[] {0}, List.of("a,b", "say \"hi\""));
    assertEquals(
        "actual\\predicted,\"a,b\",\"say \"\"hi\"\"\"\n\"a,b\",0,0\n\"say \"\"hi\"\"\",1,0\n",
        quoted.toCsv());
  }

  @Test
  void writeCsvParsesBackWithOneRowPerClass(@TempDir Path dir) throws Exception {
    ConfusionMatrix m = ConfusionMatrixChartTest.cifarLike();
    Path csv = dir.resolve("run/1/confusion-matrix.csv");
    m.writeCsv(csv);
    List<String> lines = Files.readAllLines(csv);
    assertEquals(1 + 10, lines.size());
    assertEquals("actual\\predicted," + String.join(",", m.classNames()), lines.get(0));
    for (int a = 0; a < 10; a++) {
      String[] fields = lines.get(1 + a).split(",");
      assertEquals(11, fields.length);
      assertEquals(m.classNames().get(a), fields[0]);
      long sum = 0;
      for (int p = 0; p < 10; p++) {
        assertEquals(m.count(a, p), Long.parseLong(fields[1 + p]));
        sum += Long.parseLong(fields[1 + p]);
      }
      assertEquals(1000, sum);
    }
    try (var files = Files.list(csv.getParent())) {
      assertEquals(List.of(csv), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void mostConfusedIsLargestOffDiagonalFirst() {
    assertEquals(
        List.of(new Confusion(2, 0, "frog", "cat", 2), new Confusion(0, 1, "cat", "dog", 1)),
        frogNeverPredicted().mostConfused(2));
    assertEquals(4, frogNeverPredicted().mostConfused(100).size(), "only the non-zero cells");
    List<Confusion> cifar = ConfusionMatrixChartTest.cifarLike().mostConfused(2);
    assertEquals("cat", cifar.get(0).actualName());
    assertEquals("dog", cifar.get(0).predictedName());
    assertEquals("dog", cifar.get(1).actualName());
    assertEquals("cat", cifar.get(1).predictedName());
  }

  @Test
  void badInputsAreExplained() {
    var lengths =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConfusionMatrix(new int[3], new int[2], PETS));
    assertTrue(
        lengths.getMessage().contains("3") && lengths.getMessage().contains("2"),
        lengths.getMessage());
    var label =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConfusionMatrix(new int[] {0, 3}, new int[] {0, 0}, PETS));
    assertEquals(
        "labels[1] = 3 is not a class index: there are 3 class names, so indices run 0..2",
        label.getMessage());
    var predicted =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConfusionMatrix(new int[] {0}, new int[] {-1}, PETS));
    assertTrue(predicted.getMessage().startsWith("predicted[0] = -1"), predicted.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ConfusionMatrix(new int[0], new int[0], List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> ConfusionMatrix.fromCounts(new long[][] {{1, 2}, {3}}, List.of("a", "b")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ConfusionMatrix.fromCounts(new long[][] {{1, -2}, {3, 4}}, List.of("a", "b")));
  }
}
