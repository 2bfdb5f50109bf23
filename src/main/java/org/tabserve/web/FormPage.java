package org.tabserve.web;

import java.util.List;

/**
 * What the HTML form shows: the model's name, one field per feature (with what was typed and its error), and the
 * result of the last submission. Templates read only this, never the request.
 *
 * @param name        the model's name
 * @param description one line about the model
 * @param fields      one per feature, in the model's order
 * @param result      the prediction, or null before a successful submission
 * @param errorCount  how many fields are wrong (0 when none)
 */
record FormPage(String name, String description, List<Field> fields, Result result, int errorCount) {

    /**
     * @param name  the feature's name (also the parameter name)
     * @param value the text to show in the box: what was typed, or the example value
     * @param hint  the training range, or empty
     * @param error what is wrong with the value, or null
     */
    record Field(String name, String value, String hint, String error) {
    }

    /**
     * @param label       the predicted class label
     * @param displayName its display name
     * @param bars        one per class, in the model's order
     * @param sent        the values the prediction was made from
     */
    record Result(String label, String displayName, List<Bar> bars, List<Field> sent) {
    }

    /**
     * @param label       a class label
     * @param displayName its display name
     * @param probability its probability, 0..1
     * @param percent     the probability as text, e.g. {@code 97.3 %}
     * @param predicted   whether this is the predicted class
     */
    record Bar(String label, String displayName, double probability, String percent, boolean predicted) {
    }
}
