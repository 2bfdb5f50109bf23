/**
 * What a model says about itself ({@link org.tabserve.model.card.ModelCard}), under the metadata keys of
 * {@link org.tabserve.model.card.CardKeys}: held-out metrics, the training data's figures and the conformal
 * calibration.
 */
package org.tabserve.model.card;
