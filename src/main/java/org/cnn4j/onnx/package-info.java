/**
 * ONNX export of cnn4j models: {@link org.cnn4j.onnx.OnnxExport} writes a model's inference
 * graph and weights as an ONNX file (a protobuf ModelProto, encoded by cnn4j itself without a
 * protobuf runtime) that ONNX Runtime and other ONNX consumers load.
 */
package org.cnn4j.onnx;
