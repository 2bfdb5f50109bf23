/**
 * Which engine answers a model's batches: {@link org.tabserve.model.onnx.engine.PlainEngine} feeds a batch's columns
 * to the graph compiled in plain Java ({@code model.onnx.plain}), and {@link org.tabserve.model.onnx.engine.PlainCheck}
 * decides while the model loads whether it may, by holding its answers to ONNX Runtime's ({@code OrtAgreement}) on the
 * card's rows, drawn rows and the {@code EdgeRows}, and where ONNX Runtime is known to be wrong ({@code
 * OrtKnownErrors}), with that error made on purpose. No ONNX Runtime: {@code model.onnx} implements the
 * {@link org.tabserve.model.onnx.engine.CheckedModel} the check asks for ONNX Runtime's answers.
 */
package org.tabserve.model.onnx.engine;
