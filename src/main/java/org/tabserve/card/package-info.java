/**
 * The model card as written: summaries, histograms, example rows, metrics and the data block built from labelled rows,
 * and the ONNX file that carries them. The trainer and the {@code card} command both write through here, so every
 * key ({@link org.tabserve.model.card.CardKeys}) and the shape of every value has one spelling. It depends on the model
 * package only: no servlet, no Tribuo.
 *
 * <p>Writes a model's card (statistics, histograms, examples, metrics, the conformal calibration of
 * {@code card --calibration}) for the trainer and the {@code card} command, so every key has one spelling.
 */
package org.tabserve.card;
