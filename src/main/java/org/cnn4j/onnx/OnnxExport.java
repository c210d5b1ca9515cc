package org.cnn4j.onnx;

import static org.cnn4j.onnx.OnnxGraph.Attribute.ints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.io.AtomicWrite;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.ActivationFunction;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Convolution2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.GlobalMaxPooling2D;
import org.cnn4j.layers.GlobalPooling2D;
import org.cnn4j.layers.InputLayer;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.layers.Maxout;
import org.cnn4j.layers.Padding;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.Shape;
import org.cnn4j.model.Model;
import org.cnn4j.onnx.OnnxFields.ModelProto;
import org.cnn4j.onnx.OnnxFields.OperatorSetIdProto;
import org.cnn4j.onnx.OnnxFields.StringStringEntryProto;
import org.cnn4j.onnx.OnnxGraph.Attribute;

/**
 * Writes a model's inference graph as an ONNX file (opset 13, weights inside),
 * for ONNX Runtime and other ONNX consumers. Layers are exported as declared,
 * not as cnn4j fuses them: Dropout disappears, BatchNormalization becomes
 * ONNX's BatchNormalization node (exact; runtimes fold it into the convolution
 * themselves), an activation of Conv2D or Dense its own node, Flatten a
 * Transpose to (h, w, c) order and a Flatten, so that Dense's weights keep
 * Keras's layout. Inside the graph images are NCHW, ONNX's convolution layout;
 * the input is NHWC as the model takes it unless {@link OnnxOptions} asks
 * for NCHW. The input is the float tensor cnn4j's {@code predict} takes, after
 * the model's preprocessing (recorded in the file's metadata).
 *
 * <pre>{@code
 * OnnxExport.write(model, Path.of("model.onnx"), new OnnxOptions());   // or model.exportOnnx(path)
 * }</pre>
 *
 * <p>Operators written: Conv (grouped for DepthwiseConv2D and grouped Conv2D), Gemm,
 * BatchNormalization, MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool,
 * Transpose, Flatten, Reshape and ReduceMax (Maxout), Add and Sum, Concat, Relu,
 * LeakyRelu, Elu, Clip, Sigmoid, Tanh, Softmax, Identity. A layer outside this
 * list is refused with an error naming it.
 */
public final class OnnxExport {
  /** The ONNX operator set the graph is written for. */
  public static final int OPSET = 13;
  /** The IR version that goes with opset 13. */
  static final int IR_VERSION = 7;

  private OnnxExport() {}

  /** Writes the model to {@code file} atomically (a temporary file renamed over it). */
  public static void write(Model model, Path file, OnnxOptions options) {
    ProtoWriter bytes = encode(model, options);
    try {
      AtomicWrite.write(file, bytes::writeTo, written -> {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ONNX model to " + file + ": " + AtomicWrite.describe(e), e);
    }
  }

  /** The ONNX file's bytes (a serialized ModelProto). */
  public static byte[] toBytes(Model model, OnnxOptions options) {
    return encode(model, options).toByteArray();
  }

  private static ProtoWriter encode(Model model, OnnxOptions options) {
    OnnxGraph graph = new Converter(model, options).convert();
    ProtoWriter m = new ProtoWriter();
    m.int64(ModelProto.IR_VERSION, IR_VERSION);
    m.string(ModelProto.PRODUCER_NAME, "cnn4j");
    String version = OnnxExport.class.getPackage().getImplementationVersion();
    m.string(ModelProto.PRODUCER_VERSION, version != null ? version : "development");
    m.string(ModelProto.DOC_STRING, "cnn4j model '" + model.name() + "': " + model.layers().size() + " layers, "
        + model.countParams() + " parameters");
    m.message(ModelProto.GRAPH, graph.encode());
    m.message(ModelProto.OPSET_IMPORT, new ProtoWriter().string(OperatorSetIdProto.DOMAIN, "")
        .int64(OperatorSetIdProto.VERSION, OPSET));
    for (Map.Entry<String, String> e : metadata(model, options).entrySet()) {
      m.message(ModelProto.METADATA_PROPS, new ProtoWriter().string(StringStringEntryProto.KEY, e.getKey())
          .string(StringStringEntryProto.VALUE, e.getValue()));
    }
    return m;
  }

  /** What a consumer needs besides the graph: the layout, the preprocessing and the class names. */
  private static Map<String, String> metadata(Model model, OnnxOptions options) {
    Map<String, String> props = new java.util.LinkedHashMap<>();
    if (model.inputShape().rank() == 3) props.put("cnn4j.input_layout", options.inputLayout().name());
    Preprocessing p = model.preprocessing();
    props.put("cnn4j.preprocessing.scale", Float.toString(p.scale()));
    if (p.mean() != null) {
      props.put("cnn4j.preprocessing.mean", Arrays.toString(p.mean()));
      props.put("cnn4j.preprocessing.std", Arrays.toString(p.std()));
    }
    if (model.classNames() != null) props.put("cnn4j.class_names", String.join("\n", model.classNames()));
    return props;
  }

  /** One model's translation, layer by layer. Image values are NCHW inside the graph. */
  private static final class Converter {
    private final Model model;
    private final OnnxOptions options;
    private final OnnxGraph g;
    private final Map<String, float[]> weights = new HashMap<>();

    Converter(Model model, OnnxOptions options) {
      this.model = model;
      this.options = options;
      this.g = new OnnxGraph(model.name());
      List<String> names = model.weightNames();
      List<float[]> values = model.getWeights();
      for (int k = 0; k < names.size(); k++) weights.put(names.get(k), values.get(k));
    }

    OnnxGraph convert() {
      Shape in = model.inputShape();
      boolean image = in.rank() == 3;
      boolean nhwc = options.inputLayout() == OnnxOptions.Layout.NHWC;
      if (!image && !nhwc) {
        throw new IllegalArgumentException("model '" + model.name() + "' takes input of shape " + in.withBatch()
            + ", not images: the NCHW layout applies only to (height, width, channels) inputs");
      }
      g.input(image && !nhwc ? new long[] {-1, in.get(2), in.get(0), in.get(1)} : batched(in));
      String x = image && nhwc ? g.node("Transpose", "input_nchw", List.of(OnnxGraph.INPUT), ints("perm", 0, 3, 1, 2))
          : OnnxGraph.INPUT;

      List<Layer> layers = model.layers();
      String[] values = new String[layers.size()];
      for (int i = 0; i < layers.size(); i++) {
        List<String> inputs = new ArrayList<>();
        for (int from : model.inboundIndices(i)) inputs.add(from < 0 ? x : values[from]);
        values[i] = layer(layers.get(i), inputs);
      }

      Shape out = model.outputShape();
      String y = values[values.length - 1];
      if (out.rank() == 3) {
        if (nhwc) y = g.node("Transpose", "output_nhwc", List.of(y), ints("perm", 0, 2, 3, 1));
        g.output(y, nhwc ? batched(out) : new long[] {-1, out.get(2), out.get(0), out.get(1)});
      } else {
        g.output(y, batched(out));
      }
      return g;
    }

    /** Adds the nodes of one layer reading {@code in}; returns the name of its output value. */
    private String layer(Layer l, List<String> in) {
      String x = in.get(0);
      String name = l.name();
      int rank = l.outputShape().rank();
      if (l instanceof InputLayer || l instanceof Dropout) return x; // Dropout: identity at inference
      if (l instanceof Convolution2D<?> conv) return convolution(conv, x);
      if (l instanceof Dense d) {
        List<String> args = new ArrayList<>(List.of(x, weight(name, "kernel", d.inputShape().get(0), d.units())));
        if (d.useBias()) args.add(weight(name, "bias", d.units()));
        String z = g.node("Gemm", d.activation().isLinear() ? name : name + "/gemm", args);
        return activation(d, d.activation(), z, name, rank);
      }
      if (l instanceof BatchNormalization bn) return batchNormalization(bn, x);
      if (l instanceof Activation a) return activation(l, a.function(), x, name, rank);
      if (l instanceof ReLU r) return activation(l, r.function(), x, name, rank);
      if (l instanceof MaxPool2D || l instanceof AveragePooling2D) return pooling(l, x);
      if (l instanceof GlobalPooling2D gp) {
        String op = gp instanceof GlobalMaxPooling2D ? "GlobalMaxPool" : "GlobalAveragePool";
        // {N, C, H, W} -> {N, C, 1, 1}, which is (1, 1, C) NCHW with keepdims, else flattened to {N, C}
        if (gp.keepdims()) return g.node(op, name, List.of(x));
        return g.node("Flatten", name, List.of(g.node(op, name + "/pool", List.of(x))), Attribute.of("axis", 1L));
      }
      if (l instanceof Flatten) {
        Shape s = l.inputShape();
        if (s.rank() == 1) return x;
        // Keras flattens (h, w, c): back to NHWC first, so that Dense's kernel keeps its row order.
        String hwc = s.rank() == 3 ? g.node("Transpose", name + "/nhwc", List.of(x), ints("perm", 0, 2, 3, 1)) : x;
        return g.node("Flatten", name, List.of(hwc), Attribute.of("axis", 1L));
      }
      if (l instanceof Maxout m) return maxout(m, x);
      if (l instanceof Add) {
        return g.node(in.size() == 2 ? "Add" : "Sum", name, in);
      }
      if (l instanceof Concatenate) {
        return g.node("Concat", name, in, Attribute.of("axis", rank == 3 ? 1L : -1L)); // channels are axis 1 in NCHW
      }
      throw unsupported(l);
    }

    /** Conv2D and DepthwiseConv2D: ONNX's Conv, grouped with one group per channel for the depthwise one. */
    private String convolution(Convolution2D<?> conv, String x) {
      String name = conv.name();
      Map<String, Object> c = conv.config();
      int[] k = pair(c, "kernel_size");
      int[] s = pair(c, "strides");
      int[] d = pair(c, "dilation_rate");
      Padding padding = Padding.parse((String) c.get("padding"));
      Shape in = conv.inputShape();
      Shape out = conv.outputShape();
      int channels = in.get(2);
      int filters = out.get(2);
      boolean depthwise = conv instanceof DepthwiseConv2D;
      int groups = depthwise ? channels : ((Number) c.get("groups")).intValue();
      String key = depthwise ? "depthwise_kernel" : "kernel";
      float[] hwio = values(name + "/" + key, k[0], k[1], depthwise ? channels : channels / groups,
          depthwise ? filters / channels : filters);
      // Keras's (kh, kw, in/g, out) -> ONNX's (out, in/g, kh, kw). A depthwise kernel (kh, kw, c, m) is
      // (kh, kw, 1, c * m) in memory, output c * m + j reading channel c: ONNX's grouped order.
      int perGroup = depthwise ? 1 : channels / groups;
      String w = g.floats(name + "/" + key, new long[] {filters, perGroup, k[0], k[1]},
          hwioToOihw(hwio, k[0], k[1], perGroup, filters));
      List<String> args = new ArrayList<>(List.of(x, w));
      if (conv.useBias()) args.add(weight(name, "bias", filters));
      int[] ph = padding.pads(in.get(0), (k[0] - 1) * d[0] + 1, s[0]);
      int[] pw = padding.pads(in.get(1), (k[1] - 1) * d[1] + 1, s[1]);
      String z = g.node("Conv", conv.activation().isLinear() ? name : name + "/conv", args,
          ints("kernel_shape", k[0], k[1]), ints("strides", s[0], s[1]), ints("dilations", d[0], d[1]),
          ints("pads", ph[0], pw[0], ph[1], pw[1]), Attribute.of("group", (long) groups));
      return activation(conv, conv.activation(), z, name, 3);
    }

    /** ONNX's BatchNormalization in inference form: y = (x - mean) / sqrt(var + eps) * scale + bias. */
    private String batchNormalization(BatchNormalization bn, String x) {
      String name = bn.name();
      Map<String, Object> c = bn.config();
      int channels = bn.inputShape().get(bn.inputShape().rank() - 1);
      float[] ones = new float[channels];
      Arrays.fill(ones, 1f);
      String scale = Boolean.TRUE.equals(c.get("scale")) ? weight(name, "gamma", channels)
          : g.floats(name + "/gamma", new long[] {channels}, ones);
      String bias = Boolean.TRUE.equals(c.get("center")) ? weight(name, "beta", channels)
          : g.floats(name + "/beta", new long[] {channels}, new float[channels]);
      float epsilon = ((Number) c.get("epsilon")).floatValue();
      return g.node("BatchNormalization", name, List.of(x, scale, bias, weight(name, "moving_mean", channels),
          weight(name, "moving_variance", channels)), Attribute.of("epsilon", epsilon));
    }

    private String pooling(Layer l, String x) {
      Map<String, Object> c = l.config();
      int[] p = pair(c, "pool_size");
      int[] s = pair(c, "strides");
      Shape in = l.inputShape();
      Padding padding = Padding.parse((String) c.get("padding"));
      int[] ph = padding.pads(in.get(0), p[0], s[0]);
      int[] pw = padding.pads(in.get(1), p[1], s[1]);
      boolean max = l instanceof MaxPool2D;
      List<Attribute> attrs = new ArrayList<>(List.of(ints("kernel_shape", p[0], p[1]), ints("strides", s[0], s[1]),
          ints("pads", ph[0], pw[0], ph[1], pw[1])));
      if (!max) attrs.add(Attribute.of("count_include_pad", 0L)); // Keras leaves padded cells out of the average
      return g.node(max ? "MaxPool" : "AveragePool", l.name(), List.of(x), attrs.toArray(new Attribute[0]));
    }

    /** Channel j of the output is the max of channels j*p .. j*p+p-1: split the channel axis, reduce the pieces. */
    private String maxout(Maxout m, String x) {
      String name = m.name();
      Shape in = m.inputShape();
      int p = m.pieces();
      int c = in.get(in.rank() - 1);
      String shape;
      if (in.rank() == 3) { // NCHW: {N, C/p, p, H, W}; 0 copies the batch
        shape = g.longs(name + "/shape", 0, c / p, p, in.get(0), in.get(1));
      } else if (in.rank() == 1) {
        shape = g.longs(name + "/shape", 0, c / p, p);
      } else {
        throw unsupported(m);
      }
      String split = g.node("Reshape", name + "/split", List.of(x, shape));
      return g.node("ReduceMax", name, List.of(split), ints("axes", 2), Attribute.of("keepdims", 0L));
    }

    /** The nodes of an activation function applied to {@code x}, the last one's output named {@code out}. */
    private String activation(Layer l, ActivationFunction f, String x, String out, int rank) {
      return switch (f.name()) {
        case "linear" -> x;
        case "relu" -> g.node("Relu", out, List.of(x));
        case "sigmoid" -> g.node("Sigmoid", out, List.of(x));
        case "tanh" -> g.node("Tanh", out, List.of(x));
        case "leaky_relu" -> g.node("LeakyRelu", out, List.of(x), Attribute.of("alpha", f.alpha()));
        case "elu" -> g.node("Elu", out, List.of(x), Attribute.of("alpha", f.alpha()));
        case "clipped_relu" -> g.node("Clip", out, List.of(x, g.floats(out + "/min", new long[0], new float[] {0f}),
            g.floats(out + "/max", new long[0], new float[] {f.beta()})));
        // The last Keras axis: channels, axis 1 of NCHW images.
        case "softmax" -> g.node("Softmax", out, List.of(x), Attribute.of("axis", rank == 3 ? 1L : -1L));
        default -> throw new IllegalArgumentException("layer " + l + ": activation " + f + " has no ONNX export");
      };
    }

    /** A weight tensor of the layer as a float initializer of its Keras shape. */
    private String weight(String layer, String what, int... dims) {
      String name = layer + "/" + what;
      long[] shape = new long[dims.length];
      for (int k = 0; k < dims.length; k++) shape[k] = dims[k];
      return g.floats(name, shape, values(name, dims));
    }

    /** A weight's values, checked against the size the layer's shape implies. */
    private float[] values(String name, int... dims) {
      float[] w = weights.get(name);
      long size = 1;
      for (int d : dims) size *= d;
      if (w == null || w.length != size) {
        throw new IllegalStateException("model '" + model.name() + "': weight " + name + " is "
            + (w == null ? "missing" : "of " + w.length + " values, not " + size));
      }
      return w;
    }

    private IllegalArgumentException unsupported(Layer l) {
      return new IllegalArgumentException("layer '" + l.name() + "' (" + l.kerasType() + ") cannot be exported to "
          + "ONNX: cnn4j exports Conv2D, DepthwiseConv2D, Dense, BatchNormalization, MaxPooling2D, "
          + "AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Flatten, Dropout, Activation, ReLU, "
          + "Maxout (rank 1 or 3), Add and Concatenate");
    }
  }

  /** Keras's (kh, kw, in, out) kernel as ONNX's (out, in, kh, kw). */
  static float[] hwioToOihw(float[] k, int kh, int kw, int in, int out) {
    float[] w = new float[k.length];
    for (int y = 0; y < kh; y++)
      for (int x = 0; x < kw; x++)
        for (int i = 0; i < in; i++)
          for (int o = 0; o < out; o++) w[((o * in + i) * kh + y) * kw + x] = k[((y * kw + x) * in + i) * out + o];
    return w;
  }

  /** A per-sample shape with the batch axis (-1) in front. */
  private static long[] batched(Shape s) {
    long[] d = new long[s.rank() + 1];
    d[0] = -1;
    for (int k = 0; k < s.rank(); k++) d[k + 1] = s.get(k);
    return d;
  }

  private static int[] pair(Map<String, Object> config, String key) {
    List<?> v = (List<?>) config.get(key);
    return new int[] {((Number) v.get(0)).intValue(), ((Number) v.get(1)).intValue()};
  }
}
