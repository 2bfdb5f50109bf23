package org.tabserve.model.explain;

import java.util.SplittableRandom;
import org.tabserve.model.signature.Batch;

/**
 * Estimates interventional Shapley values by sampling, at a cost fixed in advance, for models with too many columns
 * to evaluate every coalition: each sample is a permutation of the columns and its reverse (an antithetic pair), both
 * walked against one background row b, each column getting its marginal contribution where it joins (M &minus; 1
 * model rows a walk). Against one background row the Shapley values are those of v<sub>b</sub>(S) = f(x<sub>S</sub>,
 * b<sub>rest</sub>), and their mean over the background is the explained value, so a pair's mean contribution is an
 * unbiased sample of each column's value. The background rows are taken in a seeded shuffled order, cycling.
 *
 * <p>A pair's contributions add up to f(x) &minus; f(b), whose mean over the background, f(x) minus the base value,
 * is known exactly (the background's answers are kept, {@link CoalitionRows}). That total is the control variate:
 * each column's mean is corrected by its regression on it, which lowers the variance and makes the contributions
 * add up to the output minus the base value (efficiency), since the columns' regression coefficients sum to one. A
 * column's standard error is that of the corrected mean, from the pairs' residuals.
 */
final class PermutationSampling {

    /** The fewest antithetic pairs sampled, so that each standard error has a degree of freedom at least. */
    static final int MIN_PAIRS = 3;

    private PermutationSampling() {}

    /**
     * Explains row {@code row} of {@code rows} from {@code pairs} antithetic pairs of permutations drawn from
     * {@code seed}: 1 + 2 &times; pairs &times; (M &minus; 1) model rows, in calls of at most {@code rowsPerCall}.
     */
    static Explanation estimate(
            CoalitionRows coalitions,
            Batch rows,
            int row,
            int pairs,
            long seed,
            ExplanationMeter meter,
            int rowsPerCall) {
        if (pairs < MIN_PAIRS) {
            throw new IllegalArgumentException("at least " + MIN_PAIRS + " pairs of permutations, got " + pairs);
        }
        int columns = rows.signature().featureCount();
        SplittableRandom random = new SplittableRandom(seed);
        int[] references = shuffled(coalitions.backgroundRows(), random);
        int walks = 2 * pairs;
        int inner = columns - 1;
        int[][] orders = new int[walks][];
        int[][] positions = new int[walks][columns];
        for (int p = 0; p < walks; p += 2) {
            orders[p] = shuffled(columns, random);
            orders[p + 1] = new int[columns];
            for (int i = 0; i < columns; i++) {
                orders[p + 1][i] = orders[p][columns - 1 - i];
            }
        }
        for (int p = 0; p < walks; p++) {
            for (int i = 0; i < columns; i++) {
                positions[p][orders[p][i]] = i;
            }
        }
        // Walk p's j-th row holds the explained row's values on the first j + 1 columns of its order, the rest from
        // its pair's background row.
        double[] outputs = new double[walks * inner];
        CoalitionRows.Target target = coalitions.outputs(
                rows,
                row,
                outputs.length,
                out -> references[(out / inner / 2) % references.length],
                (out, f) -> positions[out / inner][f] <= out % inner,
                meter,
                rowsPerCall,
                (out, output) -> outputs[out] = output);
        double[] backgroundOutputs = coalitions.backgroundOutputs(target, meter, rowsPerCall);
        double base = CoalitionRows.mean(backgroundOutputs);
        double total = target.output() - base;
        double[][] pairMeans = new double[pairs][columns];
        double[] totals = new double[pairs];
        for (int p = 0; p < walks; p++) {
            double before = backgroundOutputs[references[(p / 2) % references.length]];
            totals[p / 2] = target.output() - before;
            for (int j = 0; j < columns; j++) {
                double after = j == inner ? target.output() : outputs[p * inner + j];
                pairMeans[p / 2][orders[p][j]] += (after - before) / 2;
                before = after;
            }
        }
        return explanation(rows, target, base, total, pairMeans, totals, backgroundOutputs.length, walks);
    }

    /** The control-variate estimate and its standard errors from each pair's mean contributions and total. */
    private static Explanation explanation(
            Batch rows,
            CoalitionRows.Target target,
            double base,
            double total,
            double[][] pairMeans,
            double[] totals,
            int backgroundRows,
            int walks) {
        int pairs = totals.length;
        int columns = pairMeans[0].length;
        double meanTotal = CoalitionRows.mean(totals);
        double varianceTotal = 0;
        for (double t : totals) {
            varianceTotal += (t - meanTotal) * (t - meanTotal);
        }
        double[] mean = new double[columns];
        double[] beta = new double[columns];
        double betaSum = 0;
        double meanSum = 0;
        for (int f = 0; f < columns; f++) {
            double covariance = 0;
            for (int q = 0; q < pairs; q++) {
                mean[f] += pairMeans[q][f] / pairs;
            }
            for (int q = 0; q < pairs; q++) {
                covariance += (pairMeans[q][f] - mean[f]) * (totals[q] - meanTotal);
            }
            beta[f] = varianceTotal > 0 ? covariance / varianceTotal : 0;
            betaSum += beta[f];
            meanSum += mean[f];
        }
        // The columns' coefficients sum to one (their contributions sum to the total in every pair); divided by
        // their sum all the same, so that rounding cannot break the efficiency. Without variance in the total (one
        // background answer sampled), the gap is shared out evenly.
        boolean regressed = varianceTotal > 0 && Math.abs(betaSum) > 0.5;
        double gap = total - meanSum;
        double[] phi = new double[columns];
        double[] error = new double[columns];
        for (int f = 0; f < columns; f++) {
            phi[f] = mean[f] + (regressed ? beta[f] / betaSum : 1.0 / columns) * gap;
            double squares = 0;
            for (int q = 0; q < pairs; q++) {
                double residual = pairMeans[q][f] - mean[f] - (regressed ? beta[f] * (totals[q] - meanTotal) : 0);
                squares += residual * residual;
            }
            error[f] = Math.sqrt(squares / (pairs - (regressed ? 2 : 1)) / pairs);
        }
        return new Explanation(
                Explanation.PERMUTATION,
                target.quantity(),
                target.label(),
                base,
                target.output(),
                Explanation.byColumn(rows.signature(), phi),
                backgroundRows,
                walks,
                Explanation.byColumn(rows.signature(), error));
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
