package org.tabserve.model.trees;

import java.util.List;
import java.util.Objects;

/**
 * One input of a trained forest as its file declares it: a number, or a category, with the category strings the model
 * was trained on where the file keeps them (XGBoost 3.1+'s {@code cats}, LightGBM's {@code pandas_categorical}).
 *
 * <p>A row hands the forest one double per feature ({@link TrainedForest#answer}): a number as itself, NaN when
 * missing; a category with strings as its index in {@link #categories()}, NaN when missing or unknown; a category
 * without strings as the code it was trained with, NaN when missing.
 *
 * @param name       the feature's name in the file, or {@code f0}, {@code f1}, … ({@code Column_0}, … for
 *                   LightGBM) where the file names none
 * @param categorical whether the forest splits on it as a category
 * @param categories a categorical feature's strings, in code order; empty for a number or for codes without strings
 * @param integer    whether the file types it as a whole number ({@code int}, {@code i} in XGBoost's types): a fraction
 *                   sent for it is refused
 */
public record ForestFeature(String name, boolean categorical, List<String> categories, boolean integer) {

    public ForestFeature {
        Objects.requireNonNull(name, "name");
        categories = List.copyOf(categories);
        if (!categorical && !categories.isEmpty()) {
            throw new IllegalArgumentException("number feature '" + name + "' has categories");
        }
    }

    /** A number feature. */
    public static ForestFeature number(String name) {
        return new ForestFeature(name, false, List.of(), false);
    }

    /** @return whether a category is sent as text, one of {@link #categories()} */
    public boolean text() {
        return categorical && !categories.isEmpty();
    }
}
