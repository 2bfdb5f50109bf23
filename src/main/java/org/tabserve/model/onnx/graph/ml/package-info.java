/**
 * Each ai.onnx.ml operator that tabserve evaluates, explains or reads facts from, defined once: its attributes read
 * into an immutable, validated definition ({@link org.tabserve.model.onnx.graph.ml.LinearClassifier},
 * {@link org.tabserve.model.onnx.graph.ml.LinearRegressor}, {@link org.tabserve.model.onnx.graph.ml.SvmClassifier},
 * {@link org.tabserve.model.onnx.graph.ml.TreeEnsemble}, and the transformers'
 * {@link org.tabserve.model.onnx.graph.ml.OneHotEncoding}, {@link org.tabserve.model.onnx.graph.ml.Normalization},
 * {@link org.tabserve.model.onnx.graph.ml.Scaling}, {@link org.tabserve.model.onnx.graph.ml.Imputation}) and what
 * ONNX Runtime makes of them, written once: the post-transforms
 * ({@link org.tabserve.model.onnx.graph.ml.PostTransform}), the cases where one score stands for two classes
 * ({@link org.tabserve.model.onnx.graph.ml.BinaryCase}) and the class labels
 * ({@link org.tabserve.model.onnx.graph.ml.OperatorLabels}). The plain-Java engine ({@code model.onnx.plain}), the exact
 * explanations ({@code model.onnx}) and the graph facts ({@code graph.facts.GraphFacts}) all read operators here, and
 * no main file outside it names an operator's attribute ({@code OperatorAttributesTest}). It stands beside the graph
 * reader, whose rule it keeps (the JDK and {@code model.onnx.graph} only, never ONNX Runtime), so that the graph
 * facts may use it too.
 */
package org.tabserve.model.onnx.graph.ml;
