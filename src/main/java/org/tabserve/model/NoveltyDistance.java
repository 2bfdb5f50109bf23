package org.tabserve.model;

import java.util.List;
import java.util.Map;

/**
 * A row's distance to the nearest row of the card's background sample ({@link Conformal.Novelty}), made once per
 * model so that a row costs one pass over the background's values: number features in units of their scale, any
 * other difference (text, booleans, a value missing on one side only) counting 1.
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
        for (int r = 0; r < rows; r++) {
            List<Object> row = background.rows().get(r);
            for (int i = 0; i < numberFeatures.length; i++) {
                scaled[r * numberFeatures.length + i] =
                        row.get(numberFeatures[i]) instanceof Number n ? n.doubleValue() / unit[i] : Double.NaN;
            }
            for (int j = 0; j < otherFeatures.length; j++) {
                Object value = row.get(otherFeatures[j]);
                others[r * otherFeatures.length + j] = value == null ? null : value.toString();
            }
        }
    }

    /** @return the distance of row {@code row} of {@code batch} to the nearest background row */
    public double of(Batch batch, int row) {
        int width = numberFeatures.length;
        double[] x = new double[width];
        for (int i = 0; i < width; i++) {
            x[i] = batch.number(row, numberFeatures[i]) / unit[i];
        }
        String[] text = new String[otherFeatures.length];
        for (int j = 0; j < text.length; j++) {
            Object cell = batch.cell(row, otherFeatures[j]);
            text[j] = cell == null ? null : cell.toString();
        }
        double nearest = Double.POSITIVE_INFINITY;
        for (int r = 0, at = 0; r < rows; r++, at += width) {
            double sum = 0;
            for (int i = 0; i < width; i++) {
                double d = x[i] - scaled[at + i];
                if (d != d) { // NaN: a value missing on one side (1) or on both (0)
                    d = Double.isNaN(x[i]) == Double.isNaN(scaled[at + i]) ? 0 : 1;
                }
                sum += d * d;
            }
            for (int j = 0; j < text.length && sum < nearest; j++) {
                sum += java.util.Objects.equals(text[j], others[r * text.length + j]) ? 0 : 1;
            }
            if (sum < nearest) {
                nearest = sum;
            }
        }
        return Math.sqrt(nearest);
    }
}
