package org.tabserve.serving;

import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.explanations.RowExplanations;

/**
 * The one way in for every answer: each route, REST or gRPC, page or upload, parses its request into rows and asks
 * here for the answer's assembler ({@link AnswerAssembler}), given what the server owes for every answer
 * ({@link AnswerHooks}: the metrics, the live profile and drift, the answers kept for labels, the rollout's
 * comparison, the prediction log), each row's explanation when asked, and its uncertainty (with its novelty) at the
 * coverage asked for.
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
    public AnswerAssembler of(ResolvedModel model, Double coverage) {
        return AnswerAssembler.of(model::model)
                .source(model::source)
                .covering(ConformalAnswers.asked(model, coverage))
                .explaining(
                        (rows, watch) -> {
                            // Asked here, for every transport alike, since only the request's body may ask it;
                            // before the model is leased, so that a caller without the scope is refused alike
                            // whether or not the model is served (issue 76), and again on the leased model's name.
                            model.caller().require(Scope.EXPLAIN, model.name());
                            var leased = model.model();
                            model.caller().require(Scope.EXPLAIN, model.name());
                            return explanations.of(model.name(), model.version().orElseThrow(), leased, rows, watch);
                        },
                        false)
                .hooks(() -> AnswerHooks.of(model))
                .trace(model::trace)
                .build();
    }
}
