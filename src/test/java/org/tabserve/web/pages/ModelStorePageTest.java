package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 64: {@code /models} of a server whose models come from an object store says where they come from and whether
 * the store answers, with the same detail as {@code /api/models}' {@code store} block. The store here is an endpoint
 * nothing listens on (port 1), so it never answers and the cache, empty, serves nothing; a local directory's page shows
 * no store at all.
 */
class ModelStorePageTest {

    private static Path cache;
    private static TabserveServer server;
    private static Http http;

    @BeforeAll
    static void startOnAStoreThatDoesNotAnswer() throws Exception {
        cache = Files.createTempDirectory("tabserve-store-page").resolve("cache");
        server = TabserveServer.startReady(
                "--models",
                "s3://nowhere/models",
                "--s3-endpoint",
                "http://127.0.0.1:1",
                "--model-cache",
                cache.toString());
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void theModelsPageSaysTheStoreIsUnreachableAndWhyAsTheIndexDoes() {
        JsonNode store = http.get("/api/models").json().path("store");
        assertFalse(store.path("reachable").asBoolean(true), store.toString());
        String detail = store.path("detail").asText();
        assertTrue(detail.startsWith("store unreachable: "), store.toString());

        Document page = http.get("/models").html();
        Element shown = page.getElementById("store");
        assertNotNull(shown, page.select("main").text());
        assertEquals("false", shown.attr("data-reachable"));
        assertEquals("Models from s3://nowhere/models/, 0 model files in the cache: " + detail + ".", shown.text());
        assertNotNull(page.getElementById("empty"), "nothing is served from the empty cache");
    }

    @Test
    void aLocalDirectorysPageShowsNoStore() throws Exception {
        ModelDirectory dir = ModelDirectory.withFourModels();
        try (TabserveServer local =
                TabserveServer.startReady("--models", dir.root().toString())) {
            Http localHttp = new Http(local);
            ModelDirectory.awaitReady(localHttp, 4);
            assertNull(localHttp.get("/models").html().getElementById("store"));
        } finally {
            dir.remove("");
        }
    }
}
