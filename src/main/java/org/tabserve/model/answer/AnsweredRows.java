package org.tabserve.model.answer;

import java.util.List;
import org.tabserve.model.signature.Prediction;

/**
 * A batch's rows as answered, in the order of the batch, as the answers' writers read them: each row as an {@link
 * AnsweredRow.Scored} ({@link #row}), and the predictions as one list for a writer that reads them column by column.
 * What the scoring hands back ({@link ScoredRows}) is one; the writers of {@code rows} name this, never the scoring's.
 */
public interface AnsweredRows {

    /** @return one prediction per row, in order */
    List<Prediction> predictions();

    /** @return row {@code row} with what the request asked for beside its prediction, without a display name */
    AnsweredRow.Scored row(int row);

    /** @return whether row {@code row} carries anything beside its prediction (an explanation, an uncertainty) */
    boolean hasExtras(int row);

    /** @return the number of rows */
    default int size() {
        return predictions().size();
    }

    /** @return row {@code row}'s prediction */
    default Prediction prediction(int row) {
        return predictions().get(row);
    }
}
