package org.tabserve.model.explain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tabserve.model.signature.ModelSignature;

/**
 * Why a model gave one row its answer, in the model's input columns: each column's Shapley value against the card's
 * background sample, so that {@code baseValue} plus every contribution is {@code output} (see {@link Explainer}).
 *
 * @param method          {@link #EXACT} (every coalition), {@link #PERMUTATION} (sampled permutations), {@link #TREE}
 *                        (interventional TreeSHAP from a tree ensemble's trees) or {@link #LINEAR} (a linear model's
 *                        closed form)
 * @param explained       the quantity explained: {@link #PROBABILITY}, {@link #MARGIN} or {@link #VALUE}
 * @param explainedClass  the class whose probability or margin is explained (the predicted one), or {@code null} for a
 *                        regressor, whose value is explained
 * @param baseValue       the mean output over the background rows
 * @param output          the model's output for the row
 * @param contributions   column name to its contribution, in the model's column order
 * @param backgroundRows  how many background rows the values are measured against
 * @param permutations    how many permutations were sampled; 0 for {@link #EXACT}
 * @param standardErrors  column name to the standard error of its contribution; empty for {@link #EXACT}
 */
public record Explanation(
        String method,
        String explained,
        String explainedClass,
        double baseValue,
        double output,
        Map<String, Double> contributions,
        int backgroundRows,
        int permutations,
        Map<String, Double> standardErrors) {

    /** Every coalition of the columns was evaluated: the Shapley values themselves. */
    public static final String EXACT = "exact";

    /** Antithetic permutation sampling: an estimate with a standard error per column. */
    public static final String PERMUTATION = "permutation";

    /** Shapley values computed exactly from a tree ensemble's trees (interventional TreeSHAP), in no model rows. */
    public static final String TREE = "tree";

    /** Shapley values of a linear model's raw score in closed form, exact. */
    public static final String LINEAR = "linear";

    /** Every way an explanation is computed, as the documents list them. */
    public static final List<String> METHODS = List.of(EXACT, PERMUTATION, TREE, LINEAR);

    /** The predicted class's probability is explained. */
    public static final String PROBABILITY = "probability";

    /**
     * The predicted class's raw score (margin) is explained: the estimator's score before its link (a sigmoid or
     * softmax), which is additive in the columns where the probability is not.
     */
    public static final String MARGIN = "margin";

    /** A regressor's value is explained. */
    public static final String VALUE = "value";

    public Explanation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(explained, "explained");
        contributions = Collections.unmodifiableMap(new LinkedHashMap<>(contributions));
        standardErrors = Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
    }

    /** @return the largest standard error of any contribution; 0 for {@link #EXACT} */
    public double maxStandardError() {
        return standardErrors.values().stream()
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(0);
    }

    /** @return {@code baseValue} plus every contribution, which is {@code output} up to rounding */
    public double sum() {
        double sum = baseValue;
        for (double value : contributions.values()) {
            sum += value;
        }
        return sum;
    }

    /** @return {@code values} by the column names of {@code signature}, in its order */
    static Map<String, Double> byColumn(ModelSignature signature, double[] values) {
        List<String> names = signature.featureNames();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int f = 0; f < values.length; f++) {
            out.put(names.get(f), values[f]);
        }
        return out;
    }
}
