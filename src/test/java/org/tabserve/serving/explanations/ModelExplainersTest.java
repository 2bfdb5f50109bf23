package org.tabserve.serving.explanations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.model.Model;
import org.tabserve.model.explain.Explainer;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;

/**
 * Each served version's explainer is kept between requests, on the bank-note model carded by the real {@code card}
 * command and loaded by ONNX Runtime: its background's 100 rows are answered on the version's first explained row
 * only; a version reloaded under the same number (a new model object), a version forgotten (unloaded) and the least
 * recently used past {@link ModelExplainers#MAX_VERSIONS} get a new explainer, which answers its background again.
 */
class ModelExplainersTest {

    @TempDir
    static Path dir;

    static Path bankNotes;

    @BeforeAll
    static void card() throws Exception {
        bankNotes = FixtureCards.banknote(dir);
    }

    @Test
    void aVersionsBackgroundIsAnsweredOnItsFirstExplainedRowOnly() {
        try (Model model = OnnxModelLoader.load(bankNotes)) {
            ModelExplainers explainers = new ModelExplainers(true);
            Batch rows = Batch.of(model.signature(), model.card().background().cells());
            long perRow = 1 + 14L * 100; // the row's own answer, and 2^4 - 2 coalitions on 100 background rows
            assertEquals(
                    List.of(100 + perRow, perRow, perRow),
                    List.of(
                            counted(explainers.of("note", 1, model), rows, 0),
                            counted(explainers.of("note", 1, model), rows, 1),
                            counted(explainers.of("note", 1, model), rows, 2)));
            assertSame(explainers.of("note", 1, model), explainers.of("note", 1, model));
        }
    }

    @Test
    void aReloadedOrForgottenVersionGetsANewExplainerThatAnswersItsBackgroundAgain() {
        try (Model first = OnnxModelLoader.load(bankNotes);
                Model reloaded = OnnxModelLoader.load(bankNotes)) {
            ModelExplainers explainers = new ModelExplainers(true);
            Batch rows = Batch.of(first.signature(), first.card().background().cells());
            Explainer kept = explainers.of("note", 1, first);
            counted(kept, rows, 0);
            Explainer ofTheReload = explainers.of("note", 1, reloaded);
            assertNotSame(kept, ofTheReload);
            assertEquals(100 + 1401, counted(ofTheReload, rows, 0), "the reload's background is answered");
            assertSame(ofTheReload, explainers.of("note", 1, reloaded));
            assertNotSame(ofTheReload, explainers.of("note", 2, reloaded), "another version, another explainer");
            explainers.forget("note", 1);
            assertEquals(1, explainers.size());
            Explainer afterForget = explainers.of("note", 1, reloaded);
            assertNotSame(ofTheReload, afterForget);
            assertEquals(100 + 1401, counted(afterForget, rows, 0), "forgotten: the background is answered again");
        }
    }

    @Test
    void atMostMaxVersionsAreKeptTheLeastRecentlyUsedGoingFirst() {
        try (Model model = OnnxModelLoader.load(bankNotes)) {
            ModelExplainers explainers = new ModelExplainers(true);
            Explainer first = explainers.of("note", 0, model);
            Explainer second = explainers.of("note", 1, model);
            for (long version = 2; version < ModelExplainers.MAX_VERSIONS; version++) {
                explainers.of("note", version, model);
            }
            assertSame(first, explainers.of("note", 0, model)); // used again: now the most recent
            explainers.of("note", ModelExplainers.MAX_VERSIONS, model);
            assertEquals(ModelExplainers.MAX_VERSIONS, explainers.size());
            assertSame(first, explainers.of("note", 0, model));
            assertNotSame(second, explainers.of("note", 1, model), "the least recently used went");
        }
    }

    @Test
    void requestsAtOnceShareOneExplainerAndTheBackgroundIsAnsweredOnce() throws Exception {
        try (Model model = OnnxModelLoader.load(bankNotes)) {
            ModelExplainers explainers = new ModelExplainers(true);
            Batch rows = Batch.of(model.signature(), model.card().background().cells());
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<Long>> counts = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int row = t;
                    counts.add(threads.submit(() -> counted(explainers.of("note", 1, model), rows, row)));
                }
                long total = 0;
                for (Future<Long> count : counts) {
                    total += count.get();
                }
                assertEquals(100 + 8 * 1401L, total);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** The model rows explaining row {@code row} evaluated. */
    private static long counted(Explainer explainer, Batch rows, int row) {
        long[] counted = new long[1];
        explainer.explain(rows, row, n -> {
            synchronized (counted) {
                counted[0] += n;
            }
        });
        return counted[0];
    }
}
