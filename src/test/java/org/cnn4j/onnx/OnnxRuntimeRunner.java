package org.cnn4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** An exported model in an ONNX Runtime session: float in, float out, one input and one output. */
final class OnnxRuntimeRunner implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession.SessionOptions options;
  private final OrtSession session;

  /** A session of {@code threads} intra-op threads (and one inter-op thread) on the model's bytes. */
  OnnxRuntimeRunner(byte[] model, int threads) throws OrtException {
    options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(threads);
    options.setInterOpNumThreads(1);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    session = env.createSession(model, options);
  }

  OrtSession session() {
    return session;
  }

  /** Runs a batch given in the input's layout ({@code shape} includes the batch); returns the output's floats. */
  float[] run(float[] x, long... shape) throws OrtException {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        OrtSession.Result r = session.run(Map.of("input", t))) {
      FloatBuffer out = ((OnnxTensor) r.get("output").orElseThrow()).getFloatBuffer();
      float[] y = new float[out.remaining()];
      out.get(y);
      return y;
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
    options.close();
  }
}
