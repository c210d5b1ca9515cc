package org.cnn4j.dnnl;

/** The number of training steps a model has taken; steps that need fresh randomness read it. Internal API. */
public final class StepCounter {
  private long steps;

  public long get() {
    return steps;
  }

  public void increment() {
    steps++;
  }

  public void set(long steps) {
    this.steps = steps;
  }
}
