package org.tabserve.cardmaking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.conformal.Conformal;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.Prediction;

/**
 * The card's split-conformal calibration ({@link org.tabserve.model.card.CardKeys#CONFORMAL}), gathered one scored row at a
 * time from a file the model never trained on: each row's nonconformity score (a regressor's absolute residual, a
 * classifier's {@code 1 - p(true class)}) and, when the card has a background sample, its novelty score, kept in a
 * seeded reservoir of {@link Conformal#MAX_SCORES} rows (a random subset of exchangeable rows is itself a valid
 * calibration set), then checked at the coverages {@link #CHECKED} on those rows.
 */
public final class ConformalCalibration {

    /** The coverages the card measures on its own calibration rows, as the card page shows them. */
    public static final List<Double> CHECKED = List.of(0.8, 0.9, 0.95);
    /** The novelty p-value under which a row is flagged: one calibration-like row in a hundred is. */
    public static final double NOVELTY_THRESHOLD = 0.01;
    /**
     * A classifier's sets are made per class (Mondrian) when its rarest class has fewer than this share of an even
     * split of the rows: pooled scores would then cover the common classes and miss the rare one.
     */
    static final double IMBALANCED = 0.5;

    private final List<String> classes; // empty for a regressor
    private final Background background;
    private final Map<String, Double> scale;
    private final BackgroundSample kept = new BackgroundSample(Conformal.MAX_SCORES);
    private long rows;
    private double low = Double.POSITIVE_INFINITY; // a regressor's target values seen, here and in the data
    private double high = Double.NEGATIVE_INFINITY;

    /**
     * @param classes    the classifier's labels in output order, empty for a regressor
     * @param background the card's background sample, or null: then no novelty is measured
     */
    public ConformalCalibration(List<String> classes, Background background) {
        this.classes = List.copyOf(classes);
        this.background = background;
        this.scale = background == null ? Map.of() : scale(background);
    }

    /** @return per number column of the background, its standard deviation (1 where it has no spread) */
    private static Map<String, Double> scale(Background background) {
        Map<String, Double> units = new LinkedHashMap<>();
        for (int c = 0; c < background.columns().size(); c++) {
            double sum = 0;
            double squares = 0;
            int n = 0;
            for (List<Object> row : background.rows()) {
                if (row.get(c) instanceof Number number && Double.isFinite(number.doubleValue())) {
                    sum += number.doubleValue();
                    squares += number.doubleValue() * number.doubleValue();
                    n++;
                }
            }
            if (n > 0) {
                double variance = Math.max(0, squares / n - (sum / n) * (sum / n));
                units.put(background.columns().get(c), variance > 1e-12 ? Math.sqrt(variance) : 1.0);
            }
        }
        return units;
    }

    /** @return the background and units that a row's novelty distance is measured with, or null without one */
    public Background background() {
        return background;
    }

    /** @return per number feature, the unit of its differences */
    public Map<String, Double> scale() {
        return scale;
    }

    /** Widens the target range the card saw by the data's target values, {@code min} to {@code max}. */
    public void sawTargets(double min, double max) {
        if (Double.isFinite(min) && Double.isFinite(max)) {
            low = Math.min(low, min);
            high = Math.max(high, max);
        }
    }

    /**
     * Adds one calibration row.
     *
     * @param truth    the row's true label (a classifier's) or value as text (a regressor's)
     * @param answer   the model's answer for it
     * @param distance its novelty distance, NaN when there is no background
     */
    public void add(String truth, Prediction answer, double distance) {
        rows++;
        if (!(answer instanceof Prediction.Classification)) {
            double value = Double.parseDouble(truth);
            sawTargets(value, value);
        }
        kept.offer(() -> {
            List<Object> row = new ArrayList<>(4);
            if (answer instanceof Prediction.Classification classification) {
                row.add(truth);
                row.add(1 - classification.probabilityOf(truth));
                row.add(classification);
            } else {
                row.add(Conformal.ALL);
                row.add(Math.abs(Double.parseDouble(truth) - ((Prediction.Regression) answer).value()));
                row.add(null);
            }
            row.add(distance);
            return row;
        });
    }

    /** @return how many calibration rows were added */
    public long rows() {
        return rows;
    }

    /**
     * @param method    how the rows were chosen, in words
     * @param file      the calibration file's name
     * @param needed    the coverage the calibration must answer
     * @return the calibration the card stores
     * @throws IllegalArgumentException when the rows cannot answer {@code needed}, in words
     */
    public Conformal conformal(String method, String file, double needed) {
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        boolean perClass = !classes.isEmpty() && imbalanced();
        if (perClass) {
            classes.forEach(c -> groups.put(c, new ArrayList<>()));
        }
        List<Double> novelty = new ArrayList<>();
        for (List<Object> row : kept.rows()) {
            String group = perClass ? (String) row.get(0) : Conformal.ALL;
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add((Double) row.get(1));
            if (!Double.isNaN((Double) row.get(3))) {
                novelty.add((Double) row.get(3));
            }
        }
        for (Map.Entry<String, List<Double>> group : groups.entrySet()) {
            if (Conformal.rowsNeeded(needed) > group.getValue().size()) {
                throw new IllegalArgumentException(
                        Conformal.tooFew(group.getKey(), group.getValue().size(), needed));
            }
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        groups.forEach((g, list) ->
                scores.put(g, list.stream().mapToDouble(Double::doubleValue).toArray()));
        Conformal.Novelty reference = novelty.isEmpty()
                ? null
                : new Conformal.Novelty(
                        NOVELTY_THRESHOLD,
                        scale,
                        novelty.stream().mapToDouble(Double::doubleValue).toArray());
        String how = classes.isEmpty()
                ? "split conformal: absolute residuals |y - ŷ|, interval ŷ ± q"
                : "split conformal: LAC scores 1 - p(true class), "
                        + (perClass
                                ? "per class (Mondrian), as the" + " classes are imbalanced"
                                : "pooled over the classes");
        Conformal unchecked =
                new Conformal(how + "; " + method, file, rows, perClass, scores, List.of(), reference, null);
        List<Conformal.Check> checks = new ArrayList<>();
        for (double coverage : CHECKED) {
            if (coverage <= unchecked.largestCoverage()) {
                checks.add(check(unchecked, coverage));
            }
        }
        return new Conformal(
                unchecked.method(),
                file,
                rows,
                perClass,
                scores,
                checks,
                reference,
                classes.isEmpty() && low <= high ? new double[] {low, high} : null);
    }

    /** Whether the rarest class has fewer than {@link #IMBALANCED} of an even share of the kept rows. */
    private boolean imbalanced() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        classes.forEach(c -> counts.put(c, 0));
        kept.rows().forEach(row -> counts.merge((String) row.get(0), 1, Integer::sum));
        int rarest = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        return rarest < IMBALANCED * kept.rows().size() / classes.size();
    }

    /** The coverage and mean size of the calibration rows' own answers at {@code coverage}. */
    private Conformal.Check check(Conformal conformal, double coverage) {
        double[] q = conformal.quantiles(coverage);
        long covered = 0;
        double size = 0;
        for (List<Object> row : kept.rows()) {
            if (row.get(2) instanceof Prediction.Classification classification) {
                List<String> set = conformal.predictionSet(classification, q);
                covered += set.contains((String) row.get(0)) ? 1 : 0;
                size += set.size();
            } else {
                covered += (Double) row.get(1) <= q[0] ? 1 : 0;
            }
        }
        int n = kept.rows().size();
        boolean regressor = classes.isEmpty();
        // A regressor's every interval is 2q wide: its mean is that, not a sum of n of them, which may overflow.
        return new Conformal.Check(coverage, (double) covered / n, regressor ? 2 * q[0] : size / n);
    }

    /** @return the card entry's value */
    public static Map<String, Object> toJson(Conformal conformal) {
        Map<String, Object> json = conformal.described();
        json.put("scores", conformal.scores());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Conformal.Check check : conformal.checks()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("coverage", check.coverage());
            c.put("empirical", check.empirical());
            c.put("mean_size", check.meanSize());
            checks.add(c);
        }
        json.put("checks", checks);
        if (conformal.novelty() != null) {
            Map<String, Object> novelty = new LinkedHashMap<>();
            novelty.put("threshold", conformal.novelty().threshold());
            novelty.put("scale", conformal.novelty().scale());
            novelty.put("scores", conformal.novelty().scores());
            json.put("novelty", novelty);
        }
        if (conformal.range() != null) {
            Map<String, Object> range = new LinkedHashMap<>();
            range.put("min", conformal.range()[0]);
            range.put("max", conformal.range()[1]);
            json.put("range", range);
        }
        return json;
    }
}
