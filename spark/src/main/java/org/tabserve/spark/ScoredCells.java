package org.tabserve.spark;

import java.util.List;
import org.tabserve.model.answer.BatchScoring;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.signature.FieldError;
import org.tabserve.rows.read.CellRows;

/**
 * A batch of typed cells as scored: the kept rows' answers paired with where each row given went and its errors
 * ({@link CellRows.Checked}), which the model core checks and scores apart (rows read, the model's answer package
 * scores).
 *
 * @param scored the kept rows' answers, in order
 * @param order  where each row given went: its index in {@code scored}, or left out
 * @param errors for each row given, its errors (empty for a kept row)
 */
record ScoredCells(ScoredRows scored, SentOrder order, List<List<FieldError>> errors) {

    /** @return {@code checked}'s kept rows scored by {@code scoring}, each row given in its place */
    static ScoredCells score(CellRows.Checked checked, BatchScoring scoring) {
        return new ScoredCells(scoring.scoreKept(checked.batch()), checked.order(), checked.errors());
    }
}
