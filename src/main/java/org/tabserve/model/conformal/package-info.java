/**
 * How sure an answer is, from the card's split-conformal calibration: each row's interval or set of labels at the
 * coverage asked ({@link org.tabserve.model.conformal.RowUncertainty}), and how unlike the calibration rows it is.
 *
 * <p>How sure an answer is: the card's split-conformal calibration ({@code Conformal}), each row's interval or set of
 * labels at the coverage asked ({@code RowUncertainty}, an {@code Uncertainty}), and its novelty
 * ({@code NoveltyDistance}). Stands on {@code signature}.
 */
package org.tabserve.model.conformal;
