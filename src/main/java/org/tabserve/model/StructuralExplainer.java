package org.tabserve.model;

/**
 * An explainer a model offers from its own structure (a tree ensemble's trees, a linear model's weights) against its
 * card's background sample, exact and in one model row per explained row: so that {@link Explainer} can skip
 * evaluating coalitions of mixed rows where the model allows it.
 */
public interface StructuralExplainer {

    /**
     * Explains row {@code row} of {@code rows} against the card's background.
     *
     * @param meter sees the one model call first, and may stop it by throwing
     */
    Explanation explain(Batch rows, int row, Explainer.Meter meter);
}
