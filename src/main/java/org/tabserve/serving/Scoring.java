package org.tabserve.serving;

import org.tabserve.serving.explain.RowExplanations;
import org.tabserve.serving.limits.ServingException;

/**
 * The one way in for every answer: each route, REST or gRPC, page or upload, parses its request into rows and asks
 * here for them to be scored ({@link RequestScoring}), so that what every answer owes happens in one place, never in
 * a handler: the model's call, the metrics, the live profile and drift, the answers kept for labels, the rollout's
 * comparison, the prediction log, and, when asked, each row's explanation and uncertainty (with its novelty).
 */
public final class Scoring {

    private final RowExplanations explanations;

    /** @param explanations the explanations, computed when a request asks for them */
    public Scoring(RowExplanations explanations) {
        this.explanations = explanations;
    }

    /**
     * Opens the scoring of one request, checking first (before its rows are read) that its model can answer the
     * coverage asked for.
     *
     * @param model    the request's model
     * @param coverage the coverage asked for, or null when none was
     * @throws ServingException naming {@code coverage} when the model cannot answer it, in words
     */
    public RequestScoring of(ResolvedModel model, Double coverage) {
        return new RequestScoring(model, ConformalAnswers.asked(model, coverage), explanations);
    }
}
