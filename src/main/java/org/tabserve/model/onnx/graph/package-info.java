/**
 * Everything tabserve knows about the ONNX format itself: a reader of the model file's protobuf (the graph, its
 * nodes, attributes, inputs, outputs and metadata, which ONNX Runtime's Java API does not expose), a writer of its
 * metadata (the card), and the facts the loader reads from that graph (class labels, the task, known categories,
 * which inputs may be missing, how the outputs end). It never touches ONNX Runtime, so it can read a model that ONNX
 * Runtime would refuse and say why, and the card command can write a card without a session.
 *
 * <p>The ONNX graph reader ({@code WireReader}, {@code GraphParser}, {@code OnnxGraph}, {@code MetadataWriter}, ...):
 * reads and writes the protobuf with the JDK alone.
 */
package org.tabserve.model.onnx.graph;
