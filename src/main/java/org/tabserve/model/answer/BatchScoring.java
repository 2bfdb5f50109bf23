package org.tabserve.model.answer;

import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;

/**
 * How a caller's rows are scored, in two steps: the model's call, which may run on any thread (a pool scoring an
 * upload's chunks at once), and what is owed for each batch once it is answered, in the order of the rows sent. The
 * server's is its scoring entry point's ({@code serving.Scoring}: metrics, drift, labels, rollouts and the prediction
 * log); the commands' and Spark's owe nothing ({@link AnswerAssembler#offline}).
 */
public interface BatchScoring {

    /** @return the model that scores */
    Model model();

    /** The model's answers for {@code rows}, one per row; on any thread. */
    List<Prediction> predict(Batch rows);

    /**
     * Does what is owed for a batch the model answered, on the thread that answers, in the order of the rows sent.
     *
     * @return the rows as scored: {@code predictions}, unchanged, with their uncertainties when a coverage was asked
     *         for (explanations only where every batch is explained, Spark's: an upload's answers carry none)
     */
    ScoredRows answered(Batch rows, List<Prediction> predictions);

    /** Both steps at once, for a caller that scores its rows where it answers them. */
    default ScoredRows score(Batch rows) {
        return answered(rows, predict(rows));
    }

    /**
     * {@link #score}, for the rows a check kept, which may be none: a reader of rows hands its kept rows over, and
     * takes these answers back.
     *
     * @param kept the rows, or null when none was kept
     */
    default ScoredRows scoreKept(Batch kept) {
        return kept == null ? ScoredRows.NONE : score(kept);
    }

    /** @return whether each row is answered with its uncertainty (a coverage was asked for) */
    default boolean covers() {
        return false;
    }

    /** @return whether each row's uncertainty says how novel the row is (the card can tell) */
    default boolean measuresNovelty() {
        return false;
    }

    /** @return the answer's request-level values: which model, version and file gave it */
    AnswerSource source();

    /** @return what each row of the answer carries beside its prediction (no explanations: a batch is not asked) */
    default AnswerShape shape() {
        return AnswerShape.of(model().signature(), false, covers(), measuresNovelty());
    }
}
