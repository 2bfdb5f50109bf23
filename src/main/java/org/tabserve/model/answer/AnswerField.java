package org.tabserve.model.answer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.conformal.Uncertainty;
import org.tabserve.model.signature.Prediction;

/**
 * The per-row fields of every answer, in the order every format writes them: each with its JSON key, when a row carries
 * it ({@link #presence}), its type ({@link #type}, of the sealed {@link FieldType}), its value for a row
 * ({@link #value}, of {@link AnsweredRow}) and a sentence for the API's documents; {@link #describe} gives them as
 * data ({@code /api/model}'s {@code fields}), and the columns a table spells a field as are {@code AnswerColumn}'s to
 * say. A writer loops over {@link #values()} and writes each field by its type, switching over the type's kind in a
 * switch expression the compiler checks; a format that spells some fields its own way (the hot label, probabilities
 * and value; the pages' words; Spark's struct and OIP's outputs of the uncertainty) holds those in a map and writes any
 * other by its type. A new field is one constant here (before {@link #ERRORS}, whose column is a table's last) and, for
 * a value of its own, its place in {@link AnsweredRow} and {@link ScoredRows} and where {@link AnswerAssembler} makes
 * it; {@code AnswerFormatsTest}'s spellings are switch expressions over the fields, so the compiler asks how each
 * format spells it, and the test fails for a format that leaves a present field out or gives another value than the
 * JSON answer's.
 */
public enum AnswerField {
    /** A classifier's predicted class. */
    LABEL("label", Presence.CLASSIFIERS, "the predicted class label"),
    /** The predicted class's name for people (the card's display name, else the label): JSON and the pages only. */
    DISPLAY_NAME("display_name", Presence.CLASSIFIERS, "the predicted class's name for people"),
    /** A classifier's probability of each class, in the model's class order. */
    PROBABILITIES("probabilities", Presence.CLASSIFIERS, "the probability of each class, by class label"),
    /** A regressor's predicted number. */
    VALUE("value", Presence.REGRESSORS, "the predicted number"),
    /** The row's values outside the training range and categories the model has not seen: JSON and the pages. */
    WARNINGS(
            "warnings",
            Presence.ALWAYS,
            "values outside the training range and unseen categories, each with its feature"),
    /** The row's explanation: each feature's contribution, when the request asked ({@code explain}). */
    EXPLANATION("explanation", Presence.EXPLAINED, "each feature's contribution to the answer, when explain was asked"),
    /** A regressor's conformal interval, when the request asked for a coverage. */
    INTERVAL("interval", Presence.COVERED_REGRESSORS, "the interval the true value lies in at the coverage asked"),
    /** A classifier's conformal prediction set, when the request asked for a coverage. */
    PREDICTION_SET(
            "prediction_set",
            Presence.COVERED_CLASSIFIERS,
            "the classes the true class is among at the coverage asked"),
    /** The coverage the interval or prediction set was made for. */
    COVERAGE("coverage", Presence.COVERED, "the share of answers the interval or set covers"),
    /** How unlike the card's calibration rows the row is: its p-value and whether it is novel. */
    NOVELTY("novelty", Presence.NOVELTY, "the row's novelty p-value and whether it is under the card's threshold"),
    /** A bad row's problems, in its place, when the request asked bad rows to be answered so ({@code on_error=row}). */
    ERRORS("errors", Presence.BAD_ROWS, "a bad row's problems, each naming its field, when on_error=row");

    /** The column name of a table's {@link #ERRORS} (one cell: {@code field: message; field: message}). */
    public static final String ERROR_COLUMN = "error";
    /** What joins a prediction set's labels in one table cell. */
    public static final String SET_SEPARATOR = "|";
    /** The prefix of a table's probability column before its class label. */
    public static final String PROBABILITY_PREFIX = "probability_";

    private final String key;
    private final Presence presence;
    private final String description;

    AnswerField(String key, Presence presence, String description) {
        this.key = key;
        this.presence = presence;
        this.description = description;
    }

    /** @return the field's JSON key */
    public String key() {
        return key;
    }

    /** @return one sentence saying what it holds, for the API's documents */
    public String description() {
        return description;
    }

    /**
     * @param shape  the model's task and what the request asked for
     * @param errors whether bad rows are answered in their place ({@code on_error=row})
     * @return whether a row of such an answer carries this field
     */
    public boolean present(AnswerShape shape, boolean errors) {
        return presence.in(shape, errors);
    }

    /**
     * The fields a model's answers may carry, as data a consumer loops over ({@code /api/model}'s {@code fields}):
     * each with its key, its type ({@link FieldType#describe}), when a row carries it and what it holds.
     *
     * @param classes a classifier's class labels, or null for a regressor
     */
    public static List<Map<String, Object>> describe(List<String> classes) {
        AnswerShape shape = new AnswerShape(classes, true, true, true);
        List<Map<String, Object>> fields = new ArrayList<>();
        for (AnswerField field : values()) {
            if (field.presence.in(shape, true)) {
                Map<String, Object> described = new LinkedHashMap<>();
                described.put("key", field.key);
                described.putAll(field.type(shape).describe());
                described.put("presence", field.presence.word);
                described.put("description", field.description);
                fields.add(described);
            }
        }
        return fields;
    }

    /**
     * When a row of an answer carries a field: for which models (classifiers', regressors', both), and on what the
     * request asked (always, explain, a coverage, a coverage where the card measures novelty, on_error=row).
     */
    public enum Presence {
        ALWAYS(null, "always"),
        CLASSIFIERS(true, "always"),
        REGRESSORS(false, "always"),
        EXPLAINED(null, "with explain"),
        COVERED(null, "with coverage"),
        COVERED_CLASSIFIERS(true, "with coverage"),
        COVERED_REGRESSORS(false, "with coverage"),
        NOVELTY(null, "with coverage, when the card measures novelty"),
        BAD_ROWS(null, "with on_error=row");

        private final Boolean classifiers; // true for classifiers only, false for regressors only, null for both
        private final String word; // as /api/model says it

        Presence(Boolean classifiers, String word) {
            this.classifiers = classifiers;
            this.word = word;
        }

        /** @return whether a row of an answer of {@code shape} carries a field of this presence */
        boolean in(AnswerShape shape, boolean errors) {
            if (classifiers != null && classifiers != shape.classifies()) {
                return false;
            }
            return switch (this) {
                case ALWAYS, CLASSIFIERS, REGRESSORS -> true;
                case EXPLAINED -> shape.explained();
                case COVERED, COVERED_CLASSIFIERS, COVERED_REGRESSORS -> shape.covered();
                case NOVELTY -> shape.novelty();
                case BAD_ROWS -> errors;
            };
        }
    }

    /**
     * @param shape the model's task and what the request asked for
     * @return the type of the field's value in such an answer
     */
    public FieldType type(AnswerShape shape) {
        return switch (this) {
            case LABEL, DISPLAY_NAME -> FieldType.TEXT;
            case PROBABILITIES -> new FieldType.NamedNumbers(shape.classes());
            case VALUE, COVERAGE -> FieldType.NUMBER;
            case WARNINGS -> FieldValues.WARNING_RECORDS;
            case EXPLANATION -> FieldValues.EXPLANATION;
            case INTERVAL -> FieldValues.INTERVAL;
            case PREDICTION_SET -> FieldType.TEXTS;
            case NOVELTY -> FieldValues.NOVELTY;
            case ERRORS -> FieldValues.PROBLEM_RECORDS;
        };
    }

    /**
     * @param row a row of an answer
     * @return the field's value for the row, of {@link #type}, or null where the row does not carry it (a regressor's
     *         label, an explanation not asked for, a scored row's errors)
     */
    public FieldValue value(AnsweredRow row) {
        if (row instanceof AnsweredRow.Refused refused) {
            return this == ERRORS ? FieldValues.problems(refused.problems()) : null;
        }
        return scoredValue((AnsweredRow.Scored) row);
    }

    private FieldValue scoredValue(AnsweredRow.Scored row) {
        Prediction.Classification classification = row.prediction() instanceof Prediction.Classification c ? c : null;
        Uncertainty uncertainty = row.uncertainty();
        return switch (this) {
            case LABEL -> classification == null ? null : new FieldValue.Text(classification.label());
            case DISPLAY_NAME -> FieldValue.text(row.displayName());
            case PROBABILITIES ->
                classification == null
                        ? null
                        : new FieldValue.NamedNumbers(classification.classes(), classification.probabilities());
            case VALUE ->
                row.prediction() instanceof Prediction.Regression regression
                        ? FieldValue.number(regression.value())
                        : null;
            case WARNINGS -> FieldValues.warnings(row.warnings());
            case EXPLANATION -> FieldValues.explanation(row.explanation());
            case INTERVAL -> FieldValues.interval(uncertainty);
            case PREDICTION_SET ->
                uncertainty == null || uncertainty.predictionSet() == null
                        ? null
                        : new FieldValue.Texts(uncertainty.predictionSet());
            case COVERAGE -> uncertainty == null ? null : FieldValue.number(uncertainty.coverage());
            case NOVELTY -> FieldValues.novelty(uncertainty);
            case ERRORS -> null;
        };
    }
}
