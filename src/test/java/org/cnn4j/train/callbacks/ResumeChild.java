package org.cnn4j.train.callbacks;

import java.nio.file.Path;
import java.util.Map;
import org.cnn4j.data.Dataset;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.io.ModelFile;
import org.cnn4j.io.TrainingState;
import org.cnn4j.model.Models;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.Callback;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;

/**
 * The process that {@link KillResumeTest} kills. It reports progress on standard
 * output, one line at a time, so that the test can choose when to kill it.
 *
 * <ul>
 *   <li>{@code train DIR EPOCHS SLEEP_MS}: trains {@link Fixture}'s model to EPOCHS,
 *       resuming from DIR/last.cnn4j if it exists, with a checkpoint every epoch;
 *       prints "batch E B" after each batch (then sleeps, to make epochs long enough
 *       to be killed in) and "done" at the end.
 *   <li>{@code save FILE}: saves the reference model (12 MB with Adam's slots) over
 *       FILE again and again, printing "saved N" after the N-th save.
 * </ul>
 */
public final class ResumeChild {
  private ResumeChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "train" -> train(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
      case "save" -> saveForever(Path.of(args[1]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void train(Path dir, int epochs, long sleepMillis) {
    Dataset[] d = Fixture.data();
    LoadedModel saved = Resume.latest(dir.resolve("last.cnn4j"));
    Callback progress = new Callback() {
      private int epoch;

      @Override
      public void onEpochBegin(int e) {
        epoch = e;
      }

      @Override
      public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        System.out.println("batch " + epoch + " " + batch);
        System.out.flush();
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (Dataset train = d[0]; Dataset test = d[1];
        Model model = saved != null ? saved.model() : Fixture.model()) {
      FitOptions o = Fixture.options(test, epochs).callbacks(Fixture.callbacks(dir)).callbacks(progress);
      if (saved != null) o.resumeFrom(saved.state());
      model.fit(train, o);
    }
    System.out.println("done");
  }

  private static void saveForever(Path file) {
    Dataset[] d = Fixture.data();
    try (Dataset train = d[0]; Dataset test = d[1]; Model model = Models.reference(32, 32, 3, 10)) {
      model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      model.fit(test, new FitOptions().batchSize(40).epochs(1)); // one step: Adam's slots exist
      for (int n = 1; ; n++) {
        long t = System.nanoTime();
        ModelFile.save(model, file, TrainingState.atEpoch(n));
        System.out.println("saved " + n + " " + (System.nanoTime() - t) / 1_000_000 + " ms");
        System.out.flush();
      }
    }
  }
}
