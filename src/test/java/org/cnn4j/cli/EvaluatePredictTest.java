package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.cnn4j.cli.Cli.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnn4j evaluate and predict with a model trained once for all tests. */
class EvaluatePredictTest {
  @TempDir static Path shared;
  static Path run;
  static Path model;

  @TempDir Path dir;

  @BeforeAll
  static void train() {
    run = shared.resolve("run");
    Run r = Cli.run("train", "--data", "shapes:60,20", "--epochs", "1", "--verbose", "0", "--out", run.toString());
    assertEquals(0, r.code(), r.err());
    model = run.resolve("model.cnn4j");
  }

  static Path png(Path file, int width, int height, int type) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) img.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8);
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  /** Ten classes of 32x32 RGB images, named unlike the shapes' classes. */
  static Path folderOfTenClasses(Path root) throws IOException {
    for (int c = 0; c < 10; c++) {
      for (int i = 0; i < 2; i++) png(root.resolve("class" + c).resolve(i + ".png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    }
    return root;
  }

  /** Issue 15, item 5: evaluate without --data used to evaluate on the synthetic shapes and exit 0. */
  @Test
  void evaluateNeedsData() {
    Run r = Cli.run("evaluate", "--model", model.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("Missing required option: '--data=SPEC'"), r.err());
  }

  /** Item 5: data whose class names differ from the model's gets a warning naming both. */
  @Test
  void evaluateWarnsOfOtherClassNames() throws IOException {
    Path data = folderOfTenClasses(dir.resolve("data"));
    Run r = Cli.run("evaluate", "--model", model.toString(), "--data", "folder:" + data);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: the data's classes [class0, class1, class2, ") && r.err().contains(
        "differ from the model's [circle, "), r.err());
    Run same = Cli.run("evaluate", "--model", model.toString(), "--data", "shapes:10,20");
    assertEquals(0, same.code(), same.err());
    assertFalse(same.err().contains("warning"), same.err());
  }

  /** Item 9: --model reference, or a folder, used to be "no such file". */
  @Test
  void modelErrorsSayWhatToGive() throws IOException {
    Path img = png(dir.resolve("x.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    Run reference = Cli.run("predict", "--model", "reference", img.toString());
    assertEquals(1, reference.code());
    assertTrue(reference.err().contains("--model reference is the untrained built-in architecture")
        && reference.err().contains("model.cnn4j"), reference.err());
    assertFalse(reference.err().contains("no such file"), reference.err());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run folder = Cli.run("evaluate", "--model", empty.toString(), "--data", "shapes:10,10");
    assertEquals(1, folder.code());
    assertTrue(folder.err().contains("--model " + empty + " is a folder without model.cnn4j"), folder.err());

    Run runFolder = Cli.run("predict", "--model", run.toString(), img.toString());
    assertEquals(0, runFolder.code(), runFolder.err());
    assertTrue(runFolder.out().contains("x.png: "), runFolder.out());
  }

  /** Item 6: --csv was ignored for image files. */
  @Test
  void predictWritesImageRowsToCsv() throws IOException {
    Path a = png(dir.resolve("a.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    Path b = png(dir.resolve("b.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    Path csv = dir.resolve("p.csv");
    Run r = Cli.run("predict", "--model", model.toString(), "--csv", csv.toString(), a.toString(), b.toString());
    assertEquals(0, r.code(), r.err());
    List<String> rows = Files.readAllLines(csv);
    assertEquals(3, rows.size(), rows.toString());
    assertEquals("path,predicted,probability", rows.get(0));
    assertTrue(rows.get(1).startsWith(a + ",") && rows.get(2).startsWith(b + ","), rows.toString());
  }

  /** Item 16: one unreadable image no longer aborts the list; it is named, counted and the exit code says so. */
  @Test
  void predictGoesOnPastAnUnreadableImage() throws IOException {
    Path a = png(dir.resolve("a.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    Path bad = Files.write(dir.resolve("bad.jpg"), new byte[] {1, 2, 3});
    Path c = png(dir.resolve("c.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    Run r = Cli.run("predict", "--model", model.toString(), a.toString(), bad.toString(), c.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("a.png: ") && r.out().contains("c.png: "), r.out());
    assertTrue(r.err().contains("bad.jpg") && r.err().contains("1 of 3 images could not be read"), r.err());
  }

  /** Item 16: top-k, folders, class names kept in the model file. */
  @Test
  void predictTopKOfAFolder() throws IOException {
    Path images = dir.resolve("images");
    png(images.resolve("b.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    png(images.resolve("sub").resolve("a.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    Files.writeString(images.resolve("notes.txt"), "not an image");
    Files.delete(run.resolve("classes.txt")); // the names come from the model file now
    try {
      Run r = Cli.run("predict", "--model", model.toString(), "--top", "3", images.toString());
      assertEquals(0, r.code(), r.err());
      List<String> lines = r.out().lines().toList();
      assertEquals(2, lines.size(), r.out());
      assertTrue(lines.get(0).startsWith(images.resolve("b.png") + ": "), lines.get(0));
      assertTrue(lines.get(1).startsWith(images.resolve("sub").resolve("a.png") + ": "), lines.get(1));
      assertTrue(lines.get(0).matches(".*: [a-z_]+ \\(0\\.\\d{4}\\), [a-z_]+ \\(0\\.\\d{4}\\), [a-z_]+ \\(0\\.\\d{4}\\)"),
          lines.get(0));
      Path csv = dir.resolve("top.csv");
      Run c = Cli.run("predict", "--model", model.toString(), "--top", "2", "--csv", csv.toString(), images.toString());
      assertEquals(0, c.code(), c.err());
      assertEquals("path,predicted,probability,predicted_2,probability_2", Files.readAllLines(csv).get(0));
    } finally {
      Files.writeString(run.resolve("classes.txt"), String.join("\n", org.cnn4j.data.SyntheticShapes.CLASS_NAMES) + "\n");
    }
  }

  /** Item 16: gray images given to an RGB model are converted with a warning, not silently. */
  @Test
  void predictWarnsOfConvertedChannelsAndResizing() throws IOException {
    Path gray = png(dir.resolve("g.png"), 32, 32, BufferedImage.TYPE_BYTE_GRAY);
    Path big = png(dir.resolve("big.png"), 40, 30, BufferedImage.TYPE_INT_RGB);
    Run r = Cli.run("predict", "--model", model.toString(), gray.toString(), big.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("1 grayscale image was converted to the model's 3 channels"), r.err());
    assertTrue(r.err().contains("1 image was resized to the model's 32x32 (width x height)"), r.err());
  }

  /** Item 16: a classes.txt of the wrong length (a model file without names) is named, not ignored. */
  @Test
  void aClassesFileOfTheWrongLengthIsReported() throws IOException {
    Path old = dir.resolve("old");
    Files.createDirectories(old);
    try (org.cnn4j.model.Sequential m = org.cnn4j.model.Models.reference(32, 32, 3, 10)) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      m.save(old.resolve("model.cnn4j"));
    }
    Files.writeString(old.resolve("classes.txt"), "a\nb\n");
    Path img = png(dir.resolve("x.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
    Run r = Cli.run("predict", "--model", old.toString(), img.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("classes.txt lists 2 class names but the model has 10 outputs"), r.err());
    assertTrue(r.out().matches("(?s).*x\\.png: \\d \\(0\\.\\d{4}\\).*"), r.out());
  }

  /** Item 15: evaluate and predict --data read the test split only (a broken training image is never seen). */
  @Test
  void evaluateReadsTheTestSplitOnly() throws IOException {
    Path data = dir.resolve("data");
    folderOfTenClasses(data.resolve("test"));
    folderOfTenClasses(data.resolve("train"));
    Files.write(data.resolve("train").resolve("class0").resolve("broken.png"), new byte[] {1, 2, 3});
    Run r = Cli.run("evaluate", "--model", model.toString(), "--data", "folder:" + data);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("20 samples"), r.out());
    Run p = Cli.run("predict", "--model", model.toString(), "--data", "folder:" + data, "--csv",
        dir.resolve("p.csv").toString());
    assertEquals(0, p.code(), p.err());
  }

  /** Item 11: evaluate resizes folder images to the model's input (or --image-size), as predict does. */
  @Test
  void evaluateResizesFolderImagesToTheModel() throws IOException {
    Path data = dir.resolve("wide");
    for (int c = 0; c < 10; c++) png(data.resolve("c" + c).resolve("0.png"), 40, 30, BufferedImage.TYPE_INT_RGB);
    Run r = Cli.run("evaluate", "--model", model.toString(), "--data", "folder:" + data);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("10 samples"), r.out());
  }
}
