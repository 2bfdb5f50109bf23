/**
 * The classical ONNX-ML graphs (an SVM, a linear model, a tree ensemble, their scalers, normalizers, imputers and
 * one-hot encoders, and the reshaping between them) evaluated in plain Java, for batches of every size, a row's
 * arithmetic the same in any batch, so that its answer has the same bits in any batch: {@link org.tabserve.model.onnx.plain.PlainGraph}
 * compiles the nodes an answer needs, each estimator from its one definition in {@code model.onnx.graph.ml}, or says
 * which one it cannot run. No ONNX Runtime here: {@code model.onnx} checks a compiled graph against ONNX Runtime's
 * answers before it is used, and ONNX Runtime stays the engine for every other graph.
 *
 * <p>The classical ONNX-ML graphs evaluated in plain Java for batches of every size, a row's answer the same bits in
 * any batch (the SVM's kernel {@code SvmKernels} computes for blocks of rows with {@code FloatExp})
 * ({@code PlainGraph}: the nodes an answer needs, each a {@code PlainOp} over {@code PlainTensor}s: SVMClassifier,
 * LinearClassifier, LinearRegressor, the tree ensembles, Scaler, Normalizer, Imputer and OneHotEncoder from their
 * {@code graph.ml} definitions, and the reshaping between them; {@code Unsupported} names the first node it does not
 * run). No ONNX Runtime: {@code model.onnx.engine}'s {@code PlainCheck} decides at load whether a model uses it, by
 * comparing its answers with ONNX Runtime's, and {@code PlainEngine} feeds it a batch's columns.
 */
package org.tabserve.model.onnx.plain;
