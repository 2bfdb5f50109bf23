/**
 * How sure an answer is, from the card's split-conformal calibration: each row's interval or set of labels at the
 * coverage asked ({@link org.tabserve.model.conformal.RowUncertainty}), and how unlike the calibration rows it is.
 */
package org.tabserve.model.conformal;
