package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.onnx.graph.MetadataWriter;
import org.tabserve.serving.monitor.ModelActivity;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * The site's navigation: the home page ({@code /}) is the models index of a server of a model directory and the form
 * of a server of one model; the card is {@code /card}, {@code /model} redirects there (also under a model's own
 * routes); every page links to the models index; two models of the same graph name are told apart by their served
 * names; and the index says, for each model, what a user checks first (the JSON keys, the figures of the last
 * minutes, a failed model's reason in words).
 */
class SiteNavigationTest {

    private static final String HTML = "text/html";
    private static final Path SPECIES = ModelDirectory.PENGUINS.resolve("species-nozipmap.onnx");

    /** The bundled model alone. */
    @RegisterExtension
    static final Http one = Http.sharingTheApp();

    private static ModelDirectory dir;
    private static TabserveServer server;
    private static Http many;

    @BeforeAll
    static void startADirectoryServer() throws Exception {
        dir = ModelDirectory.withFourModels();
        // Two files of the same graph, which names them alike: only their served names tell them apart.
        dir.copy(BankNotes.MODEL, "first.onnx");
        dir.copy(BankNotes.MODEL, "second.onnx");
        // The regressor again, under a name that only the test of the figures sends requests to.
        dir.copy(ModelDirectory.PENGUINS.resolve("body-mass-regressor.onnx"), "counted.onnx");
        // A model that cannot be served for its outputs, whose reason ONNX Runtime would describe in Java's words.
        try (OutputStream out = Files.newOutputStream(dir.resolve("outputs.onnx"))) {
            MetadataWriter.write(
                    ByteBuffer.wrap(Files.readAllBytes(SPECIES)), Map.of(CardKeys.TASK, "regression"), out);
        }
        byte[] whole = Files.readAllBytes(SPECIES);
        Files.write(dir.resolve("truncated.onnx"), java.util.Arrays.copyOf(whole, whole.length / 2));
        server = TabserveServer.startReady("--models", dir.root().toString(), "--default-model", "species");
        many = new Http(server);
        ModelDirectory.awaitIndex(
                many,
                index -> index.size() == 9
                        && index.stream()
                                .noneMatch(m -> m.path("state").asText().equals("LOADING")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theHomeOfADirectoryServerIsTheIndexOfItsModelsAndAModelsFormStaysOnItsOwnRoute() {
        Document home = page(many, "/");
        assertNotNull(home.getElementById("models"), "the models table");
        assertEquals(null, home.getElementById("predict"), "no one model's form");
        assertEquals(9, home.select("#models tbody[data-model]").size());
        Document species = page(many, "/models/species/");
        assertNotNull(species.getElementById("predict"), "a model's own form");
        assertEquals(
                "Adelie",
                many.postJson("/api/predict", ModelDirectory.PENGUIN)
                        .json()
                        .path("label")
                        .asText(),
                "the root's API routes still answer with the default model");
    }

    @Test
    void theHomeOfAOneModelServerIsItsForm() {
        Document home = page(one, "/");
        assertNotNull(home.getElementById("predict"));
        assertEquals(null, home.getElementById("models"));
    }

    @Test
    void theCardIsAtCardAndModelRedirectsThereKeepingTheQuery() {
        Http.Response card = one.get("/card", "Accept", HTML);
        assertEquals(200, card.status());
        assertTrue(card.text().contains("id=\"what\""), "the card page");
        Http.Response moved = one.get("/model?x=1", "Accept", HTML);
        assertEquals(308, moved.status());
        assertEquals("/card?x=1", moved.header("Location").orElseThrow());
        Http.Response movedInModel = many.get("/models/mass/model", "Accept", HTML);
        assertEquals(308, movedInModel.status());
        assertEquals("/models/mass/card", movedInModel.header("Location").orElseThrow());
        assertEquals(200, many.get("/models/mass/card", "Accept", HTML).status());
        assertEquals(404, many.get("/models/nothing/model", "Accept", HTML).status(), "a model that is not served");
        Document form = page(one, "/");
        assertEquals("/card", form.getElementById("nav-card").attr("href"), "the pages link to /card");
    }

    @Test
    void everyPageLinksToTheModelsIndex() {
        for (String path : List.of("/", "/card", "/models", "/apidocs", "/nothing-here")) {
            Http.Response response = one.get(path, "Accept", HTML);
            Document page = Jsoup.parse(response.text());
            assertNotNull(page.getElementById("nav-models"), path + " has the nav bar");
            assertEquals("/models", page.getElementById("nav-models").attr("href"), path);
        }
        for (String path : List.of("/", "/models/species/", "/models/mass/card")) {
            assertEquals(
                    "/models", page(many, path).getElementById("nav-models").attr("href"), path);
        }
    }

    @Test
    void twoModelsOfOneGraphNameAreToldApartByTheirServedNamesFirst() {
        Document first = page(many, "/models/first/");
        Document second = page(many, "/models/second/");
        String graph = many.get("/models/first/api/model").json().path("name").asText();
        assertTrue(first.title().startsWith("first · "), first.title());
        assertTrue(second.title().startsWith("second · "), second.title());
        assertEquals("first", first.selectFirst("h1 .served-name").text());
        assertEquals("(" + graph + ")", first.selectFirst("h1 .graph-name").text(), "the graph's name second");
        assertTrue(page(many, "/models/second/card").title().contains("second"));
        List<JsonNode> index = ModelDirectory.index(many);
        assertEquals(
                graph, ModelDirectory.entry(index, "first", "1").path("title").asText());
        assertEquals(
                graph, ModelDirectory.entry(index, "second", "1").path("title").asText());
        Document models = page(many, "/models");
        assertEquals(
                graph, models.selectFirst("tbody[data-model=first] .graph-name").text());
    }

    @Test
    void theIndexGivesEachModelsStateLoadAndRequestsOfTheLastMinutes() {
        // Past the warm-up, whose requests are counted and not timed (issue 66): four timed ones, then the 400.
        for (int i = 0; i < ModelActivity.WARM_UP_REQUESTS + 4; i++) {
            many.postJson("/models/counted/api/predict", ModelDirectory.SPECIES_OF_MASS)
                    .json();
        }
        assertEquals(
                400,
                many.postJson("/models/counted/api/predict", "{\"species\": 3}").status());
        JsonNode counted = ModelDirectory.entry(ModelDirectory.index(many), "counted", "1");
        for (String key : List.of(
                "name",
                "title",
                "version",
                "state",
                "reason",
                "task",
                "inputs",
                "form",
                "card",
                "loaded_at",
                "load_seconds",
                "recent")) {
            assertTrue(counted.has(key), key + " in " + counted);
        }
        assertEquals("/models/counted/versions/1/card", counted.path("card").asText());
        assertTrue(java.time.Instant.parse(counted.path("loaded_at").asText()).isBefore(java.time.Instant.now()));
        assertTrue(counted.path("load_seconds").asDouble() > 0);
        JsonNode recent = counted.path("recent");
        assertEquals(300, recent.path("window_seconds").asInt());
        assertEquals(ModelActivity.WARM_UP_REQUESTS + 5, recent.path("requests").asLong(), recent::toString);
        assertEquals(1, recent.path("errors").asLong(), "the 400");
        assertEquals(5, recent.path("timed").asLong(), recent::toString);
        assertTrue(
                recent.path("p50_ms").asDouble() > 0
                        && recent.path("p99_ms").asDouble()
                                >= recent.path("p50_ms").asDouble(),
                recent::toString);
        JsonNode idle = ModelDirectory.entry(ModelDirectory.index(many), "banknote", "1")
                .path("recent");
        assertEquals(0, idle.path("requests").asLong());
        assertTrue(idle.path("p50_ms").isNull(), "no latency without requests");

        Document models = page(many, "/models");
        var row = models.selectFirst("tbody[data-model=counted]");
        assertEquals("loaded", row.selectFirst(".state").text());
        assertEquals(
                String.valueOf(ModelActivity.WARM_UP_REQUESTS + 5),
                row.selectFirst(".count-requests").text());
        assertEquals("1", row.selectFirst(".count-errors").text());
        assertTrue(row.selectFirst(".loaded time")
                .attr("datetime")
                .equals(counted.path("loaded_at").asText()));
        assertEquals("6 inputs", row.selectFirst("details summary").text(), "more than four inputs are folded");
        assertEquals(6, row.select("details li").size());
        assertEquals(null, models.selectFirst("tbody[data-model=banknote] details"), "four inputs are listed");
        assertEquals(4, models.select("tbody[data-model=banknote] .inputs li").size() / 2, "in each of its 2 versions");
    }

    @Test
    void aFailedModelsReasonSaysWhatIsWrongInWordsWithoutPathsOrJavaNames() {
        List<JsonNode> index = ModelDirectory.index(many);
        String outputs =
                ModelDirectory.entry(index, "outputs", "1").path("reason").asText();
        assertTrue(outputs.contains("'probabilities', a float tensor [N, 3]"), outputs);
        String truncated =
                ModelDirectory.entry(index, "truncated", "1").path("reason").asText();
        assertTrue(truncated.contains("(truncated.onnx)") && truncated.contains("may be cut short"), truncated);
        for (String reason : List.of(outputs, truncated)) {
            for (String leak : List.of(
                    dir.root().toString(), "TensorInfo", "javaType", "NodeInfo", "Exception", "java.", "/tmp")) {
                assertFalse(reason.contains(leak), leak + " in " + reason);
            }
        }
        Document models = page(many, "/models");
        var row = models.selectFirst("tbody[data-model=truncated]");
        assertEquals("failed", row.selectFirst(".state").text());
        assertEquals(truncated, row.selectFirst("tr.reason .reason-text").text());
        assertEquals(null, row.selectFirst("a.form"), "no form of a model that is not served");
    }

    private static Document page(Http http, String path) {
        Http.Response response = http.get(path, "Accept", HTML);
        assertEquals(200, response.status(), () -> path + ": " + response.text());
        return Jsoup.parse(response.text());
    }
}
