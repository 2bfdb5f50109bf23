/**
 * Everything tabserve knows about the ONNX format itself: a reader of the model file's protobuf (the graph, its
 * nodes, attributes, inputs, outputs and metadata, which ONNX Runtime's Java API does not expose) and the facts the
 * model core reads from that graph (class labels, the task, known categories, which inputs may be missing, how the
 * outputs end). It will also own the ONNX Runtime session; the graph reader itself never touches ONNX Runtime, so it
 * can read a model that ONNX Runtime would refuse and say why.
 */
package org.tabserve.model.onnx;
