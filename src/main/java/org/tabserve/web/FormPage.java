package org.tabserve.web;

import java.util.List;

/**
 * What the HTML form shows: the model's name, example rows to fill in, one field per feature (with what was typed
 * and its error), the result of the last submission and the CSV upload. Templates read only this, never the request.
 *
 * @param name        the model's name
 * @param description one line about the model
 * @param examples    example rows from the card, each a link that fills the form; may be empty
 * @param fields      one per feature, in the data's column order
 * @param result      the prediction, or null before a successful submission
 * @param errorCount  how many fields are wrong (0 when none)
 * @param hasCard     whether the model has a card worth a page of its own ({@code /model})
 */
record FormPage(String name, String description, List<Example> examples, List<Field> fields, Result result,
                int errorCount, boolean hasCard) {

    /**
     * @param id    the example's id in {@code /?example=ID}, e.g. {@code genuine-1}
     * @param text  the link's text, e.g. {@code genuine 1}
     * @param label the class label the example has in the data
     * @param title what the link fills in, e.g. {@code variance 3.6, skewness 8.6, ...}
     */
    record Example(String id, String text, String label, String title) {
    }

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
     * @param warnings    values outside the training range, for people; empty when none
     */
    record Result(String label, String displayName, List<Bar> bars, List<Field> sent, List<String> warnings) {
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
