/**
 * The ONNX Runtime implementation of {@link org.tabserve.model.Model}: {@link org.tabserve.model.onnx.OnnxModelLoader}
 * reads a model file into a session, its signature and its card and warms it up; {@code OnnxModel} binds inputs, runs
 * the session and decodes its outputs. The only package that imports ONNX Runtime; the graph reader it uses, which
 * does not, is {@code model.onnx.graph}; below it, without ONNX Runtime either, stand the card's reader
 * ({@code model.onnx.card}), the exact explanations' arithmetic ({@code model.onnx.explain}), the graphs in plain Java
 * ({@code model.onnx.plain}), the choice of the engine that answers and its load-time check ({@code
 * model.onnx.engine}), and the model file's private copy ({@code model.onnx.copy}).
 */
package org.tabserve.model.onnx;
