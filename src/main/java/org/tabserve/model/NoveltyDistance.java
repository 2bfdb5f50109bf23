package org.tabserve.model;

import java.util.List;
import java.util.Map;

/**
 * A row's distance to the nearest row of the card's background sample ({@link Conformal.Novelty}), made once per
 * model so that a row costs one pass over the background's values: number features in units of their scale, any
 * other difference (text, booleans, a value missing on one side only) counting 1.
 */
public final class NoveltyDistance {

    private final double[][] numbers; // [background row][feature], NaN for missing or not a number
    private final Object[][] others;  // [background row][feature], the value of a feature that is not a number
    private final double[] unit;      // per feature, the scale of a number feature, 0 for any other
    private final int features;

    /**
     * @param scale per number feature, its unit; a number feature without one is measured in units of 1
     */
    public NoveltyDistance(ModelSignature signature, Background background, Map<String, Double> scale) {
        List<Feature> list = signature.features();
        features = list.size();
        unit = new double[features];
        for (int f = 0; f < features; f++) {
            unit[f] = list.get(f).type().isNumber() ? scale.getOrDefault(list.get(f).name(), 1.0) : 0;
        }
        numbers = new double[background.size()][features];
        others = new Object[background.size()][features];
        for (int r = 0; r < background.size(); r++) {
            List<Object> row = background.rows().get(r);
            for (int f = 0; f < features; f++) {
                Object value = row.get(f);
                numbers[r][f] = unit[f] > 0 && value instanceof Number n ? n.doubleValue() : Double.NaN;
                others[r][f] = unit[f] > 0 || value == null ? null : value.toString();
            }
        }
    }

    /** @return the distance of row {@code row} of {@code batch} to the nearest background row */
    public double of(Batch batch, int row) {
        double[] x = new double[features];
        String[] text = new String[features];
        for (int f = 0; f < features; f++) {
            if (unit[f] > 0) {
                x[f] = batch.number(row, f);
            } else {
                Object cell = batch.cell(row, f);
                text[f] = cell == null ? null : cell.toString();
            }
        }
        double nearest = Double.POSITIVE_INFINITY;
        for (int r = 0; r < numbers.length; r++) {
            double sum = 0;
            for (int f = 0; f < features && sum < nearest; f++) {
                double d;
                if (unit[f] > 0) {
                    boolean missing = Double.isNaN(x[f]);
                    boolean theirs = Double.isNaN(numbers[r][f]);
                    d = missing || theirs ? (missing == theirs ? 0 : 1) : (x[f] - numbers[r][f]) / unit[f];
                } else {
                    d = java.util.Objects.equals(text[f], others[r][f]) ? 0 : 1;
                }
                sum += d * d;
            }
            nearest = Math.min(nearest, sum);
        }
        return Math.sqrt(nearest);
    }
}
