package org.tabserve.serving;

import java.util.List;
import java.util.Optional;
import org.tabserve.model.Batch;
import org.tabserve.model.BatchScoring;
import org.tabserve.model.Explanation;
import org.tabserve.model.Model;
import org.tabserve.model.Prediction;
import org.tabserve.model.ScoredRows;
import org.tabserve.serving.explain.RowExplanations;
import org.tabserve.serving.limits.ClientWatch;
import org.tabserve.serving.limits.ServingException;

/**
 * One request's scoring, opened by {@link Scoring}: its rows in, scored rows out, with everything an answer owes done
 * here. A route that answers its rows at once calls {@link #scoreRows}; an upload scored chunk by chunk on a pool hands
 * this to its chunk scorer as a {@link BatchScoring} (the model's call on any thread, what is owed in upload order,
 * each chunk's uncertainties among it).
 */
public final class RequestScoring implements BatchScoring {

    private final ResolvedModel model;
    private final ConformalAnswers covering;
    private final RowExplanations explanations;
    private ResolvedModel.Counter counter;

    RequestScoring(ResolvedModel model, ConformalAnswers covering, RowExplanations explanations) {
        this.model = model;
        this.covering = covering;
        this.explanations = explanations;
    }

    /**
     * Scores {@code rows}: their explanations first when asked (so that a request that cannot have them is refused
     * before anything is scored or counted), then the model's answers, counted, then their uncertainties when a
     * coverage was asked for.
     *
     * @param explain whether the request asked for each row's explanation
     * @param watch   how the request notices that its client has gone while its rows are explained
     * @throws ServingException as {@link RowExplanations#of} when explanations are asked for and cannot be given
     */
    public ScoredRows scoreRows(Batch rows, boolean explain, ClientWatch watch) {
        List<Explanation> explained = null;
        if (explain) {
            Model leased = model.model(); // leased first, so that name() is the leased model's
            explained = explanations.of(model.name(), model.version().orElseThrow(), leased, rows, watch);
        }
        return score(rows).withExplanations(explained);
    }

    /** {@link #scoreRows(Batch, boolean, ClientWatch)} without explanations. */
    public ScoredRows scoreRows(Batch rows) {
        return scoreRows(rows, false, ClientWatch.NONE);
    }

    @Override
    public boolean covers() {
        return covering != null;
    }

    @Override
    public boolean measuresNovelty() {
        return covering != null && covering.novelty();
    }

    /**
     * @return the version that answers, when the answer names it: an unversioned request of a model under a canary
     *         rollout ({@link ResolvedModel#shownVersion()})
     */
    public Optional<Long> shownVersion() {
        return model.shownVersion();
    }

    @Override
    public Model model() {
        return model.model();
    }

    @Override
    public List<Prediction> predict(Batch rows) {
        return model.model().predict(rows);
    }

    /** Counts the batch, then measures each row's uncertainty (and counts its novelty) when a coverage was asked. */
    @Override
    public ScoredRows answered(Batch rows, List<Prediction> predictions) {
        if (counter == null) {
            counter = model.counter();
        }
        counter.counted(rows, predictions);
        return new ScoredRows(predictions, null, covering == null ? null : covering.of(rows, predictions));
    }
}
