package org.cnn4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cnn4j.plot.ClassificationReport.Scores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassificationReportTest {
  private static final double EPS = 1e-12;

  private static void assertScores(
      Scores s, double precision, double recall, double f1, long support) {
    assertEquals(precision, s.precision(), EPS, s.name() + " precision");
    assertEquals(recall, s.recall(), EPS, s.name() + " recall");
    assertEquals(f1, s.f1(), EPS, s.name() + " f1");
    assertEquals(support, s.support(), s.name() + " support");
  }

  @Test
  void classNeverPredictedHasZeroPrecision() {
    // cat 3 1 0 / dog 1 2 0 / frog 2 1 0 (rows actual).
    ClassificationReport r = ConfusionMatrixTest.frogNeverPredicted().report();
    assertScores(r.scores(0), 3 / 6.0, 3 / 4.0, 6 / 10.0, 4); // tp 3, fp 1 + 2, fn 1
    assertScores(r.scores(1), 2 / 4.0, 2 / 3.0, 4 / 7.0, 3); // tp 2, fp 1 + 1, fn 1
    assertScores(r.scores(2), 0, 0, 0, 3); // never predicted: precision 0/0 -> 0
    assertEquals(0.5, r.accuracy(), EPS);
    assertEquals(10, r.total());
    assertScores(r.macroAvg(), (0.5 + 0.5) / 3, (0.75 + 2 / 3.0) / 3, (0.6 + 4 / 7.0) / 3, 10);
    assertScores(r.weightedAvg(), (4 * 0.5 + 3 * 0.5) / 10, 0.5, (4 * 0.6 + 3 * 4 / 7.0) / 10, 10);
    assertEquals("macro avg", r.macroAvg().name());
    assertEquals("frog", r.classes().get(2).name());
  }

  @Test
  void classWithNoSamplesCountsInMacroButNotWeightedAverage() {
    // cat 1 0 1 / dog 1 2 0 / frog 0 0 0.
    ClassificationReport r = ConfusionMatrixTest.noFrogs().report();
    assertScores(r.scores(0), 0.5, 0.5, 0.5, 2); // tp 1, fp 1, fn 1
    assertScores(r.scores(1), 1, 2 / 3.0, 0.8, 3); // tp 2, fp 0, fn 1
    assertScores(r.scores(2), 0, 0, 0, 0); // tp 0, fp 1, no samples: recall 0/0 -> 0
    assertEquals(0.6, r.accuracy(), EPS);
    assertScores(r.macroAvg(), 1.5 / 3, (0.5 + 2 / 3.0) / 3, 1.3 / 3, 5);
    assertScores(r.weightedAvg(), (2 * 0.5 + 3 * 1) / 5.0, 0.6, (2 * 0.5 + 3 * 0.8) / 5, 5);
  }

  @Test
  void textIsLaidOutLikeScikitLearn() {
    ClassificationReport r = ConfusionMatrixTest.frogNeverPredicted().report();
    String expected =
        """
                      precision    recall  f1-score   support

                 cat       0.50      0.75      0.60         4
                 dog       0.50      0.67      0.57         3
                frog       0.00      0.00      0.00         3

            accuracy                           0.50        10
           macro avg       0.33      0.47      0.39        10
        weighted avg       0.35      0.50      0.41        10
        """;
    assertEquals(expected, r.toText());
    String four = r.toText(4);
    assertEquals(expected.lines().count(), four.lines().count());
    assertEquals(
        "   macro avg     0.3333    0.4722    0.3905        10", four.lines().toList().get(7));
  }

  @Test
  void writesTheText(@TempDir Path dir) throws Exception {
    Path txt = dir.resolve("out/report.txt");
    ClassificationReport r = ConfusionMatrixChartTest.cifarLike().report();
    r.write(txt);
    assertEquals(r.toText(), Files.readString(txt));
    assertEquals(10 + 6, r.toText().lines().count());
  }
}
