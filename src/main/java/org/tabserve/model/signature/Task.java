package org.tabserve.model.signature;

/** What a model predicts: a class with its probabilities, or a number. */
public enum Task {
    CLASSIFICATION,
    REGRESSION;

    /** @return the lower-case name clients see in JSON ("classification", "regression") */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
