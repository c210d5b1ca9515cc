package org.cnn4j.dnnl;

/** The number of training steps a model has taken; steps that need fresh randomness read it. Internal API. */
public final class StepCounter {
  private long steps;
  private long firstSample;

  public long get() {
    return steps;
  }

  public void increment() {
    steps++;
  }

  public void set(long steps) {
    this.steps = steps;
  }

  /**
   * The position in the global batch of this process's first sample (data-parallel
   * training; 0 for one process): randomness keyed by sample, such as dropout's
   * masks, counts from it so that each process's slice draws what one process
   * with the whole global batch would draw.
   */
  public long firstSample() {
    return firstSample;
  }

  public void firstSample(long first) {
    firstSample = first;
  }
}
