/**
 * What a model says about itself ({@link org.tabserve.model.card.ModelCard}), under the metadata keys of
 * {@link org.tabserve.model.card.CardKeys}: held-out metrics, the training data's figures and the conformal
 * calibration.
 *
 * <p>What a model says about itself: {@code ModelCard} and its parts (held-out {@code Evaluation}s, histograms,
 * category counts, skipped rows), under the metadata keys of {@code CardKeys}. Stands on {@code conformal} and
 * {@code signature}.
 */
package org.tabserve.model.card;
