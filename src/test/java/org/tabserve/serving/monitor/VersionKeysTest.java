package org.tabserve.serving.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Prediction;
import org.tabserve.serving.feedback.FeedbackMonitor;

/**
 * The per-version counters (statistics, live profiles, the answers kept for labels) find a version by its name and
 * number, whatever string instance names it, and keep each name and each version apart: their keys' equals and hashCode
 * are written out, not the record's.
 */
class VersionKeysTest {

    @Test
    void statisticsAreKeptPerNameAndVersionWhateverStringNamesThem() {
        ModelStatistics statistics = new ModelStatistics();
        statistics.executed("banknote", 1, 3);
        statistics.executed(new String("banknote"), 1, 4); // an equal name, another string (a path's variable)
        statistics.executed("banknote", 2, 10);
        statistics.executed("banknotes", 1, 100);
        statistics.answered(new String("banknote"), 1, true, 5);
        ModelStatistics.Snapshot first = statistics.of(new String("banknote"), 1);
        assertEquals(7, first.rows());
        assertEquals(2, first.executions());
        assertEquals(1, first.successes());
        assertEquals(10, statistics.of("banknote", 2).rows());
        assertEquals(100, statistics.of("banknotes", 1).rows());
        assertEquals(0, statistics.of("banknote", 3).rows());
        statistics.forget(new String("banknote"), 1);
        assertEquals(0, statistics.of("banknote", 1).rows(), "forgotten under an equal name");
        assertEquals(10, statistics.of("banknote", 2).rows(), "the other version stays");
    }

    @Test
    void liveProfilesAndKeptAnswersAreFoundByAnEqualNameAndKeptApartByVersion() {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            DriftMonitor drift = Monitors.of(new TabserveMetrics()).drift();
            Batch row = Batch.of(model.signature(), List.<Object[]>of(new Object[] {3.6, 8.6, -2.8, -0.4}));
            drift.record("banknote", 1, model, row);
            drift.record(new String("banknote"), 1, model, row);
            assertEquals(
                    2,
                    drift.of(new String("banknote"), 1, model)
                            .orElseThrow()
                            .snapshot()
                            .get(0)
                            .sinceStart()
                            .values());
            assertTrue(drift.of("banknote", 2, model).isEmpty(), "another version has its own profile");

            FeedbackMonitor feedback = new FeedbackMonitor(new PrometheusRegistry());
            List<String> classes = List.of("0", "1");
            Prediction answer = new Prediction.Classification("0", classes, List.of(0.9, 0.1));
            feedback.answered(
                    "banknote",
                    1,
                    model,
                    FeedbackMonitor.NOBODY,
                    null,
                    false,
                    0,
                    0,
                    List.of(answer),
                    FeedbackMonitor.NOBODY,
                    AnswerTrace.NONE);
            assertTrue(feedback.of(new String("banknote"), 1, model).isPresent());
            assertTrue(feedback.of("banknote", 2, model).isEmpty(), "another version has its own figures");
        }
    }
}
