/**
 * Which engine answers a model's batches: {@link org.tabserve.model.onnx.engine.PlainEngine} feeds a batch's columns
 * to the graph compiled in plain Java ({@code model.onnx.plain}), and {@link org.tabserve.model.onnx.engine.PlainCheck}
 * decides while the model loads whether it may, by holding its answers to ONNX Runtime's ({@code OrtAgreement}) on the
 * card's rows, drawn rows and the {@code EdgeRows}, and where ONNX Runtime is known to be wrong ({@code
 * OrtKnownErrors}), with that error made on purpose. No ONNX Runtime: {@code model.onnx} implements the
 * {@link org.tabserve.model.onnx.engine.CheckedModel} the check asks for ONNX Runtime's answers.
 *
 * <p>Which engine answers a model's batches: {@code PlainEngine} feeds a batch's columns to a {@code plain} graph (and
 * checks a linear model's rows before any engine), {@code PlainCheck} decides at load whether a model uses it, by
 * holding its answers to ONNX Runtime's ({@code OrtAgreement}, the one load-time test, which the exact explanations are
 * held to as well) on the card's rows, drawn rows and {@code EdgeRows}, and {@code OrtKnownErrors} names where ONNX
 * Runtime is wrong. No ONNX Runtime; below {@code model.onnx}, whose {@code OnnxModel} is the {@code CheckedModel} the
 * check asks for ONNX Runtime's answers and tells which engine to use.
 */
package org.tabserve.model.onnx.engine;
