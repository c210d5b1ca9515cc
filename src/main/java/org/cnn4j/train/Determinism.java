package org.cnn4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.Threads;

/**
 * The checks of {@link FitOptions#deterministic}: the thread count may not change
 * during the fit, and a resumed fit must run with the thread count, shuffling
 * seed, (global) batch size and process count of the run that wrote the
 * checkpoint. oneDNN's reductions are split by thread, and data-parallel
 * gradients by process, so another count sums in another order.
 */
final class Determinism implements StatefulCallback {
  private final long seed;
  private final int batchSize;
  private final int processes;
  private int threads;

  Determinism(long seed, int batchSize, int processes) {
    this.seed = seed;
    this.batchSize = batchSize;
    this.processes = processes;
  }

  @Override
  public String stateKey() {
    return "deterministic";
  }

  @Override
  public void onTrainBegin() {
    threads = Threads.get();
  }

  @Override
  public void onEpochBegin(int epoch) {
    check("before epoch " + (epoch + 1));
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    check("at batch " + (batch + 1));
  }

  private void check(String when) {
    int now = Threads.get();
    if (now != threads) {
      throw new IllegalStateException("deterministic fit: the thread count changed from " + threads + " to " + now
          + " " + when + "; set it once before fit (Threads.set), or turn deterministic off");
    }
  }

  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("threads", threads);
    s.put("seed", seed);
    s.put("batch_size", batchSize);
    s.put("processes", processes);
    return s;
  }

  @Override
  public void restore(Map<String, Object> saved) {
    same("thread count", saved.get("threads"), threads, "call Threads.set(%s) (cnn4j --threads %s) first");
    same("seed", saved.get("seed"), seed, "pass FitOptions.seed(%s) (cnn4j --seed %s)");
    same("batch size", saved.get("batch_size"), batchSize, "pass FitOptions.batchSize(%s) (cnn4j --batch %s) "
        + "divided by the number of processes");
    same("process count", saved.get("processes"), processes, "run %s processes (mpirun -np %s)");
  }

  private static void same(String what, Object saved, long now, String fix) {
    if (!(saved instanceof Number n) || n.longValue() == now) return;
    throw new IllegalStateException("deterministic resume: the checkpoint was written with " + what + " " + saved
        + " but this fit has " + now + ", so it would not continue bitwise; " + fix.replace("%s", saved.toString())
        + ", or turn deterministic off");
  }
}
