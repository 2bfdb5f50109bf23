package org.tabserve.model.conformal;

import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelSignature;

/**
 * A row's distance to the nearest row of the card's background sample ({@link Conformal.Novelty}), made once per
 * model so that a row costs one pass over the background's values: number features in units of their scale, any
 * other difference (text, booleans) counting 1, and a value no background row has for its feature (an unknown
 * category) {@link #UNSEEN}. A number missing on one side only counts as far as the other side's value is from the
 * background's mean, and at least 1: a background row with the value missing is then no nearer to an extreme value
 * (an age of 400) than a row that has it (before, it was at 1 from every value, and hid any extreme one).
 *
 * <p>The background's numbers are kept divided by their unit, row after row in one array, so that the pass is a
 * subtraction and a product per value (it is paid by every answer that asks for coverage: bench/coverage).
 */
public final class NoveltyDistance {

    private final int[] numberFeatures; // the features measured as numbers, in order
    private final int[] otherFeatures; // the others
    private final double[] unit; // per number feature (in numberFeatures' order), its unit
    private final double[] scaled; // [background row * numbers + i], the value divided by its unit, NaN if missing
    private final String[] others; // [background row * others + j], the value as text, null if missing
    private final int rows;
    private final double[] center; // per number feature, the background's mean, in units; 0 when none has it
    private final java.util.List<java.util.Set<String>> seen; // per other feature, the values the background has

    /** What a value no background row has for its feature counts, as a number three of its units off would. */
    public static final double UNSEEN = 3;

    /**
     * @param scale per number feature, its unit; a number feature without one is measured in units of 1
     */
    public NoveltyDistance(ModelSignature signature, Background background, Map<String, Double> scale) {
        List<Feature> list = signature.features();
        numberFeatures = java.util.stream.IntStream.range(0, list.size())
                .filter(f -> list.get(f).type().isNumber())
                .toArray();
        otherFeatures = java.util.stream.IntStream.range(0, list.size())
                .filter(f -> !list.get(f).type().isNumber())
                .toArray();
        unit = new double[numberFeatures.length];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = scale.getOrDefault(list.get(numberFeatures[i]).name(), 1.0);
        }
        rows = background.size();
        scaled = new double[rows * numberFeatures.length];
        others = new String[rows * otherFeatures.length];
        center = new double[numberFeatures.length];
        long[] present = new long[numberFeatures.length];
        seen = new java.util.ArrayList<>();
        for (int j = 0; j < otherFeatures.length; j++) {
            seen.add(new java.util.HashSet<>());
        }
        for (int r = 0; r < rows; r++) {
            List<Object> row = background.rows().get(r);
            for (int i = 0; i < numberFeatures.length; i++) {
                double value = row.get(numberFeatures[i]) instanceof Number n ? n.doubleValue() / unit[i] : Double.NaN;
                scaled[r * numberFeatures.length + i] = value;
                if (Double.isFinite(value)) {
                    center[i] += value;
                    present[i]++;
                }
            }
            for (int j = 0; j < otherFeatures.length; j++) {
                Object value = row.get(otherFeatures[j]);
                others[r * otherFeatures.length + j] = value == null ? null : value.toString();
                if (value != null) {
                    seen.get(j).add(value.toString());
                }
            }
        }
        for (int i = 0; i < center.length; i++) {
            center[i] = present[i] == 0 ? 0 : center[i] / present[i];
        }
    }

    /** @return how far a value (in units) is from a missing one: from the background's mean, and at least 1 */
    private double fromMissing(int feature, double value) {
        double d = Math.abs(value - center[feature]);
        return d > 1 ? d : 1; // NaN (an infinite value less its mean) stays far: d > 1 is false, and 1 is the least
    }

    /** @return the distance of row {@code row} of {@code batch} to the nearest background row */
    public double of(Batch batch, int row) {
        int width = numberFeatures.length;
        double[] x = new double[width];
        for (int i = 0; i < width; i++) {
            x[i] = batch.number(row, numberFeatures[i]) / unit[i];
        }
        String[] text = new String[otherFeatures.length];
        boolean[] unknown = new boolean[text.length];
        double unseen = 0; // what the row's unknown values cost against every background row
        for (int j = 0; j < text.length; j++) {
            Object cell = batch.cell(row, otherFeatures[j]);
            text[j] = cell == null ? null : cell.toString();
            unknown[j] = text[j] != null && !seen.get(j).contains(text[j]);
            unseen += unknown[j] ? UNSEEN * UNSEEN : 0;
        }
        double nearest = Double.POSITIVE_INFINITY;
        for (int r = 0, at = 0; r < rows; r++, at += width) {
            double sum = unseen;
            for (int i = 0; i < width; i++) {
                double d = x[i] - scaled[at + i];
                if (d != d) { // NaN: a value missing on one side (its distance from the mean) or on both (0)
                    boolean rowMissing = Double.isNaN(x[i]);
                    d = rowMissing == Double.isNaN(scaled[at + i])
                            ? 0
                            : fromMissing(i, rowMissing ? scaled[at + i] : x[i]);
                }
                sum += d * d;
            }
            for (int j = 0; j < text.length && sum < nearest; j++) {
                if (!unknown[j]) { // an unknown value is counted once, above
                    sum += java.util.Objects.equals(text[j], others[r * text.length + j]) ? 0 : 1;
                }
            }
            if (sum < nearest) {
                nearest = sum;
            }
        }
        return Math.sqrt(nearest);
    }
}
