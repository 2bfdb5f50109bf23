/**
 * What a model takes and gives, the floor every other package of the model stands on: its signature, rows checked
 * against it as a {@link org.tabserve.model.signature.Batch}, a row's prediction, and its one exception with field
 * errors.
 *
 * <p>What a model takes and gives, the floor the model's other packages stand on: {@code ModelSignature} (inputs,
 * {@code Feature}s, {@code ValueType}s; the model's own check of whole rows reads them as {@code ModelSignature.Rows}),
 * rows checked against it as a {@code Batch} (each cell by {@code CellChecker}, range warnings by {@code RangeWarning}
 * on {@code FeatureStats}; the card's {@code Background} sample among such rows; {@code CallHeap}, a model call's
 * heap), a row's {@code Prediction} and a batch's as columns ({@code PredictionColumns}), and the one exception,
 * {@code ModelException}, with its {@code FieldError}s.
 */
package org.tabserve.model.signature;
