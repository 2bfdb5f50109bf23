package org.tabserve.model.explain;

import java.util.Map;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.CallHeap;
import org.tabserve.model.signature.ModelException;
import org.tabserve.model.signature.ModelSignature;

/**
 * Explains a model's answer for one row in the model's own input columns, for any model, by running it on rows that
 * mix the explained row with the card's background sample: interventional Shapley values of the output (the predicted
 * class's probability for a classifier, the value for a regressor).
 *
 * <p>The value of a coalition S of columns is the mean output over the background rows b of the row that takes the
 * columns in S from the explained row x and the others from b. Up to {@value #EXACT_MAX_COLUMNS} columns every
 * coalition is evaluated and each column's value is the Shapley weighted sum of its marginal contributions: exact.
 * The empty coalition's value is the background's mean answer, computed once per explainer and kept
 * ({@link CoalitionRows}), and the full one's the row's own answer, computed once per explanation, so a row costs
 * 1 + (2<sup>M</sup> &minus; 2) &times; background rows model rows. Beyond, {@link PermutationSampling} estimates them
 * at a fixed cost of about {@value #SAMPLED_MODEL_ROWS} model rows per explained row, with a standard error per column
 * and contributions that still add up. Either way the base value (the background's mean answer) plus the contributions
 * is the model's output for the row, up to floating-point rounding ({@link #ADDITIVITY_TOLERANCE}). Rows go to the
 * model in batched calls of at most the rows the caller gives ({@value #MAX_ROWS_PER_CALL} at most), so that a caller
 * that reserves memory knows each call's before it is made ({@link CallHeap}, {@link #heldBytes}).
 *
 * <p>A model that can explain itself exactly from its structure ({@link ExplainedModel#structuralExplainer()}: a tree ensemble's
 * trees, a linear model's weights) is explained that way instead, against the same background, in one model row;
 * {@link #exact} and {@link #permutation} still evaluate coalitions, the definition that the structural values are
 * checked against.
 *
 * <p>Every model call first goes through the caller's {@link ExplanationMeter}, which counts the rows and may stop the work by
 * throwing: so that an explanation whose request has been cancelled stops within one call.
 *
 * <p>Thread-safe: it keeps only the background's answers, computed once.
 */
public final class Explainer {

    /** The most columns explained exactly; more are estimated by permutation sampling ({@link PermutationSampling}). */
    public static final int EXACT_MAX_COLUMNS = 10;

    /** The most rows in one model call: a 69-input, 28-class model's call then holds about 36 MB ({@link CallHeap}). */
    public static final int MAX_ROWS_PER_CALL = 16_384;

    /**
     * The model rows a sampled explanation evaluates per explained row, at most (beside the row's own answer): beyond
     * {@link #EXACT_MAX_COLUMNS} columns, as many antithetic pairs of permutations as fit, each walked against one
     * background row at 2 &times; (M &minus; 1) model rows (15 pairs for 69 columns); a model of more than 342
     * columns still gets the fewest pairs that give a standard error ({@link PermutationSampling#MIN_PAIRS}).
     */
    public static final int SAMPLED_MODEL_ROWS = 2_048;

    /** The seed of the permutations, so that the same row is explained the same way every time. */
    public static final long SEED = 24;

    /** How far base value plus contributions may be from the output: rounding of sums of doubles only. */
    public static final double ADDITIVITY_TOLERANCE = 1e-6;

    private final CoalitionRows coalitions;
    private final int backgroundRows;
    /** The model's own exact explainer against this background, or null: then coalitions are evaluated. */
    private final StructuralExplainer structural;

    /**
     * @param background the rows to explain against, e.g. the card's {@link ModelCard#background()}
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} when the model cannot take them
     */
    public Explainer(ExplainedModel model, Background background) {
        this(model, background, true);
    }

    /**
     * @param background the rows to explain against, e.g. the card's {@link ModelCard#background()}
     * @param structural whether to use the model's {@link ExplainedModel#structuralExplainer()} where it has one (it explains
     *                   against the card's background only); false: coalitions of rows, whatever the model
     * @throws ModelException {@link ModelException.Kind#INVALID_INPUT} when the model cannot take them
     */
    public Explainer(ExplainedModel model, Background background, boolean structural) {
        this.coalitions = new CoalitionRows(model, Batch.of(model.signature(), background.cells()));
        this.backgroundRows = background.size();
        ModelCard card = model.card();
        this.structural = structural && card != null && background.equals(card.background())
                ? model.structuralExplainer().orElse(null)
                : null;
    }

    /**
     * Heap explaining {@code rows} rows holds besides its model calls (whose rows hold {@link CallHeap#perRow} each),
     * over-estimated: each explanation, kept until the answer is written (a map entry and a boxed value per column,
     * twice for a sampled one's standard errors), and the working arrays of the one being computed (a double per
     * coalition of an exact row; a double per mixed row of a sampled one, and its permutations' orders and positions).
     */
    public long heldBytes(ModelSignature signature, int rows) {
        int columns = signature.featureCount();
        long explanation = 256 + 2 * 72L * columns;
        long working;
        if (structural != null) {
            working = 64L * columns;
        } else if (columns <= EXACT_MAX_COLUMNS) {
            working = 8L * (1L << columns) + 64L * columns;
        } else {
            int walks = 2 * pairs(columns);
            working = 8L * walks * (columns - 1) + 2 * 4L * walks * columns + 64L * walks;
        }
        return rows * explanation
                + working
                + 8L * backgroundRows * Math.max(1, signature.classLabels().size());
    }

    /**
     * The heap one row of this explainer's model calls holds, over-estimated: a call's ({@link CallHeap#perRow}) when
     * the model explains itself from its structure; else one whose answers are read from the call's columns, as the
     * coalitions' rows are, without making their predictions ({@link CallHeap#perColumnsRow}).
     */
    public long callBytesPerRow(ModelSignature signature) {
        return structural != null ? CallHeap.perRow(signature) : CallHeap.perColumnsRow(signature);
    }

    /**
     * The most rows one explained row puts through the model in all: a caller that budgets its calls' memory
     * ({@link CallHeap}) need reserve no more than this many rows of a call. One when the model explains itself from
     * its structure; else its coalitions' mixed rows and its own answer (which goes in the first call beside them), or
     * the background's, if more.
     */
    public long rowsToCall(ModelSignature signature) {
        if (structural != null) {
            return 1;
        }
        return Math.max(backgroundRows, modelRowsPerRow(signature));
    }

    /**
     * The model rows that explaining one row costs ({@link #explain}): what the model's structural explainer says its
     * work is worth when it explains itself ({@link StructuralExplainer#modelRowsPerRow}: a tree ensemble's walks of
     * its trees against the background); else one for the row's own answer and the background's rows
     * for each coalition evaluated besides the empty and the full ones (2<sup>M</sup> &minus; 2 exactly), or
     * 2 &times; (M &minus; 1) for each antithetic pair of permutations sampled ({@link #pairs}), so that a caller can
     * bound a request's work before any of it is done. The background's own answers cost its rows once more, on
     * an explainer's first row ({@link #modelRows}).
     */
    public long modelRowsPerRow(ModelSignature signature) {
        if (structural != null) {
            return structural.modelRowsPerRow();
        }
        int columns = signature.featureCount();
        return columns <= EXACT_MAX_COLUMNS
                ? 1 + ((1L << columns) - 2) * backgroundRows
                : 1 + 2L * pairs(columns) * (columns - 1);
    }

    /** @return the work of explaining one row in words, for a refusal: what is evaluated, and how much */
    public String work(ModelSignature signature) {
        if (structural != null) {
            return structural.work();
        }
        int columns = signature.featureCount();
        return columns <= EXACT_MAX_COLUMNS
                ? ((1L << columns) - 2) + " coalitions of its " + columns + " columns, each" + " against "
                        + backgroundRows + " background rows"
                : 2 * pairs(columns) + " sampled orders of its " + columns + " columns, " + (columns - 1)
                        + " model rows each";
    }

    /** The model rows explaining {@code rows} rows costs: {@link #modelRowsPerRow} each, and the background's once. */
    public long modelRows(ModelSignature signature, int rows) {
        long background = structural == null && coalitions.backgroundUnanswered() ? backgroundRows : 0;
        return modelRowsPerRow(signature) * rows + background;
    }

    /** The antithetic pairs of permutations sampled for {@code columns} columns: as many as fit the budget. */
    static int pairs(int columns) {
        return Math.max(PermutationSampling.MIN_PAIRS, SAMPLED_MODEL_ROWS / (2 * Math.max(1, columns - 1)));
    }

    /**
     * Explains row {@code row} of {@code rows}: by the model's {@link ExplainedModel#structuralExplainer()} when it has one
     * (exact, from its trees or weights), else exactly up to {@value #EXACT_MAX_COLUMNS} columns, else sampled.
     */
    public Explanation explain(Batch rows, int row) {
        return explain(rows, row, ExplanationMeter.NONE);
    }

    /** As {@link #explain(Batch, int)}, each model call seen by {@code meter} first, which may stop it by throwing. */
    public Explanation explain(Batch rows, int row, ExplanationMeter meter) {
        return explain(rows, row, meter, MAX_ROWS_PER_CALL);
    }

    /**
     * As {@link #explain(Batch, int, ExplanationMeter)}, in model calls of at most {@code rowsPerCall} rows: what a caller that
     * reserved their memory before ({@link CallHeap}) gives.
     *
     * @param rowsPerCall from 1 to {@link #MAX_ROWS_PER_CALL}
     */
    public Explanation explain(Batch rows, int row, ExplanationMeter meter, int rowsPerCall) {
        if (rowsPerCall < 1 || rowsPerCall > MAX_ROWS_PER_CALL) {
            throw new IllegalArgumentException(
                    "rows per call must be from 1 to " + MAX_ROWS_PER_CALL + ", got " + rowsPerCall);
        }
        if (structural != null) {
            return structural.explain(rows, row, meter);
        }
        int columns = rows.signature().featureCount();
        return columns <= EXACT_MAX_COLUMNS
                ? exact(rows, row, meter, rowsPerCall)
                : PermutationSampling.estimate(coalitions, rows, row, pairs(columns), SEED, meter, rowsPerCall);
    }

    /** The exact Shapley values: every coalition of the columns. */
    public Explanation exact(Batch rows, int row) {
        return exact(rows, row, ExplanationMeter.NONE, MAX_ROWS_PER_CALL);
    }

    private Explanation exact(Batch rows, int row, ExplanationMeter meter, int rowsPerCall) {
        int columns = rows.signature().featureCount();
        if (columns > 20) {
            throw new IllegalArgumentException(columns + " columns are too many to explain exactly");
        }
        int count = 1 << columns;
        double[] value = new double[count];
        // Mixed row k is coalition k / B + 1 (the masks between the empty and the full one) on background row k % B.
        CoalitionRows.Target target = coalitions.outputs(
                rows,
                row,
                (count - 2) * backgroundRows,
                k -> k % backgroundRows,
                (out, f) -> ((out / backgroundRows + 1) & (1 << f)) != 0,
                meter,
                rowsPerCall,
                (out, output) -> value[out / backgroundRows + 1] += output / backgroundRows);
        value[0] = CoalitionRows.mean(coalitions.backgroundOutputs(target, meter, rowsPerCall));
        value[count - 1] = target.output();
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
        return new Explanation(
                Explanation.EXACT,
                target.quantity(),
                target.label(),
                value[0],
                value[count - 1],
                Explanation.byColumn(rows.signature(), phi),
                backgroundRows,
                0,
                Map.of());
    }

    /**
     * Estimates the Shapley values from {@code permutations} permutations of the columns, in antithetic pairs drawn
     * from {@code seed}, each pair walked against one background row ({@link PermutationSampling}): an estimate with
     * a standard error per column whose contributions add up to the output less the base value.
     *
     * @param permutations an even number, at least {@code 2 * }{@value PermutationSampling#MIN_PAIRS}
     */
    public Explanation permutation(Batch rows, int row, int permutations, long seed) {
        if (permutations % 2 != 0) {
            throw new IllegalArgumentException("permutations must be even, got " + permutations);
        }
        return PermutationSampling.estimate(
                coalitions, rows, row, permutations / 2, seed, ExplanationMeter.NONE, MAX_ROWS_PER_CALL);
    }

    private static double binomial(int n, int k) {
        double result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
        }
        return result;
    }
}
