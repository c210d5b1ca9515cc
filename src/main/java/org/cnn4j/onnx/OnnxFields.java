package org.cnn4j.onnx;

/**
 * Field numbers and enum values of the ONNX messages cnn4j writes, as ONNX's
 * {@code onnx.proto} (IR version 7 and later) numbers them. Facts of the format:
 * a reader identifies every field by these numbers alone.
 */
final class OnnxFields {
  private OnnxFields() {}

  /** The file's top-level message. */
  static final class ModelProto {
    static final int IR_VERSION = 1;
    static final int PRODUCER_NAME = 2;
    static final int PRODUCER_VERSION = 3;
    static final int DOMAIN = 4;
    static final int MODEL_VERSION = 5;
    static final int DOC_STRING = 6;
    static final int GRAPH = 7;
    static final int OPSET_IMPORT = 8;
    static final int METADATA_PROPS = 14;

    private ModelProto() {}
  }

  /** An operator set a model imports: domain ("" is ONNX's own) and version. */
  static final class OperatorSetIdProto {
    static final int DOMAIN = 1;
    static final int VERSION = 2;

    private OperatorSetIdProto() {}
  }

  /** A key-value pair of the model's metadata. */
  static final class StringStringEntryProto {
    static final int KEY = 1;
    static final int VALUE = 2;

    private StringStringEntryProto() {}
  }

  static final class GraphProto {
    static final int NODE = 1;
    static final int NAME = 2;
    static final int INITIALIZER = 5;
    static final int DOC_STRING = 10;
    static final int INPUT = 11;
    static final int OUTPUT = 12;
    static final int VALUE_INFO = 13;

    private GraphProto() {}
  }

  static final class NodeProto {
    static final int INPUT = 1;
    static final int OUTPUT = 2;
    static final int NAME = 3;
    static final int OP_TYPE = 4;
    static final int ATTRIBUTE = 5;
    static final int DOC_STRING = 6;
    static final int DOMAIN = 7;

    private NodeProto() {}
  }

  static final class AttributeProto {
    static final int NAME = 1;
    static final int F = 2;
    static final int I = 3;
    static final int S = 4;
    static final int T = 5;
    static final int FLOATS = 7;
    static final int INTS = 8;
    static final int TYPE = 20;

    /** AttributeType values, for the TYPE field. */
    static final int TYPE_FLOAT = 1;
    static final int TYPE_INT = 2;
    static final int TYPE_STRING = 3;
    static final int TYPE_TENSOR = 4;
    static final int TYPE_FLOATS = 6;
    static final int TYPE_INTS = 7;

    private AttributeProto() {}
  }

  static final class TensorProto {
    static final int DIMS = 1;
    static final int DATA_TYPE = 2;
    static final int FLOAT_DATA = 4;
    static final int INT64_DATA = 7;
    static final int NAME = 8;
    static final int RAW_DATA = 9;

    /** DataType values, for the DATA_TYPE field (and TypeProto.Tensor's elem_type). */
    static final int FLOAT = 1;
    static final int INT64 = 7;

    private TensorProto() {}
  }

  /** A graph input's or output's name and type. */
  static final class ValueInfoProto {
    static final int NAME = 1;
    static final int TYPE = 2;
    static final int DOC_STRING = 3;

    private ValueInfoProto() {}
  }

  static final class TypeProto {
    static final int TENSOR_TYPE = 1;

    /** Fields of TypeProto.Tensor. */
    static final int TENSOR_ELEM_TYPE = 1;
    static final int TENSOR_SHAPE = 2;

    private TypeProto() {}
  }

  static final class TensorShapeProto {
    static final int DIM = 1;

    /** Fields of TensorShapeProto.Dimension: a fixed size or a symbolic name. */
    static final int DIM_VALUE = 1;
    static final int DIM_PARAM = 2;

    private TensorShapeProto() {}
  }
}
