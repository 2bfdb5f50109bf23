package org.tabserve.model.signature;

import java.util.List;
import java.util.Objects;

/**
 * One value a caller sends per row, as the model defines it: a column input's own name, or one named column of a
 * {@code [N, F]} input. Parsers read it to know what a field may hold; {@link Batch} checks every value against it.
 *
 * @param name           the field's name
 * @param type           what its values are
 * @param missing        why a missing value ({@code null}, an empty cell) is taken, as NaN, by this float or double
 *                       feature (or as no category by a text category that a trained forest's splits route,
 *                       {@link Missing#TREES}); null when it is refused
 * @param categories     the values the model knows for a text or integer feature (from its encoder), else empty
 * @param refusesUnknown whether a value not in {@code categories} is refused (the encoder would fail on it), rather
 *                       than taken with a warning
 * @param missingAs      for a text feature, the category a missing value is taken as (with a warning), as the card's
 *                       {@code tabserve.text_missing_as} declares; null when a missing value is refused
 * @param treesRouteNone whether this float or double feature, taking no missing value, reaches a tree ensemble that
 *                       routes none ({@code TreeEnsemble#routesMissing}): one whose library takes none, as
 *                       scikit-learn's GradientBoosting and RandomForest; the why of its refusal
 */
public record Feature(
        String name,
        ValueType type,
        Missing missing,
        List<String> categories,
        boolean refusesUnknown,
        String missingAs,
        boolean treesRouteNone) {

    /** The longest text value taken, in characters; longer is a field error, not a model call with it. */
    public static final int MAX_TEXT_LENGTH = 10_000;

    /** Why a float or double feature takes a missing value, each with its word in {@code GET /api/model}. */
    public enum Missing {
        /** The graph feeds every value of it to an {@code Imputer} that replaces NaN. */
        IMPUTER("imputer"),
        /**
         * Every value of it reaches only tree ensembles that route a missing value down a branch of each split, as
         * their library (XGBoost, LightGBM, HistGradientBoosting) was trained to.
         */
        TREES("trees"),
        /** The card lists it under {@code tabserve.missing} ({@code card --missing}). */
        CARD("card");

        private final String word;

        Missing(String word) {
            this.word = word;
        }

        /** @return its word in {@code GET /api/model}'s {@code missing_because} */
        public String word() {
            return word;
        }
    }

    public Feature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        categories = List.copyOf(categories);
        if (missing != null
                && !(type == ValueType.FLOAT
                        || type == ValueType.DOUBLE
                        || (type == ValueType.STRING && missing == Missing.TREES))) {
            throw new IllegalArgumentException("feature '" + name + "' is " + type
                    + "; only float and double features can be missing (as NaN), and text categories whose trees route a"
                    + " missing value");
        }
        if (treesRouteNone && (missing != null || !(type == ValueType.FLOAT || type == ValueType.DOUBLE))) {
            throw new IllegalArgumentException(
                    "feature '" + name + "' is " + type + (missing != null ? " and takes" + " a missing value" : "")
                            + "; only a float or double feature that takes none says why");
        }
        if (missingAs != null && (type != ValueType.STRING || !categories.contains(missingAs))) {
            throw new IllegalArgumentException("feature '" + name + "' cannot take a missing value as \"" + missingAs
                    + "\": only a text feature can, as one of its categories " + categories);
        }
    }

    /** A feature that takes a missing value for {@code missing}, or refuses one reaching no tree that routes none. */
    public Feature(
            String name,
            ValueType type,
            Missing missing,
            List<String> categories,
            boolean refusesUnknown,
            String missingAs) {
        this(name, type, missing, categories, refusesUnknown, missingAs, false);
    }

    /**
     * A feature whose missing values are never taken as a category; one that takes them ({@code missingAllowed}) takes
     * them as declared from outside the graph, as a card does ({@link Missing#CARD}).
     */
    public Feature(
            String name, ValueType type, boolean missingAllowed, List<String> categories, boolean refusesUnknown) {
        this(name, type, missingAllowed ? Missing.CARD : null, categories, refusesUnknown, null);
    }

    /** Whether a missing value ({@code null}, an empty cell) is taken, as NaN: see {@link #missing}. */
    public boolean missingAllowed() {
        return missing != null;
    }

    /** Whether a missing value is taken at all: as NaN ({@link #missingAllowed}) or as {@link #missingAs}. */
    public boolean takesMissing() {
        return missingAllowed() || missingAs != null;
    }

    /** A float feature with no categories that may not be missing: the bank-note model's kind. */
    public static Feature number(String name) {
        return new Feature(name, ValueType.FLOAT, false, List.of(), false);
    }
}
