package org.tabserve.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Explains a model's answer for one row in the model's own input columns, for any model, by running it on rows that
 * mix the explained row with the card's background sample: interventional Shapley values of the output (the predicted
 * class's probability for a classifier, the value for a regressor).
 *
 * <p>The value of a coalition S of columns is the mean output over the background rows b of the row that takes the
 * columns in S from the explained row x and the others from b. Up to {@value #EXACT_MAX_COLUMNS} columns every
 * coalition is evaluated (2<sup>M</sup> &times; background rows model rows) and each column's value is the Shapley
 * weighted sum of its marginal contributions: exact. Beyond, {@link #permutation} samples permutations of the columns
 * in antithetic pairs (a permutation and its reverse), seeded, each giving every column its marginal contribution
 * where it joins. Either way the contributions telescope: the base value (the empty coalition's value, the mean output
 * over the background) plus the contributions is the full coalition's value, the model's output for the row, up to
 * floating-point rounding ({@link #ADDITIVITY_TOLERANCE}). Rows go to the model in batched calls of at most
 * {@value #MAX_ROWS_PER_CALL} rows.
 *
 * <p>A model that can explain itself exactly from its structure ({@link Model#structuralExplainer()}: a tree ensemble's
 * trees, a linear model's weights) is explained that way instead, against the same background, in one model row;
 * {@link #exact} and {@link #permutation} still evaluate coalitions, the definition that the structural values are
 * checked against.
 *
 * <p>Every model call first goes through the caller's {@link Meter}, which counts the rows and may stop the work by
 * throwing: so that an explanation whose request has been cancelled stops within one call.
 *
 * <p>Thread-safe: it holds no state between calls.
 */
public final class Explainer {

    /** The most columns explained exactly; more are estimated by permutation sampling. */
    public static final int EXACT_MAX_COLUMNS = 10;

    /** The most rows in one model call: a 69-input model's call then holds about 5 MB of inputs and its answers. */
    public static final int MAX_ROWS_PER_CALL = 16_384;

    /** Permutations sampled beyond {@link #EXACT_MAX_COLUMNS} columns: 8 antithetic pairs. */
    public static final int PERMUTATIONS = 16;

    /** The seed of the permutations, so that the same row is explained the same way every time. */
    public static final long SEED = 24;

    /** How far base value plus contributions may be from the output: rounding of sums of doubles only. */
    public static final double ADDITIVITY_TOLERANCE = 1e-6;

    /**
     * Sees each model call an explanation makes before it is made, on the explaining thread: to count the rows
     * evaluated, and to stop the explanation (by throwing, e.g. {@link java.util.concurrent.CancellationException})
     * when whoever asked for it no longer wants it.
     */
    @FunctionalInterface
    public interface Meter {
        /** A meter that neither counts nor stops. */
        Meter NONE = modelRows -> {
        };

        /** @param modelRows the rows the next model call evaluates */
        void beforeCall(int modelRows);
    }

    private final Model model;
    private final Batch background;
    private final int backgroundRows;
    /** The model's own exact explainer against this background, or null: then coalitions are evaluated. */
    private final StructuralExplainer structural;

    /**
     * @param background the rows to explain against, e.g. the card's {@link ModelCard#background()}
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} when the model cannot take them
     */
    public Explainer(Model model, Background background) {
        this(model, background, true);
    }

    /**
     * @param background the rows to explain against, e.g. the card's {@link ModelCard#background()}
     * @param structural whether to use the model's {@link Model#structuralExplainer()} where it has one (it explains
     *                   against the card's background only); false: coalitions of rows, whatever the model
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} when the model cannot take them
     */
    public Explainer(Model model, Background background, boolean structural) {
        this.model = model;
        this.background = Batch.of(model.signature(), background.cells());
        this.backgroundRows = background.size();
        ModelCard card = model.card();
        this.structural = structural && card != null && background.equals(card.background())
                ? model.structuralExplainer().orElse(null) : null;
    }

    /**
     * Heap one model call of mixed rows holds, over-estimated, for a caller that budgets memory before it explains:
     * {@link #MAX_ROWS_PER_CALL} rows of the model's cells (a column array slot and a boxed or text value each) and
     * their predictions (a label and boxed probabilities).
     */
    public static long heldBytes(ModelSignature signature) {
        return (long) MAX_ROWS_PER_CALL * (64 + 32L * signature.featureCount()
                + 32L * Math.max(1, signature.classLabels().size()));
    }

    /**
     * The model rows that explaining one row costs ({@link #explain}): one when the model explains itself from its
     * structure ({@link Model#structuralExplainer()}); else one for the row's own answer, and the
     * background's rows for each coalition evaluated (2<sup>M</sup> exactly, 2 + {@value #PERMUTATIONS} &times;
     * (M &minus; 1) by permutation), so that a caller can bound a request's work before any of it is done.
     */
    public long modelRowsPerRow(ModelSignature signature) {
        if (structural != null) {
            return 1;
        }
        int columns = signature.featureCount();
        long coalitions = columns <= EXACT_MAX_COLUMNS ? 1L << columns : 2L + (long) PERMUTATIONS * (columns - 1);
        return 1 + coalitions * backgroundRows;
    }

    /**
     * Explains row {@code row} of {@code rows}: by the model's {@link Model#structuralExplainer()} when it has one
     * (exact, from its trees or weights), else exactly up to {@value #EXACT_MAX_COLUMNS} columns, else sampled.
     */
    public Explanation explain(Batch rows, int row) {
        return explain(rows, row, Meter.NONE);
    }

    /** As {@link #explain(Batch, int)}, each model call seen by {@code meter} first, which may stop it by throwing. */
    public Explanation explain(Batch rows, int row, Meter meter) {
        if (structural != null) {
            return structural.explain(rows, row, meter);
        }
        return rows.signature().featureCount() <= EXACT_MAX_COLUMNS ? exact(rows, row, meter)
                : permutation(rows, row, PERMUTATIONS, SEED, meter);
    }

    /** The exact Shapley values: every coalition of the columns. */
    public Explanation exact(Batch rows, int row) {
        return exact(rows, row, Meter.NONE);
    }

    private Explanation exact(Batch rows, int row, Meter meter) {
        int columns = rows.signature().featureCount();
        if (columns > 20) {
            throw new IllegalArgumentException(columns + " columns are too many to explain exactly");
        }
        int count = 1 << columns;
        boolean[][] coalitions = new boolean[count][columns];
        for (int mask = 0; mask < count; mask++) {
            for (int f = 0; f < columns; f++) {
                coalitions[mask][f] = (mask & (1 << f)) != 0;
            }
        }
        Target target = target(rows, row, meter);
        double[] value = values(rows, row, coalitions, target.index, meter);
        // Shapley weight of a coalition of s other columns: s! (M - s - 1)! / M! = 1 / (M * C(M - 1, s)).
        double[] weight = new double[columns];
        for (int s = 0; s < columns; s++) {
            weight[s] = 1.0 / (columns * binomial(columns - 1, s));
        }
        double[] phi = new double[columns];
        for (int mask = 0; mask < count; mask++) {
            int size = Integer.bitCount(mask);
            for (int f = 0; f < columns; f++) {
                if ((mask & (1 << f)) == 0) {
                    phi[f] += weight[size] * (value[mask | (1 << f)] - value[mask]);
                }
            }
        }
        return new Explanation(Explanation.EXACT, target.quantity(), target.label, value[0], value[count - 1], byColumn(rows, phi),
                backgroundRows, 0, Map.of());
    }

    /**
     * Estimates the Shapley values from {@code permutations} permutations of the columns, drawn in antithetic pairs
     * from {@code seed}. Each pair's mean marginal contribution is one independent sample of a column's value, so a
     * column's standard error is the standard deviation of its pair means over the square root of the pairs: within
     * three standard errors of the exact value at about 98 % for 8 pairs (Student's t, 7 degrees of freedom).
     *
     * @param permutations an even number, at least 4
     */
    public Explanation permutation(Batch rows, int row, int permutations, long seed) {
        return permutation(rows, row, permutations, seed, Meter.NONE);
    }

    private Explanation permutation(Batch rows, int row, int permutations, long seed, Meter meter) {
        if (permutations < 4 || permutations % 2 != 0) {
            throw new IllegalArgumentException("permutations must be even and at least 4, got " + permutations);
        }
        int columns = rows.signature().featureCount();
        SplittableRandom random = new SplittableRandom(seed);
        int[][] orders = new int[permutations][];
        for (int p = 0; p < permutations; p += 2) {
            int[] order = new int[columns];
            for (int i = 0; i < columns; i++) {
                order[i] = i;
            }
            for (int i = columns - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            orders[p] = order;
            int[] reversed = new int[columns];
            for (int i = 0; i < columns; i++) {
                reversed[i] = order[columns - 1 - i];
            }
            orders[p + 1] = reversed;
        }
        // Coalition 0 is the empty one, 1 the full one, then each permutation's first 1..M-1 columns.
        int inner = Math.max(0, columns - 1);
        boolean[][] coalitions = new boolean[2 + permutations * inner][];
        coalitions[0] = new boolean[columns];
        coalitions[1] = new boolean[columns];
        java.util.Arrays.fill(coalitions[1], true);
        for (int p = 0; p < permutations; p++) {
            boolean[] joined = new boolean[columns];
            for (int j = 0; j < inner; j++) {
                joined[orders[p][j]] = true;
                coalitions[2 + p * inner + j] = joined.clone();
            }
        }
        Target target = target(rows, row, meter);
        double[] value = values(rows, row, coalitions, target.index, meter);
        double[][] marginal = new double[permutations][columns];
        for (int p = 0; p < permutations; p++) {
            double before = value[0];
            for (int j = 0; j < columns; j++) {
                double after = j == columns - 1 ? value[1] : value[2 + p * inner + j];
                marginal[p][orders[p][j]] = after - before;
                before = after;
            }
        }
        int pairs = permutations / 2;
        double[] phi = new double[columns];
        double[] error = new double[columns];
        for (int f = 0; f < columns; f++) {
            double[] pairMeans = new double[pairs];
            double sum = 0;
            for (int q = 0; q < pairs; q++) {
                pairMeans[q] = (marginal[2 * q][f] + marginal[2 * q + 1][f]) / 2;
                sum += pairMeans[q];
            }
            phi[f] = sum / pairs;
            double squares = 0;
            for (double mean : pairMeans) {
                squares += (mean - phi[f]) * (mean - phi[f]);
            }
            error[f] = Math.sqrt(squares / (pairs - 1) / pairs);
        }
        return new Explanation(Explanation.PERMUTATION, target.quantity(), target.label, value[0], value[1], byColumn(rows, phi),
                backgroundRows, permutations, byColumn(rows, error));
    }

    /** What is explained: the predicted class's probability (its index and label), or a regressor's value (-1). */
    private record Target(int index, String label) {
        String quantity() {
            return index < 0 ? Explanation.VALUE : Explanation.PROBABILITY;
        }
    }

    private Target target(Batch rows, int row, Meter meter) {
        meter.beforeCall(1);
        Prediction alone = model.predict(Batch.mixed(rows, row, rows, new int[]{row}, (out, f) -> true)).get(0);
        if (alone instanceof Prediction.Classification classification) {
            return new Target(classification.classes().indexOf(classification.label()), classification.label());
        }
        return new Target(-1, null);
    }

    /** The value of each coalition: the mean output over the background of the row mixed by it. */
    private double[] values(Batch rows, int row, boolean[][] coalitions, int target, Meter meter) {
        int perCall = Math.max(1, MAX_ROWS_PER_CALL / backgroundRows);
        double[] value = new double[coalitions.length];
        for (int start = 0; start < coalitions.length; start += perCall) {
            int first = start;
            int count = Math.min(perCall, coalitions.length - start);
            int[] others = new int[count * backgroundRows];
            for (int k = 0; k < others.length; k++) {
                others[k] = k % backgroundRows;
            }
            meter.beforeCall(others.length);
            Batch mixed = Batch.mixed(rows, row, background, others,
                    (out, f) -> coalitions[first + out / backgroundRows][f]);
            List<Prediction> predictions = model.predict(mixed);
            for (int c = 0; c < count; c++) {
                double sum = 0;
                for (int b = 0; b < backgroundRows; b++) {
                    sum += output(predictions.get(c * backgroundRows + b), target);
                }
                value[first + c] = sum / backgroundRows;
            }
        }
        return value;
    }

    private static double output(Prediction prediction, int target) {
        if (prediction instanceof Prediction.Regression regression) {
            return regression.value();
        }
        return ((Prediction.Classification) prediction).probabilities().get(target);
    }

    private static double binomial(int n, int k) {
        double result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
        }
        return result;
    }

    private static Map<String, Double> byColumn(Batch rows, double[] values) {
        List<String> names = rows.signature().featureNames();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int f = 0; f < values.length; f++) {
            out.put(names.get(f), values[f]);
        }
        return out;
    }
}
