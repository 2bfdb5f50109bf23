/**
 * The ONNX Runtime implementation of {@link org.tabserve.model.Model}: {@link org.tabserve.model.onnx.OnnxModelLoader}
 * reads a model file into a session, its signature and its card and warms it up; {@code OnnxModel} binds inputs, runs
 * the session and decodes its outputs. The only package that imports ONNX Runtime; the graph reader it uses, which
 * does not, is {@code model.onnx.graph}; below it, without ONNX Runtime either, stand the card's reader
 * ({@code model.onnx.cardread}), the exact explanations' arithmetic ({@code model.onnx.shapley}), the graphs in plain Java
 * ({@code model.onnx.plain}), the choice of the engine that answers and its load-time check ({@code
 * model.onnx.engine}), and the model file's private copy ({@code model.onnx.copy}).
 *
 * <p>The ONNX Runtime implementation of {@code Model} ({@code OnnxModel}, package-private) and {@code OnnxModelLoader},
 * which assembles one from a file (private copy, session, signature, graph facts, card, warm-up, engine) in the
 * process's one {@code OnnxEnvironment}: the only package importing {@code ai.onnxruntime}. Also the exact explainer's
 * ONNX Runtime half ({@code AttributeExplainer}, {@code EstimatorProbe}: a second session whose
 * {@code copy.GraphOutputs} expose the estimator's inputs and scores; {@code EstimatorCheck} holds them to
 * {@code engine.OrtAgreement}).
 */
package org.tabserve.model.onnx;
