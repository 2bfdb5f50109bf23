/**
 * The classical ONNX-ML graphs (an SVM, a linear model, a tree ensemble, their scalers, normalizers, imputers and
 * one-hot encoders, and the reshaping between them) evaluated in plain Java, for batches of every size, a row's
 * arithmetic the same in any batch, so that its answer has the same bits in any batch: {@link org.tabserve.model.onnx.plain.PlainGraph}
 * compiles the nodes an answer needs, each estimator from its one definition in {@code model.onnx.graph.ml}, or says
 * which one it cannot run. No ONNX Runtime here: {@code model.onnx} checks a compiled graph against ONNX Runtime's
 * answers before it is used, and ONNX Runtime stays the engine for every other graph.
 */
package org.tabserve.model.onnx.plain;
