package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 66, item 6: a model directory with loose {@code .onnx} files in a folder ({@code extra/}, two real tree
 * models), which serves none of them, says so where its user looks: {@code /models} names the folder, why, and the
 * fix in words, and {@code GET /api/models} lists it under {@code skipped} (beside the {@code models} it kept), in
 * paths relative to the directory. Before, a log line was all.
 */
class SkippedEntriesTest {

    /** The test JVM's one server of the bundled model alone, which this class only reads. */
    @RegisterExtension
    static final Http single = Http.sharingTheApp();

    private static final Path TREES = Path.of("src/test/resources/org/tabserve/fixtures/trees");

    private static ModelDirectory dir;
    private static TabserveServer server;
    private static Http http;

    @BeforeAll
    static void startOnADirectoryWithLooseFilesInAFolder() throws Exception {
        dir = ModelDirectory.withFourModels();
        dir.copy(TREES.resolve("xgb-sex.onnx"), "extra/xgb-sex.onnx");
        dir.copy(TREES.resolve("gb-sex.onnx"), "extra/gb-sex.onnx");
        dir.copy(BankNotes.MODEL, "banknote/old.onnx"); // beside its version directories
        server = TabserveServer.startReady("--models", dir.root().toString());
        http = new Http(server);
        ModelDirectory.awaitReady(http, 4);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        dir.remove("");
    }

    @Test
    void theModelsPageNamesTheFolderWhyAndTheFix() {
        Document page = http.get("/models").html();
        Element skipped = page.getElementById("skipped");
        assertNotNull(skipped, page.select("main").text());
        assertEquals(
                "2 entries of the model directory are not served",
                skipped.selectFirst("h2").text());
        Element extra = skipped.selectFirst("li[data-path=extra/]");
        assertNotNull(extra, skipped.text());
        assertEquals(
                "extra/: holds 2 .onnx files (gb-sex.onnx, xgb-sex.onnx) and no model.onnx, so none of them is"
                        + " served. Fix: loose .onnx files belong at the top of --models (each NAME.onnx is served"
                        + " as NAME), or in extra/<version>/model.onnx as versions of extra.",
                extra.text());
        assertNotNull(skipped.selectFirst("li[data-path=banknote/old.onnx]"), skipped.text());
        assertEquals(4, page.select("#models tbody[data-model]").size(), "the served versions are listed as before");
    }

    @Test
    void theIndexListsThemUnderSkippedBesideTheModelsInPathsRelativeToTheDirectory() {
        JsonNode index = http.get("/api/models").json();
        assertEquals(4, index.path("models").size(), index.toString());
        assertEquals(2, index.path("skipped_total").asInt(), index.toString());
        JsonNode extra = index.path("skipped").get(1);
        assertEquals("extra/", extra.path("path").asText(), index.toString());
        assertTrue(extra.path("reason").asText().startsWith("holds 2 .onnx files"), extra.toString());
        assertTrue(
                extra.path("fix").asText().startsWith("loose .onnx files belong at the top of --models"),
                extra.toString());
        assertEquals(
                "banknote/old.onnx", index.path("skipped").get(0).path("path").asText());
        assertFalse(index.toString().contains(dir.root().toString()), "no server path in the public index");
    }

    @Test
    void aServerOfOneModelSkipsNothing() {
        JsonNode index = single.get("/api/models").json();
        assertEquals(0, index.path("skipped").size(), index.toString());
        assertEquals(0, index.path("skipped_total").asInt(), index.toString());
        assertTrue(index.has("skipped"), index.toString());
        assertEquals(null, single.get("/models").html().getElementById("skipped"));
    }
}
