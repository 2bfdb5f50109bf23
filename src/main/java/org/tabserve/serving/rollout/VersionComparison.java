package org.tabserve.serving.rollout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.Prediction;

/**
 * The live comparison of a rollout's two versions, the one that answers unversioned requests (the primary) and its
 * shadow or canary (the candidate), on the same rows: how often their labels agree (classifiers), how far apart their
 * answers are (the largest difference of a class probability, or of the value, over a bounded reservoir of rows:
 * mean, p50, p99), the few rows where they differ most, and each version's scoring time and errors. Held in fixed
 * room whatever the traffic, so that a long rollout costs no more memory than a short one.
 *
 * <p>Threading: rows are recorded by the {@link ShadowScorer}'s one thread, the counts of answers and skipped rows by
 * request threads; readers take a consistent snapshot ({@link #json()}).
 */
public final class VersionComparison {

    /** Rows kept for the difference's quantiles, and scorings for each version's latency. */
    static final int RESERVOIR = 2048;
    /** The rows where the two versions differ most, shown. */
    static final int WORST_SHOWN = 5;

    private final String role;
    private final long primary;
    private final long candidate;
    private final AtomicLong answeredByPrimary = new AtomicLong();
    private final AtomicLong answeredByCandidate = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    // Guarded by this.
    private long compared;
    private long agreed;
    private boolean classifier;
    private double differenceSum;
    private final Reservoir differences = new Reservoir();
    private final Reservoir primaryMillis = new Reservoir();
    private final Reservoir candidateMillis = new Reservoir();
    private long primaryErrors;
    private long candidateErrors;
    private final List<Map<String, Object>> worst = new ArrayList<>(WORST_SHOWN + 1);

    /**
     * @param role      {@code shadow} or {@code canary}
     * @param primary   the version that answers unversioned requests
     * @param candidate the shadow or canary version
     */
    VersionComparison(String role, long primary, long candidate) {
        this.role = role;
        this.primary = primary;
        this.candidate = candidate;
    }

    String role() {
        return role;
    }

    long primary() {
        return primary;
    }

    long candidate() {
        return candidate;
    }

    /** A request was answered by {@code version}, one of the two. */
    void answered(long version) {
        (version == candidate ? answeredByCandidate : answeredByPrimary).incrementAndGet();
    }

    /** A batch was not compared: the scorer's queue was full, or the batch too large to hold. */
    void skipped() {
        skipped.incrementAndGet();
    }

    /** @return the batches not compared */
    long skippedCount() {
        return skipped.get();
    }

    /** Scoring the batch failed on {@code version}: the model threw, or the version was not ready. */
    synchronized void failed(long version) {
        if (version == candidate) {
            candidateErrors++;
        } else {
            primaryErrors++;
        }
    }

    /**
     * Compares both versions' answers to the same rows.
     *
     * @param primaryNanos   how long the primary took to score the batch, or -1 when it was not timed
     * @param candidateNanos how long the candidate took to score it, or -1 when it was not timed
     */
    synchronized void record(
            Batch batch,
            List<Prediction> byPrimary,
            long primaryNanos,
            List<Prediction> byCandidate,
            long candidateNanos) {
        if (primaryNanos >= 0) {
            primaryMillis.add(primaryNanos / 1e6);
        }
        if (candidateNanos >= 0) {
            candidateMillis.add(candidateNanos / 1e6);
        }
        for (int row = 0; row < byPrimary.size(); row++) {
            Prediction a = byPrimary.get(row);
            Prediction b = byCandidate.get(row);
            double difference;
            if (a instanceof Prediction.Classification ca && b instanceof Prediction.Classification cb) {
                classifier = true;
                if (ca.label().equals(cb.label())) {
                    agreed++;
                }
                difference = 0;
                for (String label : ca.classes()) {
                    int other = cb.classes().indexOf(label);
                    double p = other < 0 ? 0 : cb.probabilities().get(other);
                    difference = Math.max(difference, Math.abs(ca.probabilityOf(label) - p));
                }
            } else {
                difference = Math.abs(value(a) - value(b));
            }
            compared++;
            differenceSum += difference;
            differences.add(difference);
            keepIfWorst(batch, row, a, b, difference);
        }
    }

    private static double value(Prediction prediction) {
        return prediction instanceof Prediction.Regression r ? r.value() : Double.NaN;
    }

    private void keepIfWorst(Batch batch, int row, Prediction a, Prediction b, double difference) {
        if (!(difference > 0)
                || (worst.size() == WORST_SHOWN
                        && difference <= (double) worst.get(WORST_SHOWN - 1).get("difference"))) {
            return;
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<Feature> features = batch.signature().features();
        for (int f = 0; f < features.size(); f++) {
            inputs.put(features.get(f).name(), batch.cell(row, f));
        }
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put(Long.toString(primary), answer(a));
        answers.put(Long.toString(candidate), answer(b));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("difference", difference);
        entry.put("answers", answers);
        entry.put("inputs", inputs);
        int at = 0;
        while (at < worst.size() && (double) worst.get(at).get("difference") >= difference) {
            at++;
        }
        worst.add(at, entry);
        if (worst.size() > WORST_SHOWN) {
            worst.remove(WORST_SHOWN);
        }
    }

    private static Object answer(Prediction prediction) {
        return prediction instanceof Prediction.Classification c ? c.label() : value(prediction);
    }

    /**
     * @return the comparison as {@code GET /models/{name}/api/rollout} shows it: {@code version}, {@code compared},
     *         {@code agreement} (null for a regressor or before any row), {@code difference} ({@code mean},
     *         {@code p50}, {@code p99}), {@code latency_ms} and {@code errors} by version, {@code answered} by version,
     *         {@code skipped} and {@code disagreements}
     */
    public synchronized Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", candidate);
        json.put("compared_with", primary);
        json.put("compared", compared);
        json.put("agreement", classifier && compared > 0 ? (double) agreed / compared : null);
        Map<String, Object> difference = new LinkedHashMap<>();
        difference.put("mean", compared == 0 ? null : differenceSum / compared);
        difference.put("p50", differences.quantile(0.5));
        difference.put("p99", differences.quantile(0.99));
        json.put("difference", difference);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put(Long.toString(primary), primaryMillis.summary());
        latency.put(Long.toString(candidate), candidateMillis.summary());
        json.put("latency_ms", latency);
        json.put("errors", byVersion(primaryErrors, candidateErrors));
        json.put("answered", byVersion(answeredByPrimary.get(), answeredByCandidate.get()));
        json.put("skipped", skipped.get());
        json.put("disagreements", List.copyOf(worst));
        return json;
    }

    private Map<String, Object> byVersion(long ofPrimary, long ofCandidate) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put(Long.toString(primary), ofPrimary);
        counts.put(Long.toString(candidate), ofCandidate);
        return counts;
    }

    /** @return rows compared so far */
    synchronized long compared() {
        return compared;
    }

    /** @return the share of rows whose labels agreed, NaN for a regressor or before any row */
    synchronized double agreement() {
        return classifier && compared > 0 ? (double) agreed / compared : Double.NaN;
    }

    /** @return the difference's quantile {@code q}, NaN before any row */
    synchronized double differenceQuantile(double q) {
        Double value = differences.quantile(q);
        return value == null ? Double.NaN : value;
    }

    /** @return the errors of {@code version}, one of the two */
    synchronized long errors(long version) {
        return version == candidate ? candidateErrors : primaryErrors;
    }

    /** @return the requests {@code version}, one of the two, answered */
    long answeredBy(long version) {
        return (version == candidate ? answeredByCandidate : answeredByPrimary).get();
    }

    /** @return {@code version}'s scoring time's quantile {@code q} in milliseconds, NaN before any */
    synchronized double latencyQuantile(long version, double q) {
        Double value = (version == candidate ? candidateMillis : primaryMillis).quantile(q);
        return value == null ? Double.NaN : value;
    }

    /**
     * A uniform sample of at most {@link #RESERVOIR} values of a stream (Vitter's algorithm R), so that quantiles
     * over any number of rows are read from fixed room.
     */
    private static final class Reservoir {

        private final double[] values = new double[RESERVOIR];
        private final SplittableRandom random = new SplittableRandom();
        private long seen;

        void add(double value) {
            if (seen < RESERVOIR) {
                values[(int) seen] = value;
            } else {
                long slot = random.nextLong(seen + 1);
                if (slot < RESERVOIR) {
                    values[(int) slot] = value;
                }
            }
            seen++;
        }

        Double quantile(double q) {
            int size = (int) Math.min(seen, RESERVOIR);
            if (size == 0) {
                return null;
            }
            double[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted[Math.min(size - 1, Math.max(0, (int) Math.ceil(q * size) - 1))];
        }

        Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("p50", quantile(0.5));
            summary.put("p99", quantile(0.99));
            return summary;
        }
    }
}
