package org.tabserve.model.trees.xgboost;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tabserve.model.trees.ForestFeature;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * An XGBoost model's inputs from its file: {@code feature_names} ({@code f0}, {@code f1}, … when absent),
 * {@code feature_types} ({@code float}/{@code q} a number, {@code int}/{@code i} a whole number, {@code c} a category),
 * and for a category the strings XGBoost 3.1+ keeps in {@code cats} (codes without strings when it keeps none).
 */
final class FeatureList {

    private FeatureList() {}

    static List<ForestFeature> of(RawModel raw, int count, ForestLimits limits) {
        List<String> names = raw.featureNames;
        List<String> types = raw.featureTypes;
        if (!names.isEmpty() && names.size() != count) {
            throw new ForestFormatException("the model's 'feature_names' do not name 'num_feature' features");
        }
        if (!types.isEmpty() && types.size() != count) {
            throw new ForestFormatException("the model's 'feature_types' do not type 'num_feature' features");
        }
        List<List<String>> cats = raw.cats == null ? List.of() : raw.cats;
        if (!cats.isEmpty() && cats.size() != count) {
            throw new ForestFormatException("the model's 'cats.enc' does not hold one entry per feature");
        }
        List<ForestFeature> out = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String name = names.isEmpty() ? "f" + i : names.get(i);
            if (!seen.add(name)) {
                throw new ForestFormatException("the model's 'feature_names' name feature '" + name + "' twice");
            }
            String type = types.isEmpty() ? "float" : types.get(i);
            List<String> strings = cats.isEmpty() ? List.of() : cats.get(i);
            switch (type) {
                case "float", "q" -> out.add(number(name, strings));
                case "int", "i" -> {
                    number(name, strings);
                    out.add(new ForestFeature(name, false, List.of(), true));
                }
                case "c" -> {
                    if (strings.size() > limits.maxCategories()) {
                        throw new ForestFormatException("feature '" + name + "' has more categories in 'cats' than the"
                                + " reader's bound of " + limits.maxCategories());
                    }
                    out.add(new ForestFeature(name, true, strings, false));
                }
                default ->
                    throw new ForestFormatException(
                            "the model's 'feature_types' give feature '" + name + "' a type XGBoost does not write");
            }
        }
        return out;
    }

    private static ForestFeature number(String name, List<String> strings) {
        if (!strings.isEmpty()) {
            throw new ForestFormatException("the model's 'cats' give categories to feature '" + name
                    + "', which 'feature_types' types a number");
        }
        return ForestFeature.number(name);
    }
}
