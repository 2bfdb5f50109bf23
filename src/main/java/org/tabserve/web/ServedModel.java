package org.tabserve.web;

import org.tabserve.model.OnnxClassifier;
import org.tabserve.model.Prediction;

import java.util.List;
import java.util.Optional;

/**
 * The model the web app serves, or why it has none: servlets ask it for the classifier and get a 503 that says why
 * when the model could not be loaded, so the app stays up and tells its operator.
 */
final class ServedModel {

    private final OnnxClassifier classifier;
    private final String failure;
    private final TabserveMetrics metrics;

    private ServedModel(OnnxClassifier classifier, String failure, TabserveMetrics metrics) {
        this.classifier = classifier;
        this.failure = failure;
        this.metrics = metrics;
    }

    static ServedModel of(OnnxClassifier classifier, TabserveMetrics metrics) {
        return new ServedModel(classifier, null, metrics);
    }

    static ServedModel failed(String why, TabserveMetrics metrics) {
        return new ServedModel(null, why, metrics);
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

    /** @return the classifier, loaded and warmed up */
    OnnxClassifier classifier() {
        if (classifier == null) {
            throw HttpProblem.unavailable("no model is loaded: " + failure);
        }
        return classifier;
    }

    /** @return the classifier when one is loaded */
    Optional<OnnxClassifier> loaded() {
        return Optional.ofNullable(classifier);
    }

    /** @return why no model is loaded, when none is */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }
}
