package org.tabserve.model;

import java.util.ArrayList;
import java.util.List;

/**
 * How a caller's rows are scored, in two steps: the model's call, which may run on any thread (a pool scoring an
 * upload's chunks at once), and what is owed for each batch once it is answered, in the order of the rows sent. The
 * server's is its scoring entry point's ({@code serving.Scoring}: metrics, drift, labels, rollouts and the prediction
 * log); {@link #offline} scores and owes nothing, for the command line.
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
     *         for (explanations only from {@link #offline(Model, RowUncertainty, Explainer)}: an upload's answers carry none)
     */
    ScoredRows answered(Batch rows, List<Prediction> predictions);

    /** Both steps at once, for a caller that scores its rows where it answers them. */
    default ScoredRows score(Batch rows) {
        return answered(rows, predict(rows));
    }

    /** @return whether each row is answered with its uncertainty (a coverage was asked for) */
    default boolean covers() {
        return false;
    }

    /** @return whether each row's uncertainty says how novel the row is (the card can tell) */
    default boolean measuresNovelty() {
        return false;
    }

    /** Scoring by {@code model} alone, with nothing owed: the command line's. */
    static BatchScoring offline(Model model) {
        return offline(model, null);
    }

    /**
     * Scoring by {@code model} alone, each row answered with its uncertainty when {@code covering} is given: what an
     * engine that embeds the model core owes no server (no metrics, no drift, no log).
     *
     * @param covering each row's uncertainty at the coverage asked for, or null when none was
     */
    static BatchScoring offline(Model model, RowUncertainty covering) {
        return offline(model, covering, null);
    }

    /**
     * As {@link #offline(Model, RowUncertainty)}, each row also explained when {@code explaining} is given.
     *
     * @param explaining the model's explainer (against its card's background), or null when none was asked for
     */
    static BatchScoring offline(Model model, RowUncertainty covering, Explainer explaining) {
        return new BatchScoring() {
            @Override
            public Model model() {
                return model;
            }

            @Override
            public List<Prediction> predict(Batch rows) {
                return model.predict(rows);
            }

            @Override
            public ScoredRows answered(Batch rows, List<Prediction> predictions) {
                List<Uncertainty> uncertainties = covering == null ? null : new ArrayList<>(predictions.size());
                List<Explanation> explanations = explaining == null ? null : new ArrayList<>(predictions.size());
                for (int r = 0; r < predictions.size(); r++) {
                    if (covering != null) {
                        uncertainties.add(covering.of(rows, r, predictions.get(r)));
                    }
                    if (explaining != null) {
                        explanations.add(explaining.explain(rows, r));
                    }
                }
                return new ScoredRows(predictions, explanations, uncertainties);
            }

            @Override
            public boolean covers() {
                return covering != null;
            }

            @Override
            public boolean measuresNovelty() {
                return covering != null && covering.measuresNovelty();
            }
        };
    }
}
