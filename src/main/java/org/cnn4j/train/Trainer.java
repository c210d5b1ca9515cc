package org.cnn4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.cnn4j.dnnl.Plan;
import org.cnn4j.kernels.Kernels;
import org.cnn4j.layers.Shape;
import org.cnn4j.losses.Loss;
import org.cnn4j.model.History;
import org.cnn4j.model.Sequential;

/**
 * The fit, evaluate and predict loops. Each batch size has its own cached
 * plan (a short last batch included), so a steady-state step allocates nothing
 * native: gather the batch into the plan's input, forward, loss and its
 * gradient in one kernel, backward, one optimizer call over the arena.
 */
public final class Trainer {
  private Trainer() {}

  public static History fit(Sequential model, Samples data, FitOptions o) {
    if (model.loss() == null) throw new IllegalStateException("call compile() before fit()");
    Samples train = data;
    Samples val = o.validation();
    if (o.validationSplit() > 0) {
      if (val != null) throw new IllegalArgumentException("give validationData or validationSplit, not both");
      int cut = (int) Math.round(data.size() * (1 - o.validationSplit()));
      train = data.slice(0, cut);
      val = data.slice(cut, data.size());
    }
    check(model, train, "training data");
    if (val != null) check(model, val, "validation data");
    if (train.size() == 0) throw new IllegalArgumentException("the training data is empty");

    List<Callback> callbacks = new ArrayList<>(o.callbacks());
    if (o.verbose() > 0) callbacks.add(new ProgressLogger(o.verbose(), o.epochs(), train.size(), o.batchSize()));
    String acc = accuracyName(model);
    History history = new History();
    long seed = o.seed() != null ? o.seed() : model.seed();
    int n = train.size();
    int[] order = new int[n];
    int[] batchLabels = new int[o.batchSize()];
    int k = model.outputUnits();
    int kind = lossKind(model);
    callbacks.forEach(Callback::onTrainBegin);
    Map<String, Double> logs = new LinkedHashMap<>();
    for (int epoch = 0; epoch < o.epochs(); epoch++) {
      final int e = epoch;
      callbacks.forEach(c -> c.onEpochBegin(e));
      long start = System.nanoTime();
      fillOrder(order, o.shuffle(), seed, epoch);
      double lossSum = 0;
      long correct = 0;
      int seen = 0;
      for (int b = 0, from = 0; from < n; b++, from += o.batchSize()) {
        int count = Math.min(o.batchSize(), n - from);
        Plan plan = model.plan(count, true);
        train.gather(order, from, count, plan.input().address());
        for (int i = 0; i < count; i++) batchLabels[i] = train.labels()[order[from + i]];
        IntPointer labels = plan.labels();
        labels.put(batchLabels, 0, count);
        plan.forward();
        long out = plan.output().address();
        double batchLoss = model.loss().sum(out, labels.address(), 0, count, k, plan.outputGradient().address(),
            kind);
        if (!Double.isFinite(batchLoss)) throw nonFinite(model, plan, batchLoss, epoch, b);
        correct += Kernels.countCorrect(out, labels.address(), count, k);
        plan.backward();
        model.counter().increment();
        model.optimizer().step(model.arena(), model.counter().get());
        lossSum += batchLoss;
        seen += count;
        Map<String, Double> batchLogs = Map.of("loss", lossSum / seen, acc, (double) correct / seen);
        final int bi = b;
        callbacks.forEach(c -> c.onTrainBatchEnd(bi, batchLogs));
      }
      logs = new LinkedHashMap<>();
      logs.put("loss", lossSum / n);
      logs.put(acc, (double) correct / n);
      if (val != null) {
        Evaluation ev = evaluate(model, val, o.batchSize());
        logs.put("val_loss", ev.loss());
        logs.put("val_" + acc, ev.accuracy());
      }
      logs.put("seconds", (System.nanoTime() - start) / 1e9);
      history.add(logs);
      Map<String, Double> epochLogs = logs;
      callbacks.forEach(c -> c.onEpochEnd(e, epochLogs));
    }
    Map<String, Double> last = logs;
    callbacks.forEach(c -> c.onTrainEnd(last));
    return history;
  }

  public static Evaluation evaluate(Sequential model, Samples data, int batchSize) {
    if (model.loss() == null) throw new IllegalStateException("call compile() before evaluate()");
    check(model, data, "evaluation data");
    int n = data.size();
    int k = model.outputUnits();
    int kind = lossKind(model);
    int[] order = identity(n);
    double lossSum = 0;
    long correct = 0;
    for (int from = 0; from < n; from += batchSize) {
      int count = Math.min(batchSize, n - from);
      Plan plan = model.plan(count, false);
      data.gather(order, from, count, plan.input().address());
      plan.labels().put(data.labels(), from, count);
      plan.forward();
      long out = plan.output().address();
      lossSum += model.loss().sum(out, plan.labels().address(), 0, count, k, 0, kind);
      correct += Kernels.countCorrect(out, plan.labels().address(), count, k);
    }
    return new Evaluation(n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) correct / n, n);
  }

  public static float[][] predict(Sequential model, Samples data, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    checkShape(model, data, "prediction data");
    int n = data.size();
    int width = (int) model.outputShape().size();
    float[][] out = new float[n][width];
    int[] order = identity(n);
    for (int from = 0; from < n; from += batchSize) {
      int count = Math.min(batchSize, n - from);
      Plan plan = model.plan(count, false);
      data.gather(order, from, count, plan.input().address());
      plan.forward();
      FloatPointer view = new FloatPointer(plan.output().memory().get_data_handle());
      for (int i = 0; i < count; i++) view.position((long) i * width).get(out[from + i]);
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

  private static void check(Sequential model, Samples data, String what) {
    checkShape(model, data, what);
    int[] y = data.labels();
    if (y == null) throw new IllegalArgumentException(what + " has no labels");
    int k = model.outputUnits();
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= k) {
        throw new IllegalArgumentException(what + ": label " + y[i] + " of sample " + i + " is out of range; the "
            + "model's last layer '" + model.layers().get(model.layers().size() - 1).name() + "' has " + k
            + " units, so labels must be in [0, " + (k - 1) + "]");
      }
    }
  }

  private static void checkShape(Sequential model, Samples data, String what) {
    Shape expected = model.inputShape();
    if (!data.shape().equals(expected)) {
      throw new IllegalArgumentException(what + " has samples of shape " + data.shape() + " but the model's first "
          + "layer '" + model.layers().get(0).name() + "' expects " + expected);
    }
  }

  private static ArithmeticException nonFinite(Sequential model, Plan plan, double loss, int epoch, int batch) {
    String where = plan.firstNonFiniteOutput();
    return new ArithmeticException("loss became " + loss + " at epoch " + (epoch + 1) + ", batch " + (batch + 1)
        + (where != null ? "; first non-finite value: " + where : "; every layer output is finite, so the loss "
        + "itself overflowed") + ". Expected a finite loss: lower the learning rate (now "
        + model.optimizer().learningRate() + ") or check the inputs' scale");
  }

  private static int lossKind(Sequential model) {
    Loss loss = model.loss();
    if (loss.fromLogits()) return Kernels.LOGITS;
    return model.lossFusesSoftmax() ? Kernels.FUSED_SOFTMAX : Kernels.PROBABILITIES;
  }

  private static String accuracyName(Sequential model) {
    for (String m : model.metrics()) if (m.equals("sparse_categorical_accuracy")) return m;
    return "accuracy";
  }

  private static void fillOrder(int[] order, boolean shuffle, long seed, int epoch) {
    for (int i = 0; i < order.length; i++) order[i] = i;
    if (!shuffle) return;
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    return order;
  }
}
