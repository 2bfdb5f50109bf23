package org.tabserve.serving;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.predictionlog.PredictionLog;
import org.tabserve.predictionlog.ScoredCall;
import org.tabserve.serving.monitor.Monitors;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.serving.rollout.Rollouts;

/**
 * What the server owes for each batch a request's model answered, one hook a job, called in order by the answer's
 * assembler ({@link AnswerAssembler}): the metrics, the statistics, the live profile and drift, the rollout's
 * comparison, the answers kept for labels and the prediction log; and, when the request ends ({@link #ended}), its
 * statistics and the rollout's count of answered requests.
 */
final class AnswerHooks implements AnswerAssembler.Hook {

    private final String name;
    private final long version;
    private final TabserveMetrics metrics;
    private final Monitors monitors;
    private final Rollouts rollouts;
    /** The request's trace, whose stages the comparison, the labels' keeping and the log's write open. */
    private final AnswerTrace trace;

    private final List<AnswerAssembler.Hook> hooks = new ArrayList<>();
    private volatile boolean scored;

    /**
     * @param request the request, whose model is leased here
     * @return what the request's answer owes for each batch its model answers, told when the request ends
     */
    static AnswerHooks of(ResolvedModel request) {
        Model model = request.model();
        AnswerHooks hooks = new AnswerHooks(
                request, request.served(), model, request.version().orElseThrow());
        request.atClose(hooks::ended);
        return hooks;
    }

    /**
     * @param request the request, its model leased
     * @param served  the models the app serves
     * @param model   the request's leased model
     * @param version its version
     */
    AnswerHooks(ResolvedModel request, ServedModels served, Model model, long version) {
        this.name = request.name();
        this.version = version;
        this.metrics = served.metrics();
        this.monitors = served.monitors();
        this.rollouts = request.unversioned() ? served.rollouts() : null;
        this.trace = request.trace();
        hooks.add((batch, predictions) -> scored = true);
        hooks.add((batch, predictions) -> metrics.scored(name, predictions));
        hooks.add((batch, predictions) -> monitors.statistics().executed(name, version, batch.size()));
        hooks.add((batch, predictions) -> monitors.drift().record(name, version, model, batch));
        if (rollouts != null) { // off the answer's path: queued, or skipped
            hooks.add((batch, predictions) -> rollouts.scored(name, version, batch, predictions, trace));
        }
        hooks.add(new KeptForLabels(
                request.knownId(), request.mintedId(), request.caller().name(), request.clientKey(), model));
        if (request.logged()) {
            hooks.add(new Logged(served.predictionLog(), request, model));
        }
    }

    @Override
    public void answered(Batch rows, List<Prediction> predictions) {
        for (AnswerAssembler.Hook hook : hooks) {
            hook.answered(rows, predictions);
        }
    }

    /** @return whether a batch was answered */
    boolean scored() {
        return scored;
    }

    /**
     * Counts the request in its model's statistics (when it scored or failed) and, when a rollout chose its version,
     * in the rollout.
     */
    void ended(Boolean failed, Long nanos) {
        if (scored || failed) {
            monitors.statistics().answered(name, version, scored && !failed, nanos);
        }
        if (rollouts != null && scored && !failed) {
            rollouts.answered(name, version);
        }
    }

    /** Keeps the request's answers for the labels that may name them, numbering its rows across its batches. */
    private final class KeptForLabels implements AnswerAssembler.Hook {
        /** An id the answer carries back (the caller's, or given to it), for labels to name; or null. */
        private final String known;

        /** Whether the server made {@link #known} for the request: no answer can hold it yet. */
        private final boolean minted;

        /** The caller's name, whose own the request's id is ({@code ""}: no credential). */
        private final String owner;

        private final String caller;
        private final Model model;
        /** The rows answered so far, for numbering the next batch's rows. */
        private final AtomicInteger answered = new AtomicInteger();
        /** Drawn once, so that this request's later parts are kept only after its own first part. */
        private final long ticket = ThreadLocalRandom.current().nextLong();
        /** Whether the request's rows are still offered to be kept: not once a part was not kept. */
        private volatile boolean keeping = true;

        KeptForLabels(String known, boolean minted, String owner, String caller, Model model) {
            this.known = known;
            this.minted = minted;
            this.owner = owner;
            this.caller = caller;
            this.model = model;
        }

        @Override
        public void answered(Batch rows, List<Prediction> predictions) {
            int first = answered.getAndAdd(predictions.size());
            try (AnswerTrace.Stage stage = trace.stage("tabserve.labels")) {
                stage.attribute(AnswerTrace.ROWS, predictions.size());
                if (!monitors.feedback()
                        .answered(
                                name,
                                version,
                                model,
                                owner,
                                keeping ? known : null,
                                minted,
                                first,
                                ticket,
                                predictions,
                                caller,
                                trace)) {
                    keeping = false; // a later part would join another request's rows, or be numbered wrongly
                    stage.attribute("tabserve.labels.kept", 0);
                }
            }
        }
    }

    /** Writes each batch to the prediction log, under the request's id. */
    private final class Logged implements AnswerAssembler.Hook {
        private final PredictionLog log;
        private final String id;
        private final String call;
        private final Model model;
        private final long started;
        /** The caller's name, or null for one that sent no credential. */
        private final String client;

        private final String clientKind;

        Logged(PredictionLog log, ResolvedModel request, Model model) {
            this.log = log;
            this.id = request.requestId();
            this.call = request.call();
            this.model = model;
            this.started = request.started();
            String name = request.caller().name();
            this.client = name.isEmpty() ? null : name;
            this.clientKind = name.isEmpty() ? null : request.caller().kind().word();
        }

        @Override
        public void answered(Batch rows, List<Prediction> predictions) {
            try (AnswerTrace.Stage stage = trace.stage("tabserve.prediction_log")) {
                stage.attribute(AnswerTrace.ROWS, predictions.size());
                log.offer(new ScoredCall(
                        id,
                        call,
                        name,
                        version,
                        model,
                        Instant.now(),
                        System.nanoTime() - started,
                        rows,
                        predictions,
                        trace.traceId(),
                        client,
                        clientKind));
            }
        }
    }
}
