package org.tabserve.model.signature;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A value outside the range a feature had in training, where the model's answer deserves less trust.
 *
 * @param feature the feature's name
 * @param message what is unusual, for people, e.g. "the model has not seen a variance this high; treat the answer
 *                with care"
 */
public record RangeWarning(String feature, String message) {

    public RangeWarning {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(message, "message");
    }

    /**
     * Checks one row against the training ranges of a card.
     *
     * @param featureNames the row's feature names, in the row's order
     * @param row          the values, in the order of {@code featureNames}
     * @param stats        feature name to training statistics (see {@code ModelCard.featureStats()}); features
     *                     without statistics are never flagged
     * @return one warning per value outside its training range, in the row's order; empty when all are inside
     */
    public static List<RangeWarning> check(List<String> featureNames, double[] row, Map<String, FeatureStats> stats) {
        List<RangeWarning> warnings = new ArrayList<>();
        for (int i = 0; i < featureNames.size() && i < row.length; i++) {
            String feature = featureNames.get(i);
            FeatureStats range = stats.get(feature);
            if (range == null || Double.isNaN(row[i]) || range.contains(row[i])) { // NaN: missing, or not a number
                continue;
            }
            String direction = row[i] > range.max() ? "high" : "low";
            String article = feature.matches("(?i)^[aeiou].*") ? "an " : "a ";
            warnings.add(new RangeWarning(
                    feature,
                    "the model has not seen " + article + feature + " this " + direction
                            + "; treat the answer with care"));
        }
        return List.copyOf(warnings);
    }
}
