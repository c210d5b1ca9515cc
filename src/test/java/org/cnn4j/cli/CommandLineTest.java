package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.cnn4j.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command end to end on the embedded dataset, as a new user would run it. */
class CommandLineTest {
  /** The command run in this JVM, its output captured. */
  private static Cli.Run run(String... args) {
    return Cli.run(args);
  }

  @Test
  void timeToAccuracyFilesListWhatTheRunReached(@TempDir Path dir) throws Exception {
    // Dark against light 16x16 images: every threshold is passed in the first epoch.
    Path data = dir.resolve("data");
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (String split : List.of("train", "test")) {
      for (String cls : List.of("dark", "light")) {
        Path folder = Files.createDirectories(data.resolve(split).resolve(cls));
        for (int i = 0; i < (split.equals("train") ? 40 : 10); i++) {
          BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
              int v = (cls.equals("dark") ? 0 : 200) + r.nextInt(56);
              img.setRGB(x, y, v << 16 | v << 8 | v);
            }
          }
          ImageIO.write(img, "png", folder.resolve(i + ".png").toFile());
        }
      }
    }
    Path out = dir.resolve("run");
    Cli.Run train = run("train", "--data", "folder:" + data, "--epochs", "2", "--batch", "10", "--out",
        out.toString(), "--verbose", "1");
    assertEquals(0, train.code(), train.err());
    String summary = train.out().lines().filter(l -> l.startsWith("time to accuracy: ")).findFirst().orElseThrow();
    long milestones = summary.split(" at epoch ").length - 1;
    assertTrue(milestones > 0, summary);
    List<String> csv = Files.readAllLines(out.resolve("time-to-accuracy.csv"));
    assertEquals(milestones + 1, csv.size(), "the header and one row per threshold the summary names: " + csv);
    assertTrue(csv.get(1).startsWith("0.50,"), csv.get(1));
    com.fasterxml.jackson.databind.JsonNode reached = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("history.json").toFile()).path("time_to_accuracy").path("reached");
    assertEquals(milestones, reached.size(), reached.toString());
  }

  @Test
  void trainEvaluatePredict(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Cli.Run train = run("train", "--data", "shapes:600,200", "--epochs", "2", "--batch", "20", "--out", out.toString(),
        "--verbose", "1");
    assertEquals(0, train.code(), train.err());
    // Not a terminal: exactly one line per epoch, no carriage returns.
    assertEquals(2, train.out().lines().filter(l -> l.startsWith("Epoch ")).count(), train.out());
    assertTrue(!train.out().contains("\r"), "no carriage-return progress in logs");
    for (String f : List.of("history.csv", "history.json", "accuracy.png", "loss.png", "learning-rate.png",
        "time-to-accuracy.csv", "confusion-matrix.png", "confusion-matrix.csv", "report.txt", "model.cnn4j",
        "classes.txt")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    assertTrue(train.out().contains("time to accuracy: val_accuracy "), train.out());
    assertTrue(Files.readAllLines(out.resolve("time-to-accuracy.csv")).get(0).equals("threshold,epoch,seconds,"
        + "val_accuracy"));
    assertTrue(Files.readString(out.resolve("history.json")).contains("\"time_to_accuracy\""));
    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(3, csv.size(), "header and one row per epoch");
    assertTrue(csv.get(0).startsWith("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds,train_seconds,"
        + "eval_seconds,data_wait_seconds,elapsed_seconds"), csv.get(0));
    BufferedImage acc = ImageIO.read(out.resolve("accuracy.png").toFile());
    assertEquals(800, acc.getWidth());
    assertEquals(500, acc.getHeight());
    assertNotNull(ImageIO.read(out.resolve("confusion-matrix.png").toFile()));
    assertEquals(11, Files.readAllLines(out.resolve("confusion-matrix.csv")).size());
    assertTrue(Files.readString(out.resolve("report.txt")).contains("weighted avg"));

    Cli.Run eval = run("evaluate", "--model", out.resolve("model.cnn4j").toString(), "--data", "shapes:10,200");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains("200 samples - loss:"), eval.out());

    Path img = dir.resolve("x.png");
    ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "png", img.toFile());
    Cli.Run predict = run("predict", "--model", out.resolve("model.cnn4j").toString(), img.toString());
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().matches("(?s).*x\\.png: [a-z_]+ \\(0\\.\\d{4}\\).*"), predict.out());

    Path csvOut = dir.resolve("pred.csv");
    Cli.Run all = run("predict", "--model", out.resolve("model.cnn4j").toString(), "--data", "shapes:10,30", "--csv",
        csvOut.toString());
    assertEquals(0, all.code(), all.err());
    assertEquals(31, Files.readAllLines(csvOut).size());
  }

  @Test
  void errorsAPersonCanActOn(@TempDir Path dir) throws Exception {
    Cli.Run unknown = run("train", "--bogus");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("Unknown option: '--bogus'"), unknown.err());

    Cli.Run missing = run("evaluate", "--model", dir.resolve("none.cnn4j").toString(), "--data", "shapes:10,10");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("none.cnn4j: no such file"), missing.err());

    Cli.Run badData = run("train", "--data", "folder:" + dir.resolve("nothing"));
    assertEquals(1, badData.code());
    assertTrue(badData.err().contains("does not exist"), badData.err());

    Path json = dir.resolve("m.json");
    Files.writeString(json, "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 32, 32, 3]}},"
        + "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 4}}]}}");
    Cli.Run unsupported = run("train", "--model", json.toString(), "--data", "shapes:20,10");
    assertEquals(1, unsupported.code());
    assertTrue(unsupported.err().contains("LSTM") && unsupported.err().contains("Conv2D"), unsupported.err());

    Path small = dir.resolve("small.json");
    Files.writeString(small, "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 28, 28, 1]}},"
        + "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"flatten\"}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}}"
        + "]}}");
    Cli.Run mismatch = run("train", "--model", small.toString(), "--data", "shapes:20,10");
    assertEquals(1, mismatch.code());
    assertTrue(mismatch.err().contains("(32, 32, 3)") && mismatch.err().contains("(28, 28, 1)"), mismatch.err());

    // A JSON config has no weights: evaluating or predicting with it would report a random model.
    Path json32 = dir.resolve("m32.json");
    Files.writeString(json32, Files.readString(small).replace("28, 28, 1", "32, 32, 3"));
    Path png = dir.resolve("x.png");
    ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    for (String[] args : List.of(new String[] {"evaluate", "--model", json32.toString(), "--data", "shapes:10,10"},
        new String[] {"predict", "--model", json32.toString(), png.toString()})) {
      Cli.Run r = run(args);
      assertEquals(1, r.code(), args[0] + ": " + r.out());
      assertTrue(r.err().contains("no weights"), r.err());
    }
  }

  @Test
  void smallMistakesAreNamedPrecisely(@TempDir Path dir) throws Exception {
    Cli.Run emptyOut = run("train", "--data", "shapes:40,10", "--epochs", "1", "--verbose", "0", "--out", "");
    assertEquals(1, emptyOut.code());
    assertTrue(emptyOut.err().contains("--out is empty"), emptyOut.err());

    Files.write(dir.resolve("images.idx"), new byte[16]);
    Cli.Run idx = run("train", "--data", "idx:" + dir.resolve("images.idx") + ",");
    assertEquals(1, idx.code());
    assertTrue(idx.err().contains("a path is missing") && !idx.err().contains("after ':'"), idx.err());

    Path model = dir.resolve("m").resolve("model.cnn4j");
    assertEquals(0, run("train", "--data", "shapes:40,10", "--epochs", "1", "--verbose", "0", "--out",
        model.getParent().toString()).code());
    // A folder is searched for images (issue 15, item 16); one without any is named.
    Path noImages = Files.createDirectories(dir.resolve("no-images"));
    Cli.Run folderAsImage = run("predict", "--model", model.toString(), noImages.toString());
    assertEquals(1, folderAsImage.code());
    assertTrue(folderAsImage.err().contains("folder " + noImages + " holds no images"), folderAsImage.err());

    Cli.Run seconds = run("bench", "--seconds", "0");
    assertEquals(1, seconds.code());
    assertTrue(seconds.err().contains("--seconds must be positive"), seconds.err());
    Cli.Run benchModel = run("bench", "--model", dir.resolve("none.json").toString());
    assertEquals(1, benchModel.code());
    assertTrue(benchModel.err().contains("none.json: no such file"), benchModel.err());
    assertTrue(benchModel.out().isEmpty(), "nothing measured: " + benchModel.out());
  }

  /**
   * An --out, --resume or --csv that cannot be written is named before any
   * work is done (for train: not after the last epoch).
   */
  @Test
  void unusableOutputPathsAreReportedUpFront(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "keep me");
    Cli.Run train = run("train", "--data", "shapes:40,10", "--epochs", "1", "--verbose", "2", "--out", file.toString());
    assertEquals(1, train.code());
    assertTrue(train.err().contains("--out " + file) && train.err().contains("not a directory"), train.err());
    assertTrue(train.out().lines().noneMatch(l -> l.startsWith("Epoch ")), "no training: " + train.out());
    assertEquals("keep me", Files.readString(file));

    Path model = dir.resolve("m").resolve("model.cnn4j");
    assertEquals(0, run("train", "--data", "shapes:40,10", "--epochs", "1", "--verbose", "0", "--out",
        model.getParent().toString()).code());
    Cli.Run evaluate = run("evaluate", "--model", model.toString(), "--data", "shapes:10,10", "--out", file.toString());
    assertEquals(1, evaluate.code());
    assertTrue(evaluate.err().contains("--out " + file + ": not a directory"), evaluate.err());
    Cli.Run predict = run("predict", "--model", model.toString(), "--data", "shapes:10,10", "--csv",
        file.resolve("p.csv").toString());
    assertEquals(1, predict.code());
    assertTrue(predict.err().contains(file + ": not a directory"), predict.err());
    Cli.Run predictDir = run("predict", "--model", model.toString(), "--data", "shapes:10,10", "--csv", dir.toString());
    assertEquals(1, predictDir.code());
    assertTrue(predictDir.err().contains("--csv " + dir + ": is a directory"), predictDir.err());
    assertEquals("keep me", Files.readString(file));

    Cli.Run resume = run("train", "--data", "shapes:40,10", "--epochs", "1", "--verbose", "2", "--out",
        dir.resolve("out").toString(), "--resume", file.toString());
    assertEquals(1, resume.code());
    assertTrue(resume.err().contains("--resume " + file) && resume.err().contains("not a directory"), resume.err());
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void aValidationSplitOutsideZeroToOneIsRefused(@TempDir Path dir) {
    for (String split : List.of("-0.3", "1", "1.5")) {
      Cli.Run train = run("train", "--data", "shapes:40,10", "--epochs", "1", "--verbose", "2", "--validation-split",
          split, "--out", dir.toString());
      assertEquals(1, train.code(), split + ": " + train.out());
      assertTrue(train.err().contains("--validation-split " + split), train.err());
      assertTrue(train.out().lines().noneMatch(l -> l.startsWith("Epoch ")), "no training: " + train.out());
    }
  }

  /** A folder without train/ and test/: the validation split must hold every class, not the last one. */
  @Test
  void folderDataIsShuffledBeforeTheValidationSplit(@TempDir Path dir) throws Exception {
    for (String cls : List.of("a", "b", "c")) {
      Files.createDirectories(dir.resolve("data").resolve(cls));
      for (int i = 0; i < 10; i++) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(i % 8, cls.charAt(0) - 'a', 0xffffff);
        ImageIO.write(img, "png", dir.resolve("data").resolve(cls).resolve(i + ".png").toFile());
      }
    }
    Path out = dir.resolve("out");
    Cli.Run train = run("train", "--data", "folder:" + dir.resolve("data"), "--epochs", "1", "--batch", "4",
        "--validation-split", "0.5", "--verbose", "0", "--out", out.toString());
    assertEquals(0, train.code(), train.err());
    List<String> rows = Files.readAllLines(out.resolve("confusion-matrix.csv"));
    assertEquals(4, rows.size());
    for (String row : rows.subList(1, 4)) {
      long support = java.util.Arrays.stream(row.split(",")).skip(1).mapToLong(Long::parseLong).sum();
      assertTrue(support > 0, "every class is in the validation half: " + rows);
    }
  }

  @Test
  void summaryAndHelp() {
    Cli.Run summary = run("summary");
    assertEquals(0, summary.code());
    assertTrue(summary.out().contains("dense (Dense)                  (None, 128)          1048704"), summary.out());
    for (String cmd : List.of("train", "evaluate", "predict", "summary", "bench")) {
      Cli.Run help = run(cmd, "--help");
      assertEquals(0, help.code(), cmd);
      assertTrue(help.out().contains("Usage: cnn4j " + cmd), help.out());
    }
  }

  @Test
  void benchSmokePrintsJsonLines() {
    Cli.Run bench = run("bench", "--batch", "4", "--seconds", "0.2");
    assertEquals(0, bench.code(), bench.err());
    List<String> all = bench.out().lines().toList();
    assertTrue(all.get(0).matches("\\{\"mode\":\"peak\",\"threads\":\\d+,\"isa\":\"(avx512|avx2|none)\","
        + "\"gflops\":[0-9.]+,\"neighbour\":false}"), all.get(0));
    List<String> lines = all.subList(1, all.size());
    assertTrue(lines.get(0).matches("\\{\"mode\":\"train\",\"batch\":4,\"threads\":\\d+,\"isa\":\"(avx2|avx512)[a-z0-9_]*\","
        + "\"kernels_isa\":\"(avx512|avx2)\",\"images_per_s\":[0-9.]+,"
        + "\"steps\":\\d+,\"seconds\":[0-9.]+,.*}"), lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"mode\":\"infer\",\"batch\":4"), lines.get(1));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"mode\":\"profile\"") && l.contains("mb4ic32ih32oc32oh32kh3ph1")));
    String split = lines.get(lines.size() - 1);
    assertTrue(split.matches("\\{\"mode\":\"split\",.*\"percent_of_peak\":[0-9.]+,.*}"), split);
    // Dense after Flatten: which form its first plan took, why, and (timed) both forms' times.
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\{\"mode\":\"dense_input\",\"batch\":4,\"threads\":\\d+,"
        + "\"layer\":\"dense\",\"taken\":\"(view|4d)\",\"reason\":\"timed[a-z ]*\",\"view_ms\":[0-9.]+,"
        + "\"4d_ms\":[0-9.]+,.*}")), bench.out());
  }

  @Test
  void benchForcesTheDenseInputForm() {
    Cli.Run bench = run("bench", "--batch", "4", "--seconds", "0.1", "--dense-input", "4d");
    assertEquals(0, bench.code(), bench.err());
    assertTrue(bench.out().contains("{\"mode\":\"dense_input\",\"batch\":4,\"threads\":"), bench.out());
    assertTrue(bench.out().contains("\"layer\":\"dense\",\"taken\":\"4d\",\"reason\":\"forced\"}"), bench.out());
    assertTrue(bench.out().lines().anyMatch(l -> l.contains("\"layer\":\"dense\",\"pass\":\"forward\"")
        && l.contains("\"problem\":\"mb4ic32ih16iw16oc128\"")), "the 4-D problem in the profile: " + bench.out());
    assertNull(System.getProperty(org.cnn4j.layers.DenseInput.PROPERTY), "the option does not outlive the command");
    Cli.Run bad = run("bench", "--dense-input", "3d");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("--dense-input: unknown Dense input layout '3d': expected view, 4d or auto"),
        bad.err());
  }

  @Test
  void benchBesideABusyNeighbourStopsItAfterwards() {
    Cli.Run bench = run("bench", "--batch", "4", "--seconds", "0.1", "--no-profile", "--neighbour");
    assertEquals(0, bench.code(), bench.err());
    assertTrue(bench.out().lines().findFirst().orElseThrow().endsWith("\"neighbour\":true}"), bench.out());
    assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive),
        "the busy loop was stopped");
  }

  @Test
  void benchWithTwoThreadCountsPrintsTheirRatio() {
    int before = Threads.get();
    Cli.Run bench = run("bench", "--batch", "4", "--seconds", "0.1", "--threads", "2,1", "--no-profile");
    assertEquals(0, bench.code(), bench.err());
    List<String> lines = bench.out().lines().toList();
    assertEquals(7, lines.size(), bench.out());
    assertTrue(lines.get(0).startsWith("{\"mode\":\"peak\",\"threads\":2,"), lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"mode\":\"peak\",\"threads\":1,"), lines.get(1));
    assertTrue(lines.get(2).startsWith("{\"mode\":\"train\",\"batch\":4,\"threads\":2,"), lines.get(2));
    assertTrue(lines.get(4).startsWith("{\"mode\":\"train\",\"batch\":4,\"threads\":1,"), lines.get(4));
    assertTrue(lines.get(6).matches("\\{\"mode\":\"scaling\",\"batch\":4,\"threads\":1,\"of_threads\":2,"
        + "\"train_ratio\":[0-9.]+,\"infer_ratio\":[0-9.]+}"), lines.get(6));
    Cli.Run bad = run("bench", "--threads", "0");
    assertNotEquals(0, bad.code(), "--threads 0 is refused");
    assertTrue(bad.err().contains("--threads must be at least 1"), bad.err());
    assertEquals(before, Threads.get(), "the bench gives the caller its thread count back");
  }
}
