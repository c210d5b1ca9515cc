package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnn4j.cli.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnn4j train's options as a new user reads them in --help. */
class TrainOptionsTest {
  /** Issue 15, item 1: "continue training a saved model" failed with "set the seed before the model first runs". */
  @Test
  void continuesTrainingASavedModel(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("first");
    Run a = Cli.run("train", "--data", "shapes:60,20", "--epochs", "1", "--verbose", "0", "--out", first.toString());
    assertEquals(0, a.code(), a.err());
    Path second = dir.resolve("second");
    Run b = Cli.run("train", "--model", first.resolve("model.cnn4j").toString(), "--data", "shapes:60,20",
        "--epochs", "1", "--verbose", "0", "--out", second.toString());
    assertEquals(0, b.code(), b.err());
    assertTrue(Files.isRegularFile(second.resolve("model.cnn4j")));
  }

  /** Item 2: --validation-split 0 trains on all the data, with no validation, as in Keras. */
  @Test
  void validationSplitZeroMeansNoValidation(@TempDir Path dir) throws Exception {
    Path images = dir.resolve("images.idx");
    Path labels = dir.resolve("labels.idx");
    Idx.write(images, labels, 50, 8, 8);
    Path out = dir.resolve("out");
    Run r = Cli.run("train", "--data", "idx:" + images + "," + labels, "--epochs", "1", "--batch", "10",
        "--validation-split", "0", "--verbose", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String header = Files.readAllLines(out.resolve("history.csv")).get(0);
    assertFalse(header.contains("val_loss") || header.contains("val_accuracy"), "no validation: " + header);
    assertEquals(50, support(out), "the report is of all 50 training images");

    Path out2 = dir.resolve("out2");
    Run d = Cli.run("train", "--data", "idx:" + images + "," + labels, "--epochs", "1", "--batch", "10",
        "--verbose", "2", "--out", out2.toString());
    assertEquals(0, d.code(), d.err());
    assertTrue(Files.readAllLines(out2.resolve("history.csv")).get(0).contains("val_loss"),
        "without the option, 0.2 is held out");
    assertEquals(10, support(out2), "the report is of the 10 held-out images");
  }

  /** The images counted in confusion-matrix.csv. */
  static long support(Path out) throws java.io.IOException {
    return Files.readAllLines(out.resolve("confusion-matrix.csv")).stream().skip(1)
        .flatMap(row -> java.util.Arrays.stream(row.split(",")).skip(1)).mapToLong(Long::parseLong).sum();
  }

  /** Item 8: --epochs 0 used to save an untrained model and a history.csv with the header "epoch,". */
  @Test
  void epochsAndBatchMustBePositive(@TempDir Path dir) throws Exception {
    for (List<String> bad : List.of(List.of("--epochs", "0"), List.of("--epochs", "-2"), List.of("--batch", "0"))) {
      Path out = dir.resolve("out");
      String[] args = java.util.stream.Stream.concat(
          java.util.stream.Stream.of("train", "--data", "shapes:40,10", "--verbose", "0", "--out", out.toString()),
          bad.stream()).toArray(String[]::new);
      Run r = Cli.run(args);
      assertEquals(1, r.code(), bad + ": " + r.out());
      assertTrue(r.err().contains(bad.get(0) + " " + bad.get(1) + ": expected at least 1"), r.err());
      assertFalse(Files.exists(out), "nothing written for " + bad);
    }
  }

  /** Item 3: after --resume, history.csv/json and the plots hold the whole run with its real epoch numbers. */
  @Test
  void aResumedRunsHistoryHoldsEveryEpoch(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("ckpt");
    Run a = Cli.run("train", "--data", "shapes:60,20", "--epochs", "2", "--verbose", "0", "--resume",
        ckpt.toString(), "--out", dir.resolve("a").toString());
    assertEquals(0, a.code(), a.err());
    Path out = dir.resolve("b");
    Run b = Cli.run("train", "--data", "shapes:60,20", "--epochs", "3", "--verbose", "0", "--resume",
        ckpt.toString(), "--out", out.toString());
    assertEquals(0, b.code(), b.err());
    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(4, csv.size(), String.join("\n", csv));
    List<String> firstRun = Files.readAllLines(dir.resolve("a").resolve("history.csv"));
    assertEquals(firstRun.get(1), csv.get(1), "epoch 1 as the first process trained it");
    assertEquals(firstRun.get(2), csv.get(2));
    assertTrue(csv.get(3).startsWith("3,"), csv.get(3));
    String json = Files.readString(out.resolve("history.json"));
    assertTrue(json.contains("\"epoch\" : 3") && json.contains("\"epoch\" : 1"), json);
  }

  /** Item 11: mixed sizes name the option that resizes them; --image-size WIDTHxHEIGHT trains at that size. */
  @Test
  void imageSizeOption(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 6; i++) {
        EvaluatePredictTest.png(data.resolve("c" + c).resolve(i + ".png"), i == 5 ? 24 : 20, 16,
            java.awt.image.BufferedImage.TYPE_INT_RGB);
      }
    }
    Run mixed = Cli.run("train", "--data", "folder:" + data, "--epochs", "1", "--verbose", "0", "--out",
        dir.resolve("a").toString());
    assertEquals(1, mixed.code());
    assertTrue(mixed.err().contains("5.png is 24x16 (width x height)") && mixed.err().contains("--image-size"),
        mixed.err());
    Run sized = Cli.run("train", "--data", "folder:" + data, "--image-size", "12x8", "--epochs", "1",
        "--batch", "4", "--verbose", "0", "--out", dir.resolve("b").toString());
    assertEquals(0, sized.code(), sized.err());
    Run summary = Cli.run("summary", "--model", dir.resolve("b").resolve("model.cnn4j").toString());
    assertTrue(summary.out().contains("(None, 8, 12, 32)"), summary.out());
    Run bad = Cli.run("train", "--data", "folder:" + data, "--image-size", "12", "--out", dir.resolve("c").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("--image-size 12: expected WIDTHxHEIGHT"), bad.err());
  }

  /** Item 7: train names a damaged image, or with --skip-damaged-images leaves it out and says so. */
  @Test
  void damagedImagesInTraining(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 5; i++) {
        Path f = data.resolve("c" + c).resolve(i + ".jpg");
        Files.createDirectories(f.getParent());
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32,
            java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) img.setRGB(x, y, x * y * 999);
        javax.imageio.ImageIO.write(img, "jpg", f.toFile());
      }
    }
    Path cut = data.resolve("c1").resolve("2.jpg");
    byte[] whole = Files.readAllBytes(cut);
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
    Run r = Cli.run("train", "--data", "folder:" + data, "--epochs", "1", "--verbose", "0", "--out",
        dir.resolve("a").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("2.jpg is damaged") && r.err().contains("--skip-damaged-images"), r.err());
    Run skip = Cli.run("train", "--data", "folder:" + data, "--epochs", "1", "--batch", "3", "--verbose", "0",
        "--validation-split", "0", "--skip-damaged-images", "--out", dir.resolve("b").toString());
    assertEquals(0, skip.code(), skip.err());
    assertTrue(skip.err().contains("skipped 1 of 10 images"), skip.err());
    assertEquals(9, support(dir.resolve("b")));
  }

  /** Item 12: a one-class folder trained a Dense(1) softmax to loss 0 without a word. */
  @Test
  void oneClassIsRefused(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    for (int i = 0; i < 4; i++) {
      EvaluatePredictTest.png(data.resolve("cats").resolve(i + ".png"), 8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    }
    Run r = Cli.run("train", "--data", "folder:" + data, "--epochs", "1", "--verbose", "0", "--out",
        dir.resolve("out").toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().contains("the data has one class (cats)") && r.err().contains("at least two"), r.err());
  }

  /** Item 12: more threads than cores ran 15 times slower, without a warning. */
  @Test
  void moreThreadsThanCoresAreWarnedOf(@TempDir Path dir) {
    int cores = Runtime.getRuntime().availableProcessors();
    int before = org.cnn4j.Threads.get();
    try {
      Run r = Cli.run("train", "--data", "shapes:20,10", "--epochs", "1", "--verbose", "0", "--threads",
          Integer.toString(cores + 1), "--out", dir.resolve("out").toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("warning: --threads " + (cores + 1) + " is more than the " + cores
          + " cores"), r.err());
      Run ok = Cli.run("train", "--data", "shapes:20,10", "--epochs", "1", "--verbose", "0", "--threads",
          "1", "--out", dir.resolve("out1").toString());
      assertFalse(ok.err().contains("warning"), ok.err());
    } finally {
      org.cnn4j.Threads.set(before);
    }
  }

  /** Item 10: folder: takes an image-folder archive as it is downloaded. */
  @Test
  void trainsOnAnImageFolderArchive(@TempDir Path dir) throws Exception {
    Path tree = dir.resolve("tree");
    for (String split : List.of("train", "test")) {
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 4; i++) {
          EvaluatePredictTest.png(tree.resolve("set").resolve(split).resolve("c" + c).resolve(i + ".png"), 8, 8,
              java.awt.image.BufferedImage.TYPE_INT_RGB);
        }
      }
    }
    Path archive = dir.resolve("set.tar.gz");
    Process tar = new ProcessBuilder("tar", "czf", archive.toString(), "-C", tree.toString(), "set")
        .redirectErrorStream(true).start();
    assertEquals(0, tar.waitFor(), new String(tar.getInputStream().readAllBytes()));
    Path out = dir.resolve("out");
    Run r = Cli.run("train", "--data", "folder:" + archive, "--epochs", "1", "--batch", "4", "--verbose", "0",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(8, support(out), "the 8 test images");
    Run cifar = Cli.run("train", "--data", "cifar10:" + archive, "--epochs", "1", "--out", dir.resolve("o2").toString());
    assertEquals(1, cifar.code());
    assertTrue(cifar.err().contains("--data folder:" + archive), cifar.err());
  }

  /** Item 18: the library's early stopping and learning-rate schedule, from the command line. */
  @Test
  void earlyStoppingAndReduceLr(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Run r = Cli.run("train", "--data", "shapes:40,10", "--epochs", "30", "--batch", "10",
        "--early-stopping", "1", "--reduce-lr", "1", "--reduce-lr-factor", "0.1", "--verbose", "2", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    int epochs = Files.readAllLines(out.resolve("history.csv")).size() - 1;
    assertTrue(epochs < 30, "stopped early, after " + epochs + " epochs");
    try (org.cnn4j.model.Sequential m = org.cnn4j.model.Sequential.load(out.resolve("model.cnn4j"))) {
      assertTrue(m.optimizer().learningRate() < 0.001f, "the learning rate was lowered: " + m.optimizer().learningRate());
    }
    Run bad = Cli.run("train", "--data", "shapes:40,10", "--reduce-lr-factor", "2", "--out", dir.resolve("x").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("--reduce-lr-factor 2.0: expected a factor between 0 and 1"), bad.err());
  }
}
