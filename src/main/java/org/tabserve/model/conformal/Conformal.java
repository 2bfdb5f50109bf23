package org.tabserve.model.conformal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tabserve.model.signature.Background;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.Prediction;

/**
 * A model's split-conformal calibration, as its card stores it ({@code CardKeys.CONFORMAL}): the nonconformity scores
 * of rows the model never trained on, so that any coverage from {@link #MIN_COVERAGE} to {@link #MAX_COVERAGE} is
 * answered with the finite-sample guarantee (a new row exchangeable with the calibration rows is covered with
 * probability at least the coverage asked): a regressor's value gains an interval, a classifier's a set of labels.
 *
 * <p>A regressor's score is the absolute residual {@code |y - ŷ|} and its interval {@code ŷ ± q}; a classifier's is
 * LAC's {@code 1 - p(true class)}, and its set the labels whose {@code 1 - p} is at most {@code q}. With
 * {@code classConditional} (Mondrian) each class has its own {@code q} from its own rows, so that the coverage holds
 * for every class, the rare ones too. {@code q} is the {@code ⌈(n + 1) c⌉}-th smallest of the {@code n} scores.
 *
 * @param method           how the scores were made, in words
 * @param file             the file the calibration rows came from
 * @param rows             how many rows the file gave; at most {@link #MAX_SCORES} of them were kept, drawn at random
 * @param classConditional whether a classifier's sets take each class's own scores (Mondrian)
 * @param scores           the kept scores, ascending: a regressor's under {@link #ALL}, a classifier's per true class
 * @param checks           the coverage measured on the calibration rows themselves, per nominal coverage
 * @param novelty          how unlike the calibration rows a new row may be, or {@code null} when the card has none
 * @param range            a regressor's target values as the card saw them ({@code [min, max]} over the data and the
 *                         calibration rows), which its intervals are clipped to; {@code null} when the card has none
 */
public record Conformal(
        String method,
        String file,
        long rows,
        boolean classConditional,
        Map<String, double[]> scores,
        List<Check> checks,
        Novelty novelty,
        double[] range) {

    /** The smallest coverage a request may ask for. */
    public static final double MIN_COVERAGE = 0.5;
    /** The largest coverage a request may ask for. */
    public static final double MAX_COVERAGE = 0.99;
    /** The most scores a card keeps: past it, a random sample of the rows, itself a valid calibration set. */
    public static final int MAX_SCORES = 2_000;
    /** The key of a regressor's scores, and of a classifier's pooled scores when its sets are not per class. */
    public static final String ALL = "*";
    /** Said wherever calibration rows are named: the guarantee needs them to be new to the model. */
    public static final String NOT_TRAINING_ROWS = "the calibration rows must not be rows the model was trained on:"
            + " the coverage holds for new rows exchangeable with them";

    /** @return this calibration with its novelty measurable against {@code background}, if it has one */
    public Conformal measuredWith(ModelSignature signature, Background background) {
        return novelty == null
                ? this
                : new Conformal(
                        method,
                        file,
                        rows,
                        classConditional,
                        scores,
                        checks,
                        novelty.measuredWith(signature, background),
                        range);
    }

    public Conformal {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(file, "file");
        Map<String, double[]> sorted = new LinkedHashMap<>();
        scores.forEach((group, values) -> {
            double[] copy = values.clone();
            Arrays.sort(copy);
            if (copy.length == 0 || !Double.isFinite(copy[0]) || !Double.isFinite(copy[copy.length - 1])) {
                throw new IllegalArgumentException(
                        "the scores of '" + group + "' must be finite numbers, at least one");
            }
            sorted.put(group, copy);
        });
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("a calibration needs scores");
        }
        scores = java.util.Collections.unmodifiableMap(sorted);
        checks = List.copyOf(checks);
        if (range != null) {
            if (range.length != 2 || !Double.isFinite(range[0]) || !Double.isFinite(range[1]) || range[0] > range[1]) {
                throw new IllegalArgumentException("the target range must be two finite numbers, min <= max");
            }
            range = range.clone();
        }
    }

    /** @return this calibration with its intervals clipped to {@code [min, max]} */
    public Conformal withRange(double min, double max) {
        return new Conformal(method, file, rows, classConditional, scores, checks, novelty, new double[] {min, max});
    }

    /**
     * The coverage measured on the calibration rows, with the {@code q} of that coverage.
     *
     * @param coverage  the nominal coverage
     * @param empirical the share of calibration rows covered
     * @param meanSize  the mean interval width (a regressor's) or set size (a classifier's)
     */
    public record Check(double coverage, double empirical, double meanSize) {}

    /**
     * A conformal p-value of how unlike the card's background rows a new row is: its score is the distance to the
     * nearest background row (numbers in units of {@code scale}, any other difference, or a value missing on one side
     * only, counting 1), and the calibration rows' own scores are the reference, so that a row as usual as they are
     * is flagged (p under {@code threshold}) with probability at most {@code threshold}.
     *
     * @param threshold under which a p-value flags the row as novel
     * @param scale     per number feature, the unit its differences are measured in (the background's spread)
     * @param scores    the calibration rows' distances, ascending
     * @param distance  how a row's distance is measured, made once the model's background is known ({@link
     *                  #measuredWith}); null as the card is read
     */
    public record Novelty(double threshold, Map<String, Double> scale, double[] scores, NoveltyDistance distance) {

        /** A novelty as the card holds it, not yet measurable. */
        public Novelty(double threshold, Map<String, Double> scale, double[] scores) {
            this(threshold, scale, scores, null);
        }

        public Novelty {
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("the novelty threshold must lie between 0 and 1");
            }
            scale = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scale));
            scale.forEach((feature, unit) -> {
                if (!(unit > 0) || !Double.isFinite(unit)) {
                    throw new IllegalArgumentException("the novelty scale of '" + feature + "' must be positive");
                }
            });
            scores = scores.clone();
            Arrays.sort(scores);
            if (scores.length == 0) {
                throw new IllegalArgumentException("the novelty needs the calibration rows' scores");
            }
        }

        /** @return this novelty, its distances measured against {@code background} for {@code signature}'s rows */
        public Novelty measuredWith(ModelSignature signature, Background background) {
            return new Novelty(threshold, scale, scores, new NoveltyDistance(signature, background, scale));
        }

        /**
         * @return the p-value of a row whose distance is {@code score}: (1 + calibration rows as far or farther) /
         *         (n + 1), ties included: a calibration score within {@link #TIE} (relative) of {@code score} counts
         *         as as far, so that the same distance summed in another order, or read back from the card's text,
         *         is not a hair nearer (the p-value stays conservative)
         */
        public double pValue(double score) {
            double tied = score - TIE * Math.max(1, Math.abs(score));
            int below = lowerBound(scores, tied); // scores[below..] >= score, within the tolerance
            return (1.0 + scores.length - below) / (scores.length + 1.0);
        }

        /** The relative difference under which two distances are the same one. */
        static final double TIE = 1e-9;
    }

    /**
     * @return what the calibration is, as the card and {@code GET /api/model} say it: {@code method}, {@code file},
     *         {@code rows}, {@code note} ({@link #NOT_TRAINING_ROWS}) and {@code class_conditional}
     */
    public Map<String, Object> described() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", method);
        json.put("file", file);
        json.put("rows", rows);
        json.put("note", NOT_TRAINING_ROWS);
        json.put("class_conditional", classConditional);
        return json;
    }

    /** @return the fewest rows that answer {@code coverage}: {@code n ≥ 1/(1 - c) - 1}, so that ⌈(n + 1) c⌉ ≤ n */
    public static long rowsNeeded(double coverage) {
        long n = 1;
        while (rank(n, coverage) > n) {
            n++;
        }
        return n;
    }

    /** @return ⌈(n + 1) c⌉, the rank of a coverage's quantile among n scores (1-based) */
    static long rank(long n, double coverage) {
        // (n + 1) * c may land a hair above a whole number in binary (0.9 is not 9/10): that is the whole number.
        return (long) Math.ceil((n + 1) * coverage - 1e-9);
    }

    /**
     * @return the scores' {@code ⌈(n + 1) c⌉ / n} quantile, or NaN when the group has too few rows for the coverage
     */
    public static double quantile(double[] sorted, double coverage) {
        long k = rank(sorted.length, coverage);
        return k > sorted.length ? Double.NaN : sorted[(int) Math.max(1, k) - 1];
    }

    /** @return the largest coverage every group's rows can answer: the smallest group's {@code n / (n + 1)} */
    public double largestCoverage() {
        int fewest = scores.values().stream().mapToInt(s -> s.length).min().orElse(0);
        return fewest / (fewest + 1.0);
    }

    /** @return the group with the fewest scores, which bounds the coverage */
    public String fewestGroup() {
        return scores.entrySet().stream()
                .min(java.util.Comparator.comparingInt(e -> e.getValue().length))
                .map(Map.Entry::getKey)
                .orElse(ALL);
    }

    /**
     * @return each group's {@code q} for {@code coverage}, in the order of {@link #scores()}
     * @throws IllegalArgumentException when a group has too few rows for it, in words
     */
    public double[] quantiles(double coverage) {
        double[] q = new double[scores.size()];
        int i = 0;
        for (Map.Entry<String, double[]> group : scores.entrySet()) {
            q[i] = quantile(group.getValue(), coverage);
            if (Double.isNaN(q[i])) {
                throw new IllegalArgumentException(tooFew(group.getKey(), group.getValue().length, coverage));
            }
            i++;
        }
        return q;
    }

    /** Why a coverage cannot be answered from {@code n} rows, in words. */
    public static String tooFew(String group, long n, double coverage) {
        return "a coverage of " + coverage + " needs at least " + rowsNeeded(coverage) + " calibration rows"
                + (ALL.equals(group) ? "" : " of class '" + group + "'") + " (n ≥ 1/(1 - c) - 1), and "
                + (ALL.equals(group) ? "the calibration" : "it") + " has " + n;
    }

    /** @return a regressor's interval around {@code value}, {@code q} from {@link #quantiles} */
    public static Uncertainty.Interval interval(double value, double q, double coverage) {
        return new Uncertainty.Interval(value - q, value + q, coverage);
    }

    /**
     * @return a regressor's interval around {@code value}, {@code q} from {@link #quantiles}, clipped to the target
     *         range the card saw ({@link #range}) and saying so: an end past it claims values no row had (a fare
     *         below 0, a 0/1 target above 1); a value itself outside the range keeps it in the interval
     */
    public Uncertainty.Interval clippedInterval(double value, double q, double coverage) {
        double lower = value - q;
        double upper = value + q;
        if (range == null) {
            return new Uncertainty.Interval(lower, upper, coverage);
        }
        double low = Math.min(range[0], value);
        double high = Math.max(range[1], value);
        boolean clipped = lower < low || upper > high;
        return new Uncertainty.Interval(Math.max(lower, low), Math.min(upper, high), coverage, clipped);
    }

    /**
     * @param q the groups' {@code q} from {@link #quantiles}: one (pooled) or one per class, in class order
     * @return the labels of the classes whose {@code 1 - p} is at most their {@code q}, in the model's class order
     */
    public List<String> predictionSet(Prediction.Classification answer, double[] q) {
        List<String> classes = answer.classes();
        List<String> set = new java.util.ArrayList<>(2);
        for (int i = 0; i < classes.size(); i++) {
            double limit = q.length == 1 ? q[0] : q[groupOf(classes.get(i))];
            if (1 - answer.probabilities().get(i) <= limit) {
                set.add(classes.get(i));
            }
        }
        return set;
    }

    private int groupOf(String label) {
        int i = 0;
        for (String group : scores.keySet()) {
            if (group.equals(label)) {
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("the calibration has no scores for class '" + label + "'");
    }

    /** @return the first index whose score is at least {@code value} (scores ascending) */
    static int lowerBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
