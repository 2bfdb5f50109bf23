package org.tabserve.web.pages;

import java.util.ArrayList;
import java.util.List;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.RequestField;
import org.tabserve.web.pages.plots.ContributionChart;
import org.tabserve.web.pages.plots.ShownClasses;

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
 * @param oneRow      the heading of the one-row form, e.g. {@code One note} (the card's row noun) or {@code One row}
 * @param manyRows    what the CSV's rows are, e.g. {@code notes} or {@code rows}
 * @param anyOptional whether some field may be left empty (the page says so)
 * @param filledNote  what the fresh form's values are (an example from the data, or typical values), or null when
 *                    the form shows what was typed
 * @param shownExample the id of the example the form is filled with, or null
 * @param explainable whether the model's card has the background sample an answer is explained against (the form
 *                    then offers to explain it)
 * @param explain     whether the form asks for the answer to be explained (the box stays ticked)
 * @param calibrated  whether the model's card has the conformal calibration that says how sure an answer is (the
 *                    form then offers a coverage)
 * @param coverage    the coverage the form asked for, as sent (it stays chosen), or empty for none
 */
record FormPage(
        String name,
        String description,
        List<Example> examples,
        List<Field> fields,
        Result result,
        int errorCount,
        boolean hasCard,
        String oneRow,
        String manyRows,
        boolean anyOptional,
        String filledNote,
        String shownExample,
        boolean explainable,
        boolean explain,
        boolean calibrated,
        String coverage) {

    /** The coverages the form offers, as sent. */
    static final List<String> COVERAGES = List.of("0.8", "0.9", "0.95");

    /** @return the coverages the form offers */
    public List<String> coverages() {
        return COVERAGES;
    }

    /** More fields than this are laid out in columns: one long column of them is a page to scroll through. */
    static final int COLUMNS_FROM = 10;

    /** @return whether the fields are many, so the page lays them out in columns */
    public boolean manyFields() {
        return fields.size() > COLUMNS_FROM;
    }

    /** This page, saying what its fields were filled with. */
    FormPage filledWith(FormDefaults.Filled filled) {
        String note;
        if (filled.example() != null) {
            note = "Filled in with the example “" + filled.example().text() + "” from the data: press Predict, or"
                    + " change any value.";
        } else if (!filled.values().isEmpty()) {
            note = "Filled in with typical values from the data (the median of whole numbers, the mean of decimals,"
                    + " the most frequent text): press Predict, or change any value.";
        } else {
            note = null;
        }
        return with(note, filled.example() == null ? null : filled.example().id(), coverage);
    }

    /** This page, with {@code coverage} chosen (as sent; empty for none). */
    FormPage covering(String coverage) {
        return with(filledNote, shownExample, coverage);
    }

    /** This page, its note, example and coverage as given and the rest as it is. */
    private FormPage with(String note, String example, String chosen) {
        return new FormPage(
                name,
                description,
                examples,
                fields,
                result,
                errorCount,
                hasCard,
                oneRow,
                manyRows,
                anyOptional,
                note,
                example,
                explainable,
                explain,
                calibrated,
                chosen);
    }

    /**
     * @param id    the example's id in {@code /?example=ID}, e.g. {@code genuine-1}
     * @param text  the link's text, e.g. {@code genuine 1}
     * @param label the class label the example has in the data
     * @param title what the link fills in, e.g. {@code variance 3.6, skewness 8.6, ...}
     */
    record Example(String id, String text, String label, String title) {}

    /**
     * @param name      the feature's name (also the parameter name)
     * @param value     the text to show in the box: what was typed, or the example value
     * @param hint      the training range, the known values, or empty
     * @param error     what is wrong with the value, or null
     * @param inputMode the on-screen keyboard the field wants: {@code decimal}, {@code numeric} or {@code text}
     * @param options   the known values of a text or whole-number feature; empty when none are known
     * @param select    whether the field is a choice among {@code options} only (the model refuses other values);
     *                  otherwise a text field that offers them in a {@code datalist}
     * @param optional  whether the field may be left empty (a missing value the model takes)
     */
    record Field(
            String name,
            String value,
            String hint,
            String error,
            String inputMode,
            List<String> options,
            boolean select,
            boolean optional) {

        /** A field the form does not have (an unknown parameter), shown with its error. */
        static Field unknown(String name, String value, String error) {
            return new Field(name, value, "", error, "text", List.of(), false, false);
        }

        /** @return whether the value shown is one of the options, so a select keeps it */
        public boolean valueIsOption() {
            return options.contains(value);
        }
    }

    /**
     * @param label       the predicted class label, or a regressor's value as text
     * @param displayName its display name (a regressor's value as text)
     * @param bars        one per class, in the model's order; of many classes the most probable and one of "others"
     *                    (label empty, their sum): {@link ShownClasses}; empty for a regressor
     * @param sent        the values the prediction was made from
     * @param warnings    values outside the training range and unknown categories, for people; empty when none
     * @param regression  whether the answer is a regressor's value
     * @param targetRange the training range of a regressor's target, as text, when the card has it; else null
     * @param explanation the answer's contributions, when the form asked for them; else null
     * @param probabilityNote what the probabilities are when tabserve made them from the model's scores, or null
     * @param sureness    how sure the answer is, in words, when the form asked for a coverage; else null
     * @param provenance  which model gave the answer, as its body says ({@link Provenance#of}); may be empty
     */
    record Result(
            String label,
            String displayName,
            List<Bar> bars,
            List<Field> sent,
            List<String> warnings,
            boolean regression,
            String targetRange,
            ContributionChart.Explained explanation,
            String probabilityNote,
            String sureness,
            List<More> more,
            List<Provenance> provenance) {}

    /**
     * A field of the answer the page has no words of its own for, listed under the answer.
     *
     * @param key   the field's JSON key
     * @param words its value in words
     */
    record More(String key, String words) {}

    /**
     * @param label       a class label
     * @param displayName its display name
     * @param probability its probability, 0..1
     * @param percent     the probability as text, e.g. {@code 97.3 %}
     * @param predicted   whether this is the predicted class
     */
    record Bar(String label, String displayName, double probability, String percent, boolean predicted) {}

    /**
     * One request-level field an answer's body carries, small beside the answer: its short text and, as the text's
     * {@code title}, its whole value.
     *
     * @param id    the element's id, {@code provenance-} and the field's key
     * @param text  e.g. {@code model file 45df0ec072c3}
     * @param title e.g. the file's whole SHA-256
     */
    record Provenance(String id, String text, String title) {

        /** The hex digits of a model file's SHA-256 shown; the whole is the title. */
        static final int SHA256_SHOWN = 12;

        /** @return the request-level fields {@code source}'s body carries ({@link RequestField#inBody}), in order */
        static List<Provenance> of(AnswerSource source) {
            List<Provenance> parts = new ArrayList<>();
            for (RequestField field : RequestField.values()) {
                if (!field.inBody(source)) {
                    continue;
                }
                String id = "provenance-" + field.key();
                Provenance part = switch (field) {
                    // the page's heading names the model; the model's page says its engine; a page quotes no
                    // request id back (none of these is in a body), nor a trace's id
                    case MODEL_NAME, ENGINE, REQUEST_ID, TRACE_ID -> null;
                    // in the body where a rollout chose the version, which either version may answer
                    case MODEL_VERSION ->
                        new Provenance(
                                id, "version " + source.version(), "the version that answered: a rollout chose it");
                    case MODEL_SHA256 -> {
                        String sha256 = source.sha256();
                        yield new Provenance(
                                id,
                                "model file " + sha256.substring(0, Math.min(SHA256_SHOWN, sha256.length())),
                                sha256);
                    }
                };
                if (part != null) {
                    parts.add(part);
                }
            }
            return parts;
        }
    }
}
