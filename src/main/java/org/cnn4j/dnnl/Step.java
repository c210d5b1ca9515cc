package org.cnn4j.dnnl;

/**
 * One unit of work in a plan: a oneDNN primitive, a reorder or one of our
 * kernels, labelled for profiles and error messages. Internal API.
 *
 * @param layer the layer it belongs to
 * @param role what it does, e.g. "forward", "backward-weights", "reorder diff_dst"
 * @param implementation oneDNN's implementation name, or "cnn4j" for our kernels
 * @param problem the problem in oneDNN's benchdnn notation when known, else ""
 * @param flops floating-point operations of one run (0 when not counted)
 * @param action the work itself
 */
public record Step(String layer, String role, String implementation, String problem, double flops,
    Runnable action) {
  public void run() {
    try {
      action.run();
    } catch (RuntimeException e) {
      throw new IllegalStateException("layer '" + layer + "', " + role + " (" + implementation + "): "
          + e.getMessage(), e);
    }
  }
}
