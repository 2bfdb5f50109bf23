package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.tabserve.model.card.Evaluation;
import org.tabserve.model.card.ModelCard;
import org.tabserve.web.pages.plots.Plots;

/**
 * The card's confusion told as a table when a matrix would be unreadable (issue 39: 28 classes made a matrix of
 * 784 cells whose labels ran into each other): the pairs of a true class and the class it was most often taken for,
 * most rows first, each with the share of that true class's rows it took.
 */
final class MostConfused {

    /** The most classes drawn as a matrix; beyond, the table. */
    static final int MATRIX_MOST = 10;
    /** The most pairs the table lists. */
    static final int PAIRS = 12;

    private MostConfused() {}

    /** @return whether the card's confusion is drawn as a matrix rather than told as a table */
    static boolean asMatrix(Evaluation evaluation) {
        return evaluation.confusionLabels().size() <= MATRIX_MOST;
    }

    /** @return the {@link #PAIRS} off-diagonal cells with the most rows, most first; none of 0 rows */
    static List<ModelPage.Confused> of(ModelCard card, Evaluation evaluation) {
        List<String> labels = evaluation.confusionLabels();
        List<List<Integer>> counts = evaluation.confusion();
        List<int[]> cells = new ArrayList<>();
        for (int t = 0; t < labels.size(); t++) {
            for (int p = 0; p < labels.size(); p++) {
                if (t != p && counts.get(t).get(p) > 0) {
                    cells.add(new int[] {t, p, counts.get(t).get(p)});
                }
            }
        }
        cells.sort(Comparator.<int[]>comparingInt(c -> -c[2])
                .thenComparingInt(c -> c[0])
                .thenComparingInt(c -> c[1]));
        List<ModelPage.Confused> pairs = new ArrayList<>();
        for (int[] cell : cells.subList(0, Math.min(PAIRS, cells.size()))) {
            long rows =
                    counts.get(cell[0]).stream().mapToLong(Integer::longValue).sum();
            pairs.add(new ModelPage.Confused(
                    card.displayName(labels.get(cell[0])),
                    card.displayName(labels.get(cell[1])),
                    Integer.toString(cell[2]),
                    Plots.fixed((double) cell[2] / rows)));
        }
        return pairs;
    }
}
