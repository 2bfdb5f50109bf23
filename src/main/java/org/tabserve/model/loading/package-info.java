/**
 * The one way a model is loaded from a file or a folder, whatever its format: an ONNX file through
 * {@code model.onnx}'s loader, an XGBoost or LightGBM file through its reader into a {@code model.trees} model, an
 * MLflow model directory through its flavor's; a model whose file carries no card has it beside it ({@code CardBeside},
 * {@code NativeCards}). It stands above each format's package and names no runtime itself.
 */
package org.tabserve.model.loading;
