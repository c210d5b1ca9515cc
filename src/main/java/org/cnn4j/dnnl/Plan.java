package org.cnn4j.dnnl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Everything one (batch size, training or inference) pass of a model needs,
 * built once and executed many times: the forward and backward steps with
 * their primitives and every buffer they touch. Internal API.
 *
 * <p>Closing the plan frees all of it.
 */
public final class Plan implements AutoCloseable {
  private final int batch;
  private final boolean training;
  private final List<Step> forward;
  private final List<Step> backward;
  private final Tensor input;
  private final Tensor output;
  private final Tensor outputGradient;
  private final Tensor inputGradient;
  private final IntPointer labels;
  private final List<Map.Entry<String, Tensor>> layerOutputs;
  private final PointerScope scope;
  private final long bytes;

  Plan(int batch, boolean training, List<Step> forward, List<Step> backward, Tensor input,
      Tensor output, Tensor outputGradient, Tensor inputGradient, IntPointer labels, List<Map.Entry<String, Tensor>> layerOutputs,
      PointerScope scope, long bytes) {
    this.batch = batch;
    this.training = training;
    this.forward = List.copyOf(forward);
    this.backward = List.copyOf(backward);
    this.input = input;
    this.output = output;
    this.outputGradient = outputGradient;
    this.inputGradient = inputGradient;
    this.labels = labels;
    this.layerOutputs = List.copyOf(layerOutputs);
    this.scope = scope;
    this.bytes = bytes;
  }

  /**
   * Native bytes the plan holds besides the parameter arena: activations,
   * gradients, workspaces, masks and layout copies (oneDNN's own scratchpads
   * not included).
   */
  public long bytes() {
    return bytes;
  }

  /**
   * The first layer whose output holds a NaN or an infinity after the last
   * forward pass, with the offending value, or null if all are finite.
   */
  public String firstNonFiniteOutput() {
    for (Map.Entry<String, Tensor> e : layerOutputs) {
      float[] v = e.getValue().toArray();
      for (float x : v) {
        if (!Float.isFinite(x)) return "layer '" + e.getKey() + "' output " + x;
      }
    }
    return null;
  }

  public int batch() {
    return batch;
  }

  public boolean training() {
    return training;
  }

  /** The model's input batch: f32 NHWC, dims {N, C, H, W}. */
  public Tensor input() {
    return input;
  }

  /** The model's output: f32, plain row-major ({N, units} or NHWC). */
  public Tensor output() {
    return output;
  }

  /** Where the loss writes its gradient w.r.t. the output (null for inference plans). */
  public Tensor outputGradient() {
    return outputGradient;
  }

  /** The gradient w.r.t. the input (NHWC), when the plan was built to compute it, else null. */
  public Tensor inputGradient() {
    return inputGradient;
  }

  /** A buffer of {@code batch} int32 labels. */
  public IntPointer labels() {
    return labels;
  }

  public List<Step> forwardSteps() {
    return forward;
  }

  public List<Step> backwardSteps() {
    return backward;
  }

  public List<Step> steps() {
    List<Step> all = new ArrayList<>(forward);
    all.addAll(backward);
    return all;
  }

  public void forward() {
    for (Step s : forward) s.run();
  }

  public void backward() {
    for (Step s : backward) s.run();
  }

  @Override
  public void close() {
    scope.deallocate();
  }
}
