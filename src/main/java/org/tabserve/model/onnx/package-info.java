/**
 * The ONNX Runtime implementation of {@link org.tabserve.model.Model}: {@link org.tabserve.model.onnx.OnnxModelLoader}
 * reads a model file into a session, its signature and its card and warms it up; {@code OnnxModel} binds inputs, runs
 * the session and decodes its outputs. The only package that imports ONNX Runtime; the graph reader it uses, which
 * does not, is {@code model.onnx.graph}, and the card's reader and the exact explanations' arithmetic, which do not
 * either, are {@code model.onnx.card} and {@code model.onnx.explain}, below it.
 */
package org.tabserve.model.onnx;
