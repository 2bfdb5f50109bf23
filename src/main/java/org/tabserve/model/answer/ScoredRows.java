package org.tabserve.model.answer;

import java.util.List;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.Prediction;

/**
 * A batch's rows as scored: each row's prediction, and, when the request asked, its explanation and its uncertainty,
 * in the order of the batch: what the scoring hands back, which every answer writer reads as {@link AnsweredRows}.
 *
 * @param predictions   one per row
 * @param explanations  one per row, or null when the request did not ask for explanations
 * @param uncertainties one per row, or null when the request asked for no coverage
 */
public record ScoredRows(List<Prediction> predictions, List<Explanation> explanations, List<Uncertainty> uncertainties)
        implements AnsweredRows {

    /** No rows: the answer to a batch none of whose rows could be scored. */
    public static final ScoredRows NONE = new ScoredRows(List.of(), null, null);

    /** @return these rows with their explanations, one per row (null: none asked for) */
    public ScoredRows withExplanations(List<Explanation> explained) {
        return new ScoredRows(predictions, explained, uncertainties);
    }

    @Override
    public boolean hasExtras(int row) {
        return explanation(row) != null || uncertainty(row) != null;
    }

    @Override
    public AnsweredRow.Scored row(int row) {
        return new AnsweredRow.Scored(prediction(row), null, null, explanation(row), uncertainty(row));
    }

    @Override
    public int size() {
        return predictions.size();
    }

    @Override
    public Prediction prediction(int row) {
        return predictions.get(row);
    }

    /** @return row {@code row}'s explanation, or null when none was asked for */
    public Explanation explanation(int row) {
        return explanations == null ? null : explanations.get(row);
    }

    /** @return row {@code row}'s uncertainty, or null when no coverage was asked for */
    public Uncertainty uncertainty(int row) {
        return uncertainties == null ? null : uncertainties.get(row);
    }
}
