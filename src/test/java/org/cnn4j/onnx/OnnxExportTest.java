package org.cnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.TensorInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.cnn4j.dnnl.PlanBuilder;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.ActivationFunction;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.GlobalMaxPooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.layers.Maxout;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.Shape;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.model.Model;
import org.cnn4j.model.Models;
import org.cnn4j.model.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exported models run in ONNX Runtime and give cnn4j's predictions on the same random inputs:
 * every zoo model, and small models covering every exported layer, option and activation.
 */
class OnnxExportTest {
  /** Probabilities (softmax outputs): max abs difference. */
  static final double PROBABILITY_TOLERANCE = 1e-5;
  /** Other outputs: |onnx - cnn4j| <= this * max(1, |cnn4j|) (float32 sums in another order). */
  static final double RELATIVE_TOLERANCE = 1e-4;

  static Stream<Arguments> zoo() {
    List<Arguments> out = new ArrayList<>();
    for (String name : Models.NAMES) {
      // The reference model, LeNet-5 and ResNet-20 at CIFAR-10's size; the deeper ResNets on 8x8 images, to
      // stay cheap.
      int side = name.startsWith("resnet") && !name.equals("resnet20") ? 8 : 32;
      out.add(Arguments.of(name, side));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}x{1}")
  @MethodSource("zoo")
  void zooModelsMatch(String name, int side) throws Exception {
    try (Model m = Models.byName(name, side, side, 3, 10)) {
      randomizeStatistics(m, 7, 0.2f);
      byte[] onnx = OnnxExport.toBytes(m, new OnnxOptions());
      String text = new String(onnx, StandardCharsets.ISO_8859_1);
      assertFalse(text.contains("Dropout"), "dropout is removed");
      assertEquals(name.startsWith("resnet"), text.contains("BatchNormalization"));
      float[][] p = assertMatches(m, onnx, OnnxOptions.Layout.NHWC, 2);
      // Not a vacuous match: the probabilities are neither saturated nor the same for both inputs
      // (they differ by several times the tolerance).
      double top = 0;
      double apart = 0;
      for (int k = 0; k < p[0].length; k++) {
        top = Math.max(top, Math.max(p[0][k], p[1][k]));
        apart = Math.max(apart, Math.abs(p[0][k] - p[1][k]));
      }
      assertTrue(top < 0.99 && apart > 3 * PROBABILITY_TOLERANCE, "outputs " + java.util.Arrays.deepToString(p));
    }
  }

  /** Small models, each a layer or option the exporter translates. */
  static Stream<Arguments> layers() {
    List<Arguments> c = new ArrayList<>();
    Shape img = Shape.of(7, 9, 4);
    for (String act : new String[] {"linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "softmax"}) {
      c.add(Arguments.of("Conv2D " + act, (Supplier<Model>) () -> seq(img, new Conv2D(6, 3).padding("same")
          .activation(act))));
      c.add(Arguments.of("Dense " + act, (Supplier<Model>) () -> seq(img, new Flatten(), new Dense(5).activation(act))));
      c.add(Arguments.of("Activation " + act, (Supplier<Model>) () -> seq(img, new Conv2D(6, 1), new Activation(act))));
    }
    c.add(Arguments.of("leaky_relu(0.05) and elu(0.5)", (Supplier<Model>) () -> seq(img,
        new Conv2D(6, 3).activation(ActivationFunction.leakyRelu(0.05f)),
        new Conv2D(6, 3).activation(ActivationFunction.elu(0.5f)))));
    c.add(Arguments.of("clipped relu", (Supplier<Model>) () -> seq(img,
        new Conv2D(6, 3).activation(ActivationFunction.clippedRelu(0.3f)))));
    c.add(Arguments.of("ReLU layers", (Supplier<Model>) () -> seq(img, new Conv2D(6, 1), new ReLU().maxValue(0.2),
        new Conv2D(6, 1), new ReLU().negativeSlope(0.1), new Conv2D(6, 1), new ReLU())));
    c.add(Arguments.of("Conv2D strides, valid, no bias", (Supplier<Model>) () -> seq(img,
        new Conv2D(5, 3, 2).strides(2, 1).useBias(false))));
    c.add(Arguments.of("Conv2D same, stride 2 (uneven pads)", (Supplier<Model>) () -> seq(img,
        new Conv2D(5, 4).strides(2).padding("same"))));
    c.add(Arguments.of("Conv2D dilation", (Supplier<Model>) () -> seq(img,
        new Conv2D(5, 3).dilationRate(2).padding("same"))));
    c.add(Arguments.of("Conv2D groups", (Supplier<Model>) () -> seq(img, new Conv2D(6, 3).groups(2).padding("same"))));
    c.add(Arguments.of("DepthwiseConv2D", (Supplier<Model>) () -> seq(img,
        new DepthwiseConv2D(3).depthMultiplier(2).strides(2).padding("same").activation("relu"))));
    c.add(Arguments.of("DepthwiseConv2D valid, no bias", (Supplier<Model>) () -> seq(img,
        new DepthwiseConv2D(3, 2).useBias(false))));
    c.add(Arguments.of("BatchNormalization", (Supplier<Model>) () -> seq(img, new Conv2D(6, 3),
        new BatchNormalization(), new ReLU(), new Flatten(), new Dense(8), new BatchNormalization().epsilon(0.01))));
    c.add(Arguments.of("BatchNormalization without center and scale", (Supplier<Model>) () -> seq(img,
        new BatchNormalization().center(false).scale(false), new Activation("relu"))));
    c.add(Arguments.of("MaxPool2D same, odd size", (Supplier<Model>) () -> seq(img,
        new MaxPool2D(3).strides(2).padding("same"))));
    c.add(Arguments.of("MaxPool2D valid", (Supplier<Model>) () -> seq(img, new MaxPool2D(2))));
    c.add(Arguments.of("AveragePooling2D same, odd size", (Supplier<Model>) () -> seq(img,
        new AveragePooling2D(3).strides(2).padding("same"))));
    c.add(Arguments.of("AveragePooling2D valid", (Supplier<Model>) () -> seq(img, new AveragePooling2D(2, 3))));
    c.add(Arguments.of("GlobalAveragePooling2D", (Supplier<Model>) () -> seq(img, new GlobalAveragePooling2D())));
    c.add(Arguments.of("GlobalMaxPooling2D", (Supplier<Model>) () -> seq(img, new GlobalMaxPooling2D())));
    c.add(Arguments.of("global pooling, keepdims", (Supplier<Model>) () -> seq(img,
        new GlobalAveragePooling2D().keepdims(true), new Conv2D(3, 1), new GlobalMaxPooling2D().keepdims(true))));
    c.add(Arguments.of("Flatten, Dropout, Dense softmax", (Supplier<Model>) () -> seq(img, new Conv2D(3, 2),
        new Dropout(0.5), new Flatten(), new Dense(7).activation("softmax"))));
    c.add(Arguments.of("Maxout on images", (Supplier<Model>) () -> seq(img, new Conv2D(6, 3), new Maxout(3))));
    c.add(Arguments.of("Maxout on features", (Supplier<Model>) () -> seq(img, new Flatten(), new Dense(8),
        new Maxout(2))));
    c.add(Arguments.of("features input", (Supplier<Model>) () -> seq(Shape.of(12), new Dense(6).activation("tanh"),
        new Dense(3).activation("softmax"))));
    c.add(Arguments.of("Add, Concatenate", (Supplier<Model>) OnnxExportTest::branches));
    c.add(Arguments.of("layers named input and output", (Supplier<Model>) () -> {
      Conv2D conv = new Conv2D(3, 3);
      conv.setName("output");
      Dense dense = new Dense(2);
      dense.setName("input");
      return seq(img, conv, new Flatten(), dense);
    }));
    c.add(Arguments.of("only Dropout", (Supplier<Model>) () -> seq(img, new Dropout(0.3))));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void layersMatch(String what, Supplier<Model> make) throws Exception {
    try (Model m = make.get()) {
      randomizeStatistics(m, what.hashCode(), 1f);
      assertMatches(m, OnnxExport.toBytes(m, new OnnxOptions()), OnnxOptions.Layout.NHWC, 3);
    }
  }

  @Test
  void nchwInput(@TempDir Path dir) throws Exception {
    try (Model m = branches()) {
      randomizeStatistics(m, 3, 1f);
      m.classNames(List.of("a", "b", "c", "d", "e"));
      Path file = dir.resolve("m.onnx");
      m.exportOnnx(file, new OnnxOptions().inputLayout(OnnxOptions.Layout.NCHW));
      byte[] onnx = Files.readAllBytes(file);
      try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(onnx, 1)) {
        TensorInfo in = (TensorInfo) ort.session().getInputInfo().get("input").getInfo();
        assertArrayEquals(new long[] {-1, 3, 6, 5}, in.getShape());
        var meta = ort.session().getMetadata();
        assertEquals("cnn4j", meta.getProducerName());
        assertEquals("NCHW", meta.getCustomMetadata().get("cnn4j.input_layout"));
        assertEquals("a\nb\nc\nd\ne", meta.getCustomMetadata().get("cnn4j.class_names"));
        assertEquals(Float.toString(1 / 255f), meta.getCustomMetadata().get("cnn4j.preprocessing.scale"));
      }
      assertMatches(m, onnx, OnnxOptions.Layout.NCHW, 2);
    }
  }

  @Test
  void nchwOfAnImageShapedOutput() throws Exception {
    try (Model m = seq(Shape.of(5, 6, 2), new Conv2D(3, 3).padding("same"))) {
      assertMatches(m, OnnxExport.toBytes(m, new OnnxOptions().inputLayout(OnnxOptions.Layout.NCHW)),
          OnnxOptions.Layout.NCHW, 2);
    }
  }

  @Test
  void nchwNeedsImages() {
    try (Model m = seq(Shape.of(12), new Dense(3))) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.toBytes(m, new OnnxOptions().inputLayout(OnnxOptions.Layout.NCHW)));
      assertTrue(e.getMessage().contains("(None, 12)") && e.getMessage().contains("NCHW"), e.getMessage());
    }
  }

  /** A layer cnn4j can run but cannot export. */
  static final class Mirror extends Layer {
    @Override
    protected Shape computeOutputShape(Shape in) {
      return in;
    }

    @Override
    public void plan(PlanBuilder b) {
      b.passThrough();
    }
  }

  @Test
  void unsupportedLayerIsNamed(@TempDir Path dir) {
    try (Model m = seq(Shape.of(4, 4, 2), new Conv2D(2, 1), new Mirror(), new Flatten(), new Dense(2))) {
      Path file = dir.resolve("m.onnx");
      var e = assertThrows(IllegalArgumentException.class, () -> m.exportOnnx(file));
      assertTrue(e.getMessage().startsWith("layer 'mirror' (Mirror) cannot be exported to ONNX"), e.getMessage());
      assertFalse(Files.exists(file), "nothing is written");
    }
  }

  /** Input (6, 5, 3) into two branches joined by Add of three and Concatenate, on images and features. */
  static Model branches() {
    SymbolicTensor in = Input.of(6, 5, 3);
    SymbolicTensor a = new Conv2D(4, 3).padding("same").activation("relu").call(in);
    SymbolicTensor b = new Conv2D(4, 1).call(in);
    SymbolicTensor c = new DepthwiseConv2D(3).padding("same").depthMultiplier(4).call(
        new Conv2D(1, 1).call(in));
    SymbolicTensor sum = new Activation("relu").call(new Add().call(a, b, c));
    SymbolicTensor pair = new Activation("relu").call(new Add().call(a, b));
    SymbolicTensor joined = new Concatenate().call(sum, pair, in);
    SymbolicTensor f1 = new Dense(4).call(new Flatten().call(joined));
    SymbolicTensor f2 = new Dense(3).call(new GlobalAveragePooling2D().call(joined));
    SymbolicTensor out = new Dense(5).activation("softmax").call(new Concatenate().call(f1, f2));
    return new Model(in, out, "branches");
  }

  static Sequential seq(Shape input, Layer... layers) {
    Sequential m = new Sequential();
    for (Layer l : layers) m.add(l);
    m.build(input);
    return m;
  }

  /**
   * BatchNormalization's statistics and scales away from 0 and 1, so that the export of each shows;
   * gamma around {@code gamma}, small in deep ResNets so that their outputs do not saturate.
   */
  static void randomizeStatistics(Model m, long seed, float gamma) {
    Random r = new Random(seed);
    List<String> names = m.weightNames();
    List<float[]> w = m.getWeights();
    for (int k = 0; k < w.size(); k++) {
      String n = names.get(k);
      float[] v = w.get(k);
      for (int i = 0; i < v.length; i++) {
        if (n.endsWith("/gamma")) v[i] = gamma * (0.5f + r.nextFloat());
        else if (n.endsWith("/moving_variance")) v[i] = 0.5f + r.nextFloat();
        else if (n.endsWith("/beta") || n.endsWith("/moving_mean")) v[i] = r.nextFloat() - 0.5f;
        else if (n.endsWith("/bias")) v[i] = 0.2f * (r.nextFloat() - 0.5f);
      }
    }
    m.setWeights(w);
  }

  /**
   * Random NHWC inputs through cnn4j's predict and the exported model in ONNX Runtime (fed NCHW when
   * the export asks for it; an image-shaped output then comes back NCHW too).
   */
  static float[][] assertMatches(Model m, byte[] onnx, OnnxOptions.Layout layout, int batch) throws Exception {
    Shape in = m.inputShape();
    Random r = new Random(11);
    float[] x = new float[(int) (batch * in.size())];
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
    float[][] expected = m.predict(x, batch);
    boolean nchw = layout == OnnxOptions.Layout.NCHW;
    long[] shape = new long[in.rank() + 1];
    shape[0] = batch;
    for (int k = 0; k < in.rank(); k++) shape[k + 1] = in.get(k);
    if (nchw) shape = new long[] {batch, in.get(2), in.get(0), in.get(1)};
    float[] got;
    try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(onnx, 2)) {
      got = ort.run(nchw ? toNchw(x, batch, in) : x, shape);
    }
    Shape out = m.outputShape();
    if (nchw && out.rank() == 3) got = toNhwc(got, batch, out);
    assertEquals(batch * out.size(), got.length, "output size");
    boolean probabilities = m.outputLayer().outputActivation().isSoftmax();
    double worst = 0;
    for (int s = 0; s < batch; s++) {
      for (int i = 0; i < expected[s].length; i++) {
        double e = expected[s][i];
        double d = Math.abs(got[(int) (s * out.size()) + i] - e);
        double allowed = probabilities ? PROBABILITY_TOLERANCE : RELATIVE_TOLERANCE * Math.max(1, Math.abs(e));
        worst = Math.max(worst, d / allowed);
        assertTrue(d <= allowed, "sample " + s + " output " + i + ": cnn4j " + e + ", ONNX Runtime "
            + got[(int) (s * out.size()) + i]);
      }
    }
    if (Boolean.getBoolean("cnn4j.onnx.verbose")) {
      System.err.printf("%s: worst difference %.3g of the tolerance%n", m.name(), worst);
      for (float[] e : expected) System.err.println("  " + java.util.Arrays.toString(e));
    }
    return expected;
  }

  static float[] toNchw(float[] x, int n, Shape s) {
    int h = s.get(0), w = s.get(1), c = s.get(2);
    float[] y = new float[x.length];
    for (int b = 0; b < n; b++)
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
          for (int k = 0; k < c; k++) y[((b * c + k) * h + i) * w + j] = x[((b * h + i) * w + j) * c + k];
    return y;
  }

  static float[] toNhwc(float[] y, int n, Shape s) {
    int h = s.get(0), w = s.get(1), c = s.get(2);
    float[] x = new float[y.length];
    for (int b = 0; b < n; b++)
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
          for (int k = 0; k < c; k++) x[((b * h + i) * w + j) * c + k] = y[((b * c + k) * h + i) * w + j];
    return x;
  }
}
