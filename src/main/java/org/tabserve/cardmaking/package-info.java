/**
 * The model card as written: summaries, histograms, example rows, metrics and the data block built from labelled rows,
 * the conformal calibration of {@code card --calibration}, and the ONNX file that carries them ({@code CardFile}), or
 * the card file beside a copy of a model whose file carries none ({@code CardBesideFile}). The trainer and the
 * {@code card} command both write through here, so every key ({@link org.tabserve.model.card.CardKeys}) and the shape
 * of every value has one spelling. It depends on the model package only: no servlet, no Tribuo.
 */
package org.tabserve.cardmaking;
