package org.tabserve.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a loaded model takes and gives: the input's name, its features in the graph's column order, and its classes
 * in the output's order. It is the single place where named values become a row in the model's column order.
 *
 * @param inputName     the graph's input tensor name
 * @param featureNames  feature names in the input tensor's column order
 * @param classLabels   class labels in the probability output's order
 * @param outputKind    how the graph returns its answer
 * @param logits        whether the probability output holds logits that tabserve turns into probabilities
 * @param oneRowPerRun  whether the graph's batch dimension is fixed at 1, so a batch is fed row by row
 */
public record ModelSignature(String inputName, List<String> featureNames, List<String> classLabels,
                             OutputKind outputKind, boolean logits, boolean oneRowPerRun) {

    public ModelSignature {
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(outputKind, "outputKind");
        featureNames = List.copyOf(featureNames);
        classLabels = List.copyOf(classLabels);
        requireDistinct("feature", featureNames);
        requireDistinct("class", classLabels);
        if (featureNames.isEmpty() || classLabels.isEmpty()) {
            throw new IllegalArgumentException("a signature needs at least one feature and one class");
        }
    }

    private static void requireDistinct(String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException("duplicate " + what + " name '" + name + "' in " + names);
            }
        }
    }

    /** @return the number of features one row has */
    public int featureCount() {
        return featureNames.size();
    }

    /**
     * Says whether a value can be fed to the model as a feature: it must be finite and within float range, as the
     * input tensor holds 32-bit floats. Parsers call it to report a bad value where they read it.
     *
     * @param feature the feature's name, for the message
     * @param value   the value
     * @return what is wrong with it, or null when it is fine
     */
    public static String valueProblem(String feature, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "feature '" + feature + "' is " + value + "; a finite number is required";
        }
        if (Math.abs(value) > Float.MAX_VALUE) {
            return "feature '" + feature + "' is " + value + ", beyond the model's float range (±" + Float.MAX_VALUE + ")";
        }
        return null;
    }

    /**
     * Puts one row of named values into the model's column order.
     *
     * @param named feature name to value; every feature must be present, and nothing else
     * @return the values in {@link #featureNames()} order
     * @throws ModelException of kind {@link ModelException.Kind#INVALID_INPUT} naming every missing or unknown field
     */
    public double[] orderRow(Map<String, Double> named) {
        return orderRows(List.of(named))[0];
    }

    /**
     * Puts rows of named values into the model's column order, checking every row before failing.
     *
     * @param rows one map per row, feature name to value
     * @return one array per row, in {@link #featureNames()} order
     * @throws ModelException of kind {@link ModelException.Kind#INVALID_INPUT} naming every missing, empty or
     *                        unknown field with its row
     */
    public double[][] orderRows(List<Map<String, Double>> rows) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < featureNames.size(); i++) {
            index.put(featureNames.get(i), i);
        }
        double[][] ordered = new double[rows.size()][];
        FieldErrors errors = new FieldErrors();
        for (int r = 0; r < rows.size(); r++) {
            Map<String, Double> named = rows.get(r);
            double[] row = new double[featureNames.size()];
            for (String field : named.keySet()) {
                if (!index.containsKey(field)) {
                    errors.add(r, field, "unknown feature '" + field + "'; the model's features are " + featureNames);
                }
            }
            for (int i = 0; i < featureNames.size(); i++) {
                String feature = featureNames.get(i);
                Double value = named.get(feature);
                if (value == null) {
                    errors.add(r, feature, "missing value for feature '" + feature + "'");
                } else {
                    row[i] = value;
                }
            }
            ordered[r] = row;
        }
        errors.throwIfAny();
        return ordered;
    }

    /** Collects field errors up to the cap while counting all of them. */
    static final class FieldErrors {
        private final List<FieldError> errors = new ArrayList<>();
        private int total;

        void add(int row, String field, String message) {
            total++;
            if (errors.size() < ModelException.MAX_FIELD_ERRORS) {
                errors.add(new FieldError(row, field, message));
            }
        }

        void throwIfAny() {
            if (total > 0) {
                throw ModelException.invalidInput(errors, total);
            }
        }
    }
}
