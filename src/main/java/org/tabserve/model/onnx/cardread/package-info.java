/**
 * The model card read out of an ONNX file's metadata, or out of the card file beside a model whose file carries none
 * (an XGBoost or LightGBM file, an MLflow directory: the same key/values), and assembled, whatever the model's format,
 * by {@code CardAssembly} from the entries, the model's signature and its file's defaults: {@link org.tabserve.model.onnx.cardread.CardReader} checks the
 * card's version, reads its plain values and hands each structured one to its reader (metrics, distributions, rows,
 * the conformal calibration), every list bounded by {@code CardLimits}, each refusal naming the key. No ONNX Runtime:
 * {@code model.onnx} hands it the metadata map and builds the model's card from what it reads.
 *
 * <p>The card read out of the model's metadata ({@code CardReader}, handing each structured value to
 * {@code CardMetrics}, {@code CardDistributions}, {@code CardRows}, {@code CardConformal}; {@code CardJsonReader};
 * every list bounded by {@code CardLimits}). No ONNX Runtime; below {@code model.onnx}, which hands it the metadata.
 */
package org.tabserve.model.onnx.cardread;
