package org.cnn4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.javacpp.FloatPointer;
import org.cnn4j.data.Batches;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.Samples;
import org.cnn4j.distributed.DataParallel;
import org.cnn4j.dnnl.ParameterArena;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.History;
import org.cnn4j.model.Executor;
import org.cnn4j.model.Model;
import org.cnn4j.train.callbacks.ModelCheckpoint;

/**
 * The fit, evaluate and predict loops. Each batch size has its own cached
 * plan (a short last batch included), so a steady-state step allocates nothing
 * native: point the plan's input at a batch the background thread prepared,
 * forward, loss and its gradient in one kernel, backward, one optimizer call
 * over the arena.
 */
public final class Trainer {
  /** Batches prepared ahead of the one training: enough to hide conversion, few enough to stay small. */
  private static final int PREFETCH = 2;

  private Trainer() {}

  /**
   * Trains from epoch {@link FitOptions#initialEpoch} to {@link FitOptions#epochs};
   * callbacks with state get their saved state (from {@link FitOptions#resumeFrom})
   * right after onTrainBegin. The history holds the epochs this call trained.
   */
  public static History fit(Model model, Samples data, FitOptions o) {
    if (model.loss() == null) throw new IllegalStateException("call compile() before fit()");
    Samples train = data;
    Samples val = o.validation();
    if (o.validationSplit() > 0) {
      if (val != null) throw new IllegalArgumentException("give validationData or validationSplit, not both");
      int cut = (int) (data.size() * (1 - o.validationSplit())); // Keras: int(n * (1 - split)), as Dataset.split
      if (cut == 0 || cut == data.size()) {
        throw new IllegalArgumentException("validation split " + o.validationSplit() + " of " + data.size()
            + " samples leaves " + cut + " for training and " + (data.size() - cut) + " for validation; give more "
            + "data or another split");
      }
      train = data.slice(0, cut);
      val = data.slice(cut, data.size());
    }
    check(model, train, "training data");
    if (val != null) check(model, val, "validation data");
    if (train.size() == 0) throw new IllegalArgumentException("the training data is empty");
    if (val != null && val.size() == 0) throw new IllegalArgumentException("the validation data is empty");
    Preprocessing pre = o.preprocessing() != null ? o.preprocessing() : model.preprocessing();
    model.preprocessing(pre.withoutAugmentation()); // evaluate and predict convert the same way
    model.stopTraining(false);

    long seed = o.seed() != null ? o.seed() : model.seed();
    DataParallel dp = DataParallel.of(o.distributed()); // distributed: this rank's share of each global batch
    int globalBatch = o.batchSize() * dp.size();
    String acc = accuracyName(model);
    TimeToAccuracy timeToAccuracy = new TimeToAccuracy("val_" + acc);
    List<Callback> callbacks = callbacks(o, seed, dp.size(),
        Batches.batchesPerEpoch(train.size(), globalBatch, o.dropRemainder()), timeToAccuracy);
    if (!dp.chief()) callbacks.removeIf(c -> !(c instanceof Determinism)); // distributed: rank 0 alone reports and saves
    TrainingRun run = new TrainingRun(model, o.initialEpoch(), o.epochs(), callbacks);
    History history = new History();
    int k = model.outputUnits();
    Executor executor = model.executor();
    // Timed plan choices could differ between runs (or between ranks): take the fixed ones instead.
    if (o.deterministic() || dp.size() > 1) executor.measureLayouts(false);
    Map<String, Double> logs = new LinkedHashMap<>();
    double[] stepSums = new double[3]; // this step's loss sum, correct count, samples (global after the hook)
    Consumer<ParameterArena> reduce = arena -> dp.reduceGradients(model, stepSums); // distributed
    executor.addGradientHook(reduce);
    try (dp; Batches batches = new Batches(train, globalBatch, o.shuffle(), o.dropRemainder(), seed, pre, PREFETCH,
            dp.rank(), dp.size());
        Batches valBatches = val == null ? null : new Batches(val, globalBatch, false, false, 0,
            pre.withoutAugmentation(), PREFETCH, dp.rank(), dp.size())) {
      callbacks.forEach(c -> c.setRun(run));
      callbacks.forEach(Callback::onTrainBegin);
      run.restore(o.callbackStates());
      int firstEpoch = dp.begin(model, o.initialEpoch()); // distributed: rank 0's weights, optimizer slots, step, epoch
      for (int epoch = firstEpoch; epoch < o.epochs() && !model.stopTraining(); epoch++) {
        final int e = epoch;
        callbacks.forEach(c -> c.onEpochBegin(e));
        long start = System.nanoTime();
        batches.startEpoch(epoch);
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) {
          double batchLoss = 0;
          int batchCorrect = 0;
          if (b.count() > 0) { // distributed: a short last global batch may leave this rank no sample
            model.counter().firstSample(b.first());
            Plan plan = executor.plan(b.count(), true, false);
            plan.input().rebind(b.images());
            batchLoss = executor.forward(plan, b.labels(), b.count());
            if (!Double.isFinite(batchLoss)) throw nonFinite(model, plan, batchLoss, epoch, b.index());
            batchCorrect = Kernels.countCorrect(plan.output().address(), b.labels(), b.count(), k);
            plan.backward();
          }
          batchLoss += executor.regularize() * b.count(); // L2 penalty in the loss, its gradient in the arena
          stepSums[0] = batchLoss;
          stepSums[1] = batchCorrect;
          stepSums[2] = b.count();
          executor.update(); // gradient hooks (distributed: the global batch's sums and mean gradient), optimizer
          lossSum += stepSums[0];
          correct += (long) stepSums[1];
          seen += (int) stepSums[2];
          Map<String, Double> batchLogs = new LinkedHashMap<>(); // ordered: the progress bar shows them so
          batchLogs.put("loss", lossSum / seen);
          batchLogs.put(acc, (double) correct / seen);
          int bi = b.index();
          callbacks.forEach(c -> c.onTrainBatchEnd(bi, batchLogs));
        }
        dp.averageState(model); // distributed: each rank's BatchNormalization statistics -> their mean
        long trained = System.nanoTime();
        logs = new LinkedHashMap<>();
        logs.put("loss", lossSum / seen);
        logs.put(acc, (double) correct / seen);
        double waited = batches.waitSeconds();
        if (valBatches != null) {
          Evaluation ev = evaluate(model, valBatches, dp);
          logs.put("val_loss", ev.loss());
          logs.put("val_" + acc, ev.accuracy());
        }
        long end = System.nanoTime();
        // Keras's optimizer.learning_rate: the rate of the next update.
        logs.put("learning_rate", (double) model.optimizer().learningRate(model.counter().get()));
        logs.put("seconds", (end - start) / 1e9);
        logs.put("train_seconds", (trained - start) / 1e9);
        logs.put("eval_seconds", (end - trained) / 1e9);
        logs.put("data_wait_seconds", waited);
        timeToAccuracy.epochEnded(epoch, (end - start) / 1e9, logs);
        history.add(logs);
        Map<String, Double> epochLogs = logs;
        callbacks.forEach(c -> c.onEpochEnd(e, epochLogs));
        dp.endEpoch(model, e); // distributed: weights bitwise equal on every rank; rank 0's stop flag and rate
      }
    } catch (RuntimeException | Error e) {
      throw dp.fail(e); // distributed: aborts every process, which would otherwise wait for this one
    } finally {
      executor.removeGradientHook(reduce);
    }
    Map<String, Double> last = logs;
    callbacks.forEach(c -> c.onTrainEnd(last));
    history.timeToAccuracy(timeToAccuracy.metric(), timeToAccuracy.milestones());
    return history;
  }

  /**
   * The progress bar first, so that other callbacks' messages follow an epoch's
   * line as in Keras; checkpoints last, so that they save every other callback's
   * state as it stands after the epoch.
   */
  private static List<Callback> callbacks(FitOptions o, long seed, int processes, int steps,
      TimeToAccuracy timeToAccuracy) {
    List<Callback> out = new ArrayList<>();
    if (o.verbose() > 0) out.add(new ProgressLogger(o.verbose(), o.epochs(), steps));
    if (o.deterministic()) out.add(new Determinism(seed, o.batchSize() * processes, processes));
    out.add(timeToAccuracy);
    List<Callback> checkpoints = new ArrayList<>();
    for (Callback c : o.callbacks()) (c instanceof ModelCheckpoint ? checkpoints : out).add(c);
    out.addAll(checkpoints);
    return out;
  }

  public static Evaluation evaluate(Model model, Samples data, int batchSize) {
    if (model.loss() == null) throw new IllegalStateException("call compile() before evaluate()");
    check(model, data, "evaluation data");
    try (Batches batches = new Batches(data, batchSize, false, false, 0, model.preprocessing(),
        Batches.prefetchFor(data, batchSize, PREFETCH))) {
      return evaluate(model, batches, DataParallel.of(null));
    }
  }

  private static Evaluation evaluate(Model model, Batches batches, DataParallel dp) {
    int k = model.outputUnits();
    Executor executor = model.executor();
    double lossSum = 0;
    long correct = 0;
    int n = 0;
    batches.startEpoch(0);
    for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) {
      if (b.count() == 0) continue; // distributed: this rank's slice of a short global batch is empty
      Plan plan = executor.plan(b.count(), false, false);
      plan.input().rebind(b.images());
      lossSum += executor.forward(plan, b.labels(), b.count());
      correct += Kernels.countCorrect(plan.output().address(), b.labels(), b.count(), k);
      n += b.count();
    }
    double[] sums = {lossSum, correct, n};
    dp.sum(sums); // distributed: over every rank's slice
    lossSum = sums[0];
    correct = (long) sums[1];
    n = (int) sums[2];
    double penalty = model.arena().regularizationPenalty(); // Keras's evaluate reports it too
    return new Evaluation(n == 0 ? Double.NaN : lossSum / n + penalty, n == 0 ? Double.NaN : (double) correct / n, n);
  }

  public static float[][] predict(Model model, Samples data, int batchSize) {
    checkShape(model, data, "prediction data");
    int width = (int) model.outputShape().size();
    float[][] out = new float[data.size()][width];
    try (Batches batches = new Batches(data, batchSize, false, false, 0, model.preprocessing(),
        Batches.prefetchFor(data, batchSize, PREFETCH))) {
      batches.startEpoch(0);
      int from = 0;
      for (Batches.Batch b; (b = batches.next()) != null; batches.release(b)) {
        Plan plan = model.executor().plan(b.count(), false, false);
        plan.input().rebind(b.images());
        model.executor().forward(plan, 0, b.count());
        FloatPointer view = new FloatPointer(plan.output().memory().get_data_handle());
        for (int i = 0; i < b.count(); i++) view.position((long) i * width).get(out[from + i]);
        from += b.count();
      }
    }
    return out;
  }

  /** Index of the first maximum of each row. */
  public static int[] argmax(float[][] rows) {
    int[] out = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      int best = 0;
      for (int j = 1; j < rows[i].length; j++) if (rows[i][j] > rows[i][best]) best = j;
      out[i] = best;
    }
    return out;
  }

  private static void check(Model model, Samples data, String what) {
    checkShape(model, data, what);
    int[] y = data.labels();
    if (y == null) throw new IllegalArgumentException(what + " has no labels");
    int k = model.outputUnits();
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= k) {
        throw new IllegalArgumentException(what + ": label " + y[i] + " of sample " + i + " is out of range; the "
            + "model's last layer '" + model.outputLayer().name() + "' has " + k
            + " units, so labels must be in [0, " + (k - 1) + "]");
      }
    }
  }

  private static void checkShape(Model model, Samples data, String what) {
    Shape expected = model.inputShape();
    if (!data.shape().equals(expected)) {
      throw new IllegalArgumentException(what + " has samples of shape " + data.shape() + " but the model's first "
          + "layer '" + model.layers().get(0).name() + "' expects " + expected);
    }
  }

  private static ArithmeticException nonFinite(Model model, Plan plan, double loss, int epoch, int batch) {
    String where = plan.firstNonFiniteOutput();
    return new ArithmeticException("loss became " + loss + " at epoch " + (epoch + 1) + ", batch " + (batch + 1)
        + (where != null ? "; first non-finite value: " + where : "; every layer output is finite, so the loss "
        + "itself overflowed") + ". Expected a finite loss: lower the learning rate (now "
        + model.optimizer().learningRate() + ") or check the inputs' scale");
  }

  private static String accuracyName(Model model) {
    for (String m : model.metrics()) if (m.equals("sparse_categorical_accuracy")) return m;
    return "accuracy";
  }

}
