package org.tabserve.web;

import org.tabserve.model.OnnxClassifier;

import java.util.Optional;

/**
 * The model the web app serves, or why it has none: servlets ask it for the classifier and get a 503 that says why
 * when the model could not be loaded, so the app stays up and tells its operator.
 */
final class ServedModel {

    private final OnnxClassifier classifier;
    private final String failure;

    private ServedModel(OnnxClassifier classifier, String failure) {
        this.classifier = classifier;
        this.failure = failure;
    }

    static ServedModel of(OnnxClassifier classifier) {
        return new ServedModel(classifier, null);
    }

    static ServedModel failed(String why) {
        return new ServedModel(null, why);
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
