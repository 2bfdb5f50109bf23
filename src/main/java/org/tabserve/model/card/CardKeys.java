package org.tabserve.model.card;

import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.signature.Background;

/**
 * The ONNX {@code metadata_props} keys that make up a model's card, defined once so that the trainer that writes
 * them and the loader that reads them cannot disagree.
 *
 * <p>Every value is a UTF-8 string; structured values are JSON, so any tool (skl2onnx's
 * {@code onnx.helper.set_model_props}, for one) can write the same card. Every key is optional: a model without a
 * card is served with defaults (features {@code f0..fN-1}, classes from the model's outputs or {@code 0..C-1}).
 * README.md documents each key with an example.
 */
public final class CardKeys {

    /** The common prefix of all card keys. */
    public static final String PREFIX = "tabserve.";

    /** Version of this card format, an integer as a string; readers refuse a newer major version. */
    public static final String CARD_VERSION = PREFIX + "card_version";

    /** Short machine-friendly name of the model, e.g. {@code banknote-authenticator}. */
    public static final String NAME = PREFIX + "name";

    /** The model's version, a free string such as {@code 1} or {@code 2026-11-21}. */
    public static final String VERSION = PREFIX + "version";

    /** One-line description for people. */
    public static final String DESCRIPTION = PREFIX + "description";

    /** JSON array of feature names in the input tensor's column order (the order the graph really uses). */
    public static final String FEATURES = PREFIX + "features";

    /** JSON array of class labels in the order of the probability output's columns. */
    public static final String CLASSES = PREFIX + "classes";

    /** JSON object from class label to a display name for people, e.g. {@code {"0":"genuine"}}. */
    public static final String CLASS_DISPLAY_NAMES = PREFIX + "class_display_names";

    /** Free text saying where the display names come from and how far to trust them. */
    public static final String CLASS_DISPLAY_NOTE = PREFIX + "class_display_note";

    /**
     * What the probability output holds: {@code probabilities} (the default) or {@code logits}, which the server
     * turns into probabilities with a softmax (one column: a sigmoid).
     */
    public static final String SCORES = PREFIX + "scores";

    /** JSON object from feature name to {@code {"min":..,"max":..,"mean":..}} over the training rows. */
    public static final String FEATURE_STATS = PREFIX + "feature_stats";

    /**
     * JSON object with the held-out evaluation: {@code method}, {@code rows}, {@code accuracy}, {@code per_class}
     * (label to precision, recall, f1, support) and {@code confusion_matrix} ({@code labels}, {@code counts} with
     * rows as true classes and columns as predicted classes).
     */
    public static final String METRICS = PREFIX + "metrics";
    /**
     * Within {@link #METRICS}: {@code false} when they were measured on the card's {@code --data} (which may be the
     * training rows, so that they, and estimated accuracy read from their calibration curve, may run high),
     * {@code true} on a separate {@code --eval} file; absent on cards made before it or elsewhere.
     */
    public static final String METRICS_HELD_OUT = "held_out";

    /** JSON object describing the training data: {@code file}, {@code sha256}, {@code rows}, {@code source}, {@code licence}. */
    public static final String DATA = PREFIX + "data";
    /** Within {@link #DATA}: the rows the card's statistics, histograms and category counts were measured on. */
    public static final String DATA_ROWS = "rows";
    /**
     * Within {@link #DATA}: of those, the rows the model was trained on, when the card was written by its trainer;
     * its histograms are of these alone.
     */
    public static final String DATA_TRAINING_ROWS = "training_rows";

    /**
     * JSON object from feature name to {@code {"edges": [..], "counts": {label: [..]}}}: a histogram of the training
     * rows per class, with {@code n + 1} ascending bin edges and {@code n} counts per class (the last bin includes its
     * upper edge), so that a page can draw each feature's distribution without the data.
     */
    public static final String HISTOGRAMS = PREFIX + "histograms";

    /**
     * JSON object from class label to a list of example rows, each an object from feature name to value, taken from
     * the training data so that a page can offer them to fill in.
     */
    public static final String EXAMPLES = PREFIX + "examples";

    /**
     * For a model in its training library's own file: the boosting rounds it answers with, {@code best} (the rounds
     * up to the {@code best_iteration} its file records after early stopping, as XGBoost's scikit-learn wrapper
     * predicts) or a number of rounds; absent, every tree answers, as the library's own {@code predict} does.
     */
    public static final String ITERATIONS = PREFIX + "iterations";

    /**
     * JSON object from text feature name to {@code {"counts": {label: {category: count}}}}: how often each category
     * occurs, per class for a classifier (a regressor's one series is under its label column's name), so that a page
     * can draw the text inputs as it draws the numbers.
     */
    public static final String CATEGORIES = PREFIX + "categories";

    /** JSON object naming the trainer and its settings, and how it was chosen. */
    public static final String TRAINER = PREFIX + "trainer";

    /** {@code classification} or {@code regression}; without it the graph's ops (and output shapes) decide. */
    public static final String TASK = PREFIX + "task";

    /** JSON array: float or double features that may be missing (sent as NaN), beyond those the graph imputes. */
    public static final String MISSING = PREFIX + "missing";

    /**
     * JSON object from a text feature to the category an empty cell of it is taken as, e.g. {@code {"sex":"missing"}}
     * (the value the exporter's imputer wrote); set by {@code card --text-missing-as}, never guessed.
     */
    public static final String TEXT_MISSING_AS = PREFIX + "text_missing_as";

    /**
     * What one row of the data is, for people, e.g. {@code note} or {@code penguin}: the form then speaks of "one
     * note" and "many notes"; without it, of rows.
     */
    public static final String ROW_NOUN = PREFIX + "row_noun";

    /**
     * JSON array, one object per data file the {@code card} command read with {@code --skip-invalid} and left rows
     * out of: {@code {"file": "titanic.csv", "rows": 891, "skipped": 2, "reasons": [{"row": 62, "field": "embarked",
     * "message": "..."}]}} ({@code rows} counts the skipped ones too; {@code reasons} are the first few), so that a card
     * whose figures describe a subset of its data says so ({@link SkippedRows}). Absent when no row was skipped.
     */
    public static final String SKIPPED_ROWS = PREFIX + "skipped_rows";

    /**
     * JSON object holding a reproducible sample of the training rows, the background that explanations are measured
     * against ({@link Background}): {@code {"seed": 24, "sampled_from": 344, "size": 100, "columns": [..], "rows":
     * [[..], ..]}}, each row the values of {@code columns} (the model's inputs, in order) as the data had them: a
     * number, text, a boolean, or {@code null} for a missing value. {@code card} draws up to 100 rows.
     */
    public static final String BACKGROUND = PREFIX + "background";

    /**
     * JSON object holding the split-conformal calibration ({@link Conformal}), written by {@code card --calibration}:
     * {@code {"method", "file", "rows", "note", "class_conditional", "scores": {group: [ascending scores]}, "checks":
     * [{"coverage", "empirical", "mean_size"}], "novelty": {"threshold", "scale": {feature: unit}, "scores": [..]}}},
     * a regressor's scores (absolute residuals) under {@code "*"}, a classifier's (1 - p(true class)) per class or
     * pooled under {@code "*"}; at most {@link Conformal#MAX_SCORES} scores in all.
     */
    public static final String CONFORMAL = PREFIX + "conformal";

    private CardKeys() {}
}
