package org.tabserve.serving.explanations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.model.Model;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.explain.Explanation;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.CallHeap;
import org.tabserve.serving.budget.ServingException;

/**
 * How a request's explanations are chunked, on the real exporter's 28-class SVM of 69 inputs carded by the real
 * {@code card} command (sampled: 2,040 mixed rows a row): under the shipped budget (46 MB) a call is a 32nd of it, a
 * few hundred rows; under a budget of a few calls' rows the chunks shrink to fit and one row is still explained, in
 * calls of no more rows than were reserved; a budget smaller than the rows' explanations alone refuses them in words
 * naming {@code explain}.
 */
class ExplanationChunksTest {

    private static final Path WIDE = Path.of("src/test/resources/org/tabserve/fixtures/wide");
    private static final long SHIPPED = 46L << 20;

    @TempDir
    static Path dir;

    @Test
    void theManyClassSvmIsChunkedToItsBudgetAndExplainedInCallsNoLargerThanReserved() throws Exception {
        Path carded = FixtureCards.card(
                WIDE.resolve("classes-28.onnx"),
                WIDE.resolve("classes-28.labelled.csv"),
                "tree",
                dir.resolve("classes-28.onnx"));
        try (Model model = OnnxModelLoader.load(carded)) {
            Explainer explainer = new Explainer(model, model.card().background());
            long perRow = explainer.callBytesPerRow(model.signature());
            assertEquals(CallHeap.perColumnsRow(model.signature()), perRow, "its rows' predictions are never made");

            ExplanationChunks shipped = ExplanationChunks.of(explainer, model.signature(), 1, SHIPPED, "classes-28");
            assertEquals(SHIPPED / ExplanationChunks.BUDGET_SHARE / perRow, shipped.rowsPerCall());
            assertTrue(
                    shipped.bytes()
                            <= SHIPPED / ExplanationChunks.BUDGET_SHARE
                                    + explainer.heldBytes(model.signature(), 1)
                                    + CallHeap.PER_CALL,
                    shipped::toString);

            long small = explainer.heldBytes(model.signature(), 1) + CallHeap.PER_CALL + perRow;
            ExplanationChunks tight = ExplanationChunks.of(explainer, model.signature(), 1, small, "classes-28");
            assertEquals(1, tight.rowsPerCall(), "a budget of the row's explanation and one row: one row a call");
            assertEquals(small, tight.bytes());
            ExplanationChunks fitted = ExplanationChunks.of(explainer, model.signature(), 1, 64 * small, "classes-28");
            assertTrue(fitted.rowsPerCall() > 1 && fitted.bytes() <= 64 * small, fitted::toString);
            List<Integer> calls = new ArrayList<>();
            Batch row = Batch.of(
                    model.signature(),
                    java.util.Collections.singletonList(
                            model.card().background().cells().get(0)));
            Explanation explanation = explainer.explain(row, 0, calls::add, fitted.rowsPerCall());
            assertEquals(Explanation.PERMUTATION, explanation.method());
            assertTrue(calls.stream().allMatch(n -> n <= fitted.rowsPerCall()), calls::toString);
            assertEquals(
                    explainer.modelRows(model.signature(), 1)
                            + model.card().background().size(),
                    calls.stream().mapToLong(Integer::longValue).sum(),
                    "the row, its mixed rows, the background");

            long tooSmall = explainer.heldBytes(model.signature(), 100);
            ServingException refused = assertThrows(
                    ServingException.class,
                    () -> ExplanationChunks.of(explainer, model.signature(), 100, tooSmall, "classes-28"));
            assertEquals(ServingException.Kind.TOO_LARGE, refused.kind());
            assertTrue(
                    refused.getMessage().startsWith("explaining 100 row(s) of model 'classes-28' holds about"),
                    refused.getMessage());
            assertEquals("explain", refused.errors().get(0).field());
        }
    }
}
