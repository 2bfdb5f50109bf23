package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Prediction;
import org.tabserve.serving.budget.MemoryBudget;

/**
 * The answers kept for labels across a model's versions, on the bundled bank-note model: a request id is the
 * model's, as the shared store keys it, so that an attacker who re-uses a victim's id on another version (a canary,
 * or {@code /versions/2}) is not kept there, and the victim's label joins the victim's answer.
 */
class FeedbackMonitorTest {

    private static final List<String> CLASSES = List.of("0", "1");

    private static Prediction classified(String label) {
        return new Prediction.Classification(
                label, CLASSES, List.of(label.equals("0") ? 0.9 : 0.1, label.equals("0") ? 0.1 : 0.9));
    }

    @Test
    void anIdKeptInOneVersionIsNotKeptInAnotherAndItsLabelJoinsTheFirstAnswer() throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            FeedbackMonitor feedback = new FeedbackMonitor(new PrometheusRegistry());
            feedback.keepWithin(MemoryBudget.ofHeap());
            assertTrue(feedback.answered(
                    "notes",
                    1,
                    model,
                    FeedbackMonitor.NOBODY,
                    "victim",
                    false,
                    0,
                    1,
                    List.of(classified("0")),
                    "10.0.0.1",
                    AnswerTrace.NONE));
            assertFalse(
                    feedback.answered(
                            "notes",
                            2,
                            model,
                            FeedbackMonitor.NOBODY,
                            "victim",
                            false,
                            0,
                            2,
                            List.of(classified("1"), classified("1")),
                            "10.0.0.66",
                            AnswerTrace.NONE),
                    "the victim's id on another version: not kept, and its later parts not offered");
            assertEquals(1, feedback.reusedIds());
            FeedbackMonitor.Outcome outcome = feedback.join(
                    "notes",
                    2,
                    model,
                    List.of(new FeedbackMonitor.Label("victim", 0, "0", Double.NaN)),
                    AnswerTrace.NONE);
            assertEquals(Map.of(1L, 1L), outcome.joinedBy(), "joined to version 1's answer: " + outcome);
            assertEquals(1.0, feedback.of("notes", 1, model).orElseThrow().liveAccuracy());
        }
    }

    @Test
    void anIdTheServerMadeIsNotLookedUpInTheOtherVersionsAndOneACallerSentBackIs() throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            FeedbackMonitor feedback = new FeedbackMonitor(new PrometheusRegistry());
            feedback.keepWithin(MemoryBudget.ofHeap());
            String made = RequestIds.next();
            assertTrue(feedback.answered(
                    "notes",
                    1,
                    model,
                    FeedbackMonitor.NOBODY,
                    made,
                    true,
                    0,
                    1,
                    List.of(classified("0")),
                    "10.0.0.1",
                    AnswerTrace.NONE));
            // A minted id is 122 random bits no caller sent before: no other version is searched for it (the lookup
            // a caller's own id pays). Here version 2 is told it is minted although version 1 holds it: kept.
            assertTrue(feedback.answered(
                    "notes",
                    2,
                    model,
                    FeedbackMonitor.NOBODY,
                    made,
                    true,
                    0,
                    2,
                    List.of(classified("1")),
                    "10.0.0.1",
                    AnswerTrace.NONE));
            assertEquals(0, feedback.reusedIds());
            // The same id sent back by a caller as its own is looked up, and found taken.
            assertFalse(feedback.answered(
                    "notes",
                    2,
                    model,
                    FeedbackMonitor.NOBODY,
                    made,
                    false,
                    0,
                    3,
                    List.of(classified("1")),
                    "10.0.0.66",
                    AnswerTrace.NONE));
            assertEquals(1, feedback.reusedIds());
        }
    }

    @Test
    void twoCallersChoosingOneIdAreTwoAnswersAcrossVersionsAndEachLabelJoinsItsOwn() throws Exception {
        try (Model model = OnnxModelLoader.load(Path.of("model.onnx"))) {
            FeedbackMonitor feedback = new FeedbackMonitor(new PrometheusRegistry());
            feedback.keepWithin(MemoryBudget.ofHeap());
            assertTrue(feedback.answered(
                    "notes",
                    1,
                    model,
                    "alice",
                    "r1",
                    false,
                    0,
                    1,
                    List.of(classified("0")),
                    "10.0.0.1",
                    AnswerTrace.NONE));
            assertTrue(
                    feedback.answered(
                            "notes",
                            2,
                            model,
                            "bob",
                            "r1",
                            false,
                            0,
                            2,
                            List.of(classified("1")),
                            "10.0.0.2",
                            AnswerTrace.NONE),
                    "bob's r1 on another version is kept: it is bob's, not alice's");
            assertEquals(0, feedback.reusedIds(), "no id was re-used: each caller chose its own");
            FeedbackMonitor.Outcome outcome = feedback.join(
                    "notes",
                    2,
                    model,
                    List.of(
                            new FeedbackMonitor.Label("r1", 0, "0", Double.NaN, "alice"),
                            new FeedbackMonitor.Label("r1", 0, "0", Double.NaN, "bob"),
                            new FeedbackMonitor.Label("r1", 0, "0", Double.NaN, "carol"),
                            new FeedbackMonitor.Label("r1", 0, "0", Double.NaN)),
                    AnswerTrace.NONE);
            assertEquals(Map.of(1L, 1L, 2L, 1L), outcome.joinedBy(), "each to its own caller's answer: " + outcome);
            assertEquals(2, outcome.unknown(), "carol's and the anonymous caller's r1 were never answered: " + outcome);
            assertEquals(
                    outcome.notJoined().get(0).reason(),
                    outcome.notJoined().get(1).reason(),
                    "another caller's id is said as an id never answered is");
            assertEquals(1.0, feedback.of("notes", 1, model).orElseThrow().liveAccuracy(), "alice's answer was right");
            assertEquals(0.0, feedback.of("notes", 2, model).orElseThrow().liveAccuracy(), "bob's was not");
        }
    }
}
