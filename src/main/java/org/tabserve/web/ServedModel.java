package org.tabserve.web;

import org.tabserve.model.OnnxModel;
import org.tabserve.model.Prediction;
import org.tabserve.model.UseCount;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model the web app serves, or why it has none, swappable while requests run: servlets ask it for the classifier
 * and get a 503 that says why when no model could be loaded, so the app stays up and tells its operator.
 *
 * <p>Threading: each request is pinned, for its whole length, to the model that was current when it began
 * ({@link #serve}); a swap ({@link #replace}) makes a new model current at once, and the old one is closed by
 * whichever comes last of the swap and the last request still pinned to it. So no request ever sees two models, and
 * no session is closed under a prediction.
 */
final class ServedModel {

    /** A request's work, which may fail as servlet work does. */
    interface Work {
        void run() throws java.io.IOException;
    }

    /** One loaded model (or the failure to load one) with a count of its users: the holder, and each request. */
    private static final class Generation {
        private final OnnxModel classifier;
        private final String failure;
        private final UseCount users;

        Generation(OnnxModel classifier, String failure) {
            this.classifier = classifier;
            this.failure = failure;
            this.users = new UseCount(() -> {
                if (classifier != null) {
                    classifier.close();
                }
            });
        }
    }

    private final AtomicReference<Generation> current;
    private final ThreadLocal<Generation> pinned = new ThreadLocal<>();
    private final TabserveMetrics metrics;

    private ServedModel(Generation first, TabserveMetrics metrics) {
        this.current = new AtomicReference<>(first);
        this.metrics = metrics;
    }

    /** Serves {@code classifier}, which took {@code loadSeconds} to load and check (recorded in the metrics). */
    static ServedModel of(OnnxModel classifier, double loadSeconds, TabserveMetrics metrics) {
        metrics.modelLoaded(classifier, loadSeconds);
        return new ServedModel(new Generation(classifier, null), metrics);
    }

    static ServedModel failed(String why, TabserveMetrics metrics) {
        return new ServedModel(new Generation(null, why), metrics);
    }

    /**
     * Counts predictions in the metrics (rows scored, predictions by class); every route passes what the model
     * answered through here.
     *
     * @return {@code predictions}, unchanged
     */
    List<Prediction> counted(List<Prediction> predictions) {
        metrics.scored(predictions);
        return predictions;
    }

    /** @see #counted(List) */
    Prediction counted(Prediction prediction) {
        metrics.scored(List.of(prediction));
        return prediction;
    }

    /**
     * Runs one request pinned to the current model; nested calls (a forward, an error dispatch) stay on the same.
     */
    void serve(Work work) throws java.io.IOException {
        if (pinned.get() != null) {
            work.run();
            return;
        }
        Generation generation;
        do {
            generation = current.get();
        } while (!generation.users.acquire()); // lost a race with a swap that released it last: take the new one
        pinned.set(generation);
        try {
            work.run();
        } finally {
            pinned.remove();
            generation.users.release();
        }
    }

    /** The request's model, or outside a request (start-up) the current one. */
    private Generation generation() {
        Generation generation = pinned.get();
        return generation != null ? generation : current.get();
    }

    /** @return the classifier, loaded and warmed up */
    OnnxModel classifier() {
        Generation generation = generation();
        if (generation.classifier == null) {
            throw HttpProblem.unavailable("no model is loaded: " + generation.failure);
        }
        return generation.classifier;
    }

    /** @return the classifier when one is loaded */
    Optional<OnnxModel> loaded() {
        return Optional.ofNullable(generation().classifier);
    }

    /** @return why no model is loaded, when none is */
    Optional<String> failure() {
        return Optional.ofNullable(generation().failure);
    }

    /** @return the model new requests get now (whatever the calling request is pinned to) */
    Optional<OnnxModel> current() {
        return Optional.ofNullable(current.get().classifier);
    }

    /**
     * Makes {@code next} the served model at once. Requests already running finish on the model they began with,
     * which is closed after the last of them.
     *
     * @param loadSeconds how long loading and checking {@code next} took, for the metrics
     * @return the classifier that was served before, if any (already closed, or to be closed by its last request)
     */
    Optional<OnnxModel> replace(OnnxModel next, double loadSeconds) {
        Generation old = current.getAndSet(new Generation(next, null));
        metrics.modelLoaded(next, loadSeconds);
        old.users.releaseOwner();
        return Optional.ofNullable(old.classifier);
    }

    /** Drops the holder's reference when the app stops; the model closes once no request uses it. */
    void close() {
        current.get().users.releaseOwner();
    }
}
