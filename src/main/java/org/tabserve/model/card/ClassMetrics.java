package org.tabserve.model.card;

/**
 * Held-out quality figures for one class, as stored in the card.
 *
 * @param precision share of rows predicted as this class that really are
 * @param recall    share of rows of this class that were predicted as it
 * @param f1        harmonic mean of precision and recall
 * @param support   number of held-out rows of this class
 */
public record ClassMetrics(double precision, double recall, double f1, int support) {}
