package org.tabserve.model.answer;

import java.util.List;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.signature.Prediction;
import org.tabserve.model.signature.RangeWarning;

/**
 * One row of an answer, in the place it was sent: scored, with its prediction and what the request asked for beside
 * it ({@link AnsweredRows#row}), or refused, with its problems. {@link AnswerField#value} reads a field's value from
 * it.
 */
public sealed interface AnsweredRow {

    /**
     * A scored row.
     *
     * @param prediction  the model's prediction
     * @param displayName the predicted class's name for people, or null for a regressor's row or where not known
     * @param warnings    its values outside the training range and unseen categories (empty: none; null: not known)
     * @param explanation its explanation, or null when none was asked for
     * @param uncertainty how sure it is, or null when no coverage was asked for
     */
    record Scored(
            Prediction prediction,
            String displayName,
            List<RangeWarning> warnings,
            Explanation explanation,
            Uncertainty uncertainty)
            implements AnsweredRow {

        /** @return this row with its display name and warnings */
        public Scored with(String name, List<RangeWarning> rowWarnings) {
            return new Scored(prediction, name, rowWarnings, explanation, uncertainty);
        }
    }

    /**
     * A row that could not be scored.
     *
     * @param problems each of its problems, in order
     */
    record Refused(List<Problem> problems) implements AnsweredRow {
        public Refused {
            problems = List.copyOf(problems);
        }
    }

    /**
     * One problem of a refused row.
     *
     * @param field   the field it names
     * @param message what is wrong
     * @param row     the row's number where the problem says it, else null
     */
    record Problem(String field, String message, Integer row) {}
}
