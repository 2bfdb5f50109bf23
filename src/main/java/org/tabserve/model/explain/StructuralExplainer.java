package org.tabserve.model.explain;

import org.tabserve.model.signature.Batch;

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
    Explanation explain(Batch rows, int row, ExplanationMeter meter);

    /**
     * The work of explaining one row, in model rows, so that the explanation cost limit counts it as it counts rows
     * by coalitions: its one model call, and what walking the structure against the background is worth (a tree
     * ensemble's: a model row per tree level per background row); one by default.
     */
    default long modelRowsPerRow() {
        return 1;
    }

    /** @return that work in words, for a refusal: what is walked, against how many background rows */
    default String work() {
        return "one model row";
    }
}
