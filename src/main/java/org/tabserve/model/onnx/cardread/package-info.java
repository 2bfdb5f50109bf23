/**
 * The model card read out of an ONNX file's metadata: {@link org.tabserve.model.onnx.cardread.CardReader} checks the
 * card's version, reads its plain values and hands each structured one to its reader (metrics, distributions, rows,
 * the conformal calibration), every list bounded by {@code CardLimits}, each refusal naming the key. No ONNX Runtime:
 * {@code model.onnx} hands it the metadata map and builds the model's card from what it reads.
 *
 * <p>The card read out of the model's metadata ({@code CardReader}, handing each structured value to
 * {@code CardMetrics}, {@code CardDistributions}, {@code CardRows}, {@code CardConformal}; {@code CardJsonReader};
 * every list bounded by {@code CardLimits}). No ONNX Runtime; below {@code model.onnx}, which hands it the metadata.
 */
package org.tabserve.model.onnx.cardread;
