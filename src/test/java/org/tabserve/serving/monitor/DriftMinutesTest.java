package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.testing.BankNotes;

/**
 * A version's worst drift minute by minute, for the models page's drift sparkline: the highest sample of each minute,
 * none where nothing sampled, the ring coming round on a clock the test sets; and a {@code /metrics} scrape samples
 * it, as the index does.
 */
class DriftMinutesTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    @Test
    void theWorstDriftOfAMinuteIsTheHighestSampledInItAndAMinuteNothingSampledHasNone() {
        DriftMinutes drift = new DriftMinutes();
        long start = 500 * MINUTE;
        drift.sample(start, 0.05);
        drift.sample(start + 10 * SECOND, 0.31);
        drift.sample(start + 20 * SECOND, 0.12); // lower than the minute's highest: kept as 0.31
        drift.sample(start + 30 * SECOND, Double.NaN); // no input had a score: no sample
        drift.sample(start + 2 * MINUTE, 0.02);
        List<Double> minutes = drift.minutes(start + 2 * MINUTE);
        assertEquals(RecentRequests.HOUR_BUCKETS, minutes.size());
        assertEquals(0.31, minutes.get(57));
        assertTrue(Double.isNaN(minutes.get(58)), "nothing sampled the minute between");
        assertEquals(0.02, minutes.get(59), "the minute under way, last");
        assertTrue(minutes.subList(0, 57).stream().allMatch(psi -> Double.isNaN(psi)), "before the first sample");
        drift.sample(start + 60 * MINUTE, 0.01); // the first minute's slot comes round: its 0.31 is gone
        List<Double> hourLater = drift.minutes(start + 60 * MINUTE);
        assertEquals(0.01, hourLater.get(59));
        assertEquals(0.02, hourLater.get(1), "58 minutes before the one under way");
        assertFalse(hourLater.contains(0.31));
        drift.sample(start, 0.9); // a late sample older than its slot's minute now is dropped
        assertEquals(0.01, drift.minutes(start + 60 * MINUTE).get(59));
    }

    @Test
    void aScrapeOfTheDriftGaugeSamplesEachVersionsWorstDriftAsTheIndexDoes() throws Exception {
        AtomicLong nanos = new AtomicLong(7_000 * MINUTE);
        PrometheusRegistry registry = new PrometheusRegistry();
        DriftMonitor drift = new DriftMonitor(registry, nanos::get);
        try (Model model = OnnxModelLoader.load(BankNotes.MODEL)) {
            double[][] rows = BankNotes.all().stream()
                    .map(note ->
                            BankNotes.FEATURES.stream().mapToDouble(note::value).toArray())
                    .toArray(double[][]::new);
            drift.record("banknote", 1, model, Batch.ofNumbers(model.signature(), rows));
            assertTrue(
                    drift.worstByMinute("banknote", 1, model).stream().allMatch(psi -> psi.isNaN()),
                    "scored, but nothing has read its drift yet");
            registry.scrape();
            List<Double> minutes = drift.worstByMinute("banknote", 1, model);
            assertFalse(minutes.get(59).isNaN(), "the scrape sampled the minute under way");
            nanos.addAndGet(MINUTE);
            double worst = drift.worst("banknote", 1, model).orElseThrow().psi();
            assertEquals(worst, drift.worstByMinute("banknote", 1, model).get(59), "the index's reading samples too");
            assertEquals(
                    minutes.get(59), drift.worstByMinute("banknote", 1, model).get(58));
            assertTrue(DriftMonitor.NO_MINUTES.stream().allMatch(psi -> psi.isNaN()));
            assertEquals(DriftMonitor.NO_MINUTES, drift.worstByMinute("banknote", 2, model), "a version never scored");
        }
    }
}
