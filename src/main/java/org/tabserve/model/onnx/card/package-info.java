/**
 * The model card read out of an ONNX file's metadata: {@link org.tabserve.model.onnx.card.CardReader} checks the
 * card's version, reads its plain values and hands each structured one to its reader (metrics, distributions, rows,
 * the conformal calibration), every list bounded by {@code CardLimits}, each refusal naming the key. No ONNX Runtime:
 * {@code model.onnx} hands it the metadata map and builds the model's card from what it reads.
 */
package org.tabserve.model.onnx.card;
