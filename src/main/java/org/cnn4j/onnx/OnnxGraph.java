package org.cnn4j.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cnn4j.onnx.OnnxFields.AttributeProto;
import org.cnn4j.onnx.OnnxFields.GraphProto;
import org.cnn4j.onnx.OnnxFields.NodeProto;
import org.cnn4j.onnx.OnnxFields.TensorProto;
import org.cnn4j.onnx.OnnxFields.TensorShapeProto;
import org.cnn4j.onnx.OnnxFields.TypeProto;
import org.cnn4j.onnx.OnnxFields.ValueInfoProto;

/**
 * An ONNX graph being assembled: nodes in topological order, float and int64
 * initializers, one float input named {@value #INPUT} and one float output
 * named {@value #OUTPUT}, whose first axis is the symbolic batch size. Every
 * other value gets the name asked for, or that name with a suffix when it is
 * taken (a layer named "output", say). {@link #encode} writes a GraphProto.
 */
final class OnnxGraph {
  static final String INPUT = "input";
  static final String OUTPUT = "output";

  /** A node attribute: an int, a float, or a list of ints. */
  record Attribute(String name, int type, long i, float f, long[] ints) {
    static Attribute of(String name, long value) {
      return new Attribute(name, AttributeProto.TYPE_INT, value, 0f, null);
    }

    static Attribute of(String name, float value) {
      return new Attribute(name, AttributeProto.TYPE_FLOAT, 0, value, null);
    }

    static Attribute ints(String name, long... values) {
      return new Attribute(name, AttributeProto.TYPE_INTS, 0, 0f, values.clone());
    }
  }

  private record Node(String op, String name, List<String> inputs, List<String> outputs, List<Attribute> attributes) {}

  private record Initializer(String name, long[] dims, float[] floats, long[] longs) {}

  private final String name;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Initializer> initializers = new ArrayList<>();
  private final Set<String> taken = new HashSet<>(Set.of(INPUT, OUTPUT));
  private long[] inputDims;
  private long[] outputDims;

  OnnxGraph(String name) {
    this.name = name;
  }

  /** Adds a node with one output, named {@code output} if that is free; returns the name given. */
  String node(String op, String output, List<String> inputs, Attribute... attributes) {
    String name = unique(output);
    nodes.add(new Node(op, name, List.copyOf(inputs), List.of(name), List.of(attributes)));
    return name;
  }

  /** A float constant of the given dims (none for a scalar), values in row-major order; returns its name. */
  String floats(String name, long[] dims, float[] values) {
    String unique = unique(name);
    initializers.add(new Initializer(unique, dims.clone(), values, null));
    return unique;
  }

  /** An int64 constant vector (a Reshape's shape, say); returns its name. */
  String longs(String name, long... values) {
    String unique = unique(name);
    initializers.add(new Initializer(unique, new long[] {values.length}, null, values.clone()));
    return unique;
  }

  private String unique(String name) {
    String n = name;
    for (int k = 1; !taken.add(n); k++) n = name + "_" + k;
    return n;
  }

  /** The graph's input {@value #INPUT}: float32 of the given dims, -1 standing for the batch. */
  void input(long... dims) {
    inputDims = dims.clone();
  }

  /** Makes {@code value} the graph's output {@value #OUTPUT}: float32 of the given dims, -1 for the batch. */
  void output(String value, long... dims) {
    if (value.equals(INPUT)) { // a graph that passes its input through
      nodes.add(new Node("Identity", OUTPUT, List.of(INPUT), List.of(OUTPUT), List.of()));
    } else {
      rename(value, OUTPUT);
    }
    outputDims = dims.clone();
  }

  /** Renames a value everywhere it is produced or read. */
  private void rename(String from, String to) {
    for (int k = 0; k < nodes.size(); k++) {
      Node n = nodes.get(k);
      nodes.set(k, new Node(n.op, n.name, replaced(n.inputs, from, to), replaced(n.outputs, from, to), n.attributes));
    }
  }

  private static List<String> replaced(List<String> names, String from, String to) {
    List<String> out = new ArrayList<>(names);
    out.replaceAll(s -> s.equals(from) ? to : s);
    return out;
  }

  int nodeCount() {
    return nodes.size();
  }

  /** The GraphProto. */
  ProtoWriter encode() {
    ProtoWriter g = new ProtoWriter();
    for (Node n : nodes) g.message(GraphProto.NODE, encode(n));
    g.string(GraphProto.NAME, name);
    for (Initializer t : initializers) g.message(GraphProto.INITIALIZER, encode(t));
    g.message(GraphProto.INPUT, valueInfo(INPUT, inputDims));
    g.message(GraphProto.OUTPUT, valueInfo(OUTPUT, outputDims));
    return g;
  }

  private static ProtoWriter encode(Node n) {
    ProtoWriter w = new ProtoWriter();
    for (String in : n.inputs) w.string(NodeProto.INPUT, in);
    for (String out : n.outputs) w.string(NodeProto.OUTPUT, out);
    w.string(NodeProto.NAME, n.name);
    w.string(NodeProto.OP_TYPE, n.op);
    for (Attribute a : n.attributes) {
      ProtoWriter attr = new ProtoWriter().string(AttributeProto.NAME, a.name).int64(AttributeProto.TYPE, a.type);
      switch (a.type) {
        case AttributeProto.TYPE_INT -> attr.int64(AttributeProto.I, a.i);
        case AttributeProto.TYPE_FLOAT -> attr.float32(AttributeProto.F, a.f);
        // onnx.proto declares ints unpacked: one key per value.
        case AttributeProto.TYPE_INTS -> { for (long v : a.ints) attr.int64(AttributeProto.INTS, v); }
        default -> throw new IllegalStateException("attribute type " + a.type);
      }
      w.message(NodeProto.ATTRIBUTE, attr);
    }
    return w;
  }

  private static ProtoWriter encode(Initializer t) {
    ProtoWriter w = new ProtoWriter();
    for (long d : t.dims) w.int64(TensorProto.DIMS, d);
    w.int64(TensorProto.DATA_TYPE, t.floats != null ? TensorProto.FLOAT : TensorProto.INT64);
    w.string(TensorProto.NAME, t.name);
    if (t.floats != null) {
      w.littleEndianFloats(TensorProto.RAW_DATA, t.floats);
    } else {
      w.packedInt64(TensorProto.INT64_DATA, t.longs);
    }
    return w;
  }

  /** A float32 tensor's name, type and shape; -1 is the symbolic batch axis "N". */
  private static ProtoWriter valueInfo(String name, long[] dims) {
    ProtoWriter shape = new ProtoWriter();
    for (long d : dims) {
      ProtoWriter dim = new ProtoWriter();
      if (d < 0) {
        dim.string(TensorShapeProto.DIM_PARAM, "N");
      } else {
        dim.int64(TensorShapeProto.DIM_VALUE, d);
      }
      shape.message(TensorShapeProto.DIM, dim);
    }
    ProtoWriter tensor = new ProtoWriter().int64(TypeProto.TENSOR_ELEM_TYPE, TensorProto.FLOAT)
        .message(TypeProto.TENSOR_SHAPE, shape);
    ProtoWriter type = new ProtoWriter().message(TypeProto.TENSOR_TYPE, tensor);
    return new ProtoWriter().string(ValueInfoProto.NAME, name).message(ValueInfoProto.TYPE, type);
  }
}
