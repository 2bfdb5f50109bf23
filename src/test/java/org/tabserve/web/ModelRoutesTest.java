package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.ModelDirectory.NOTE;
import static org.tabserve.testing.ModelDirectory.PENGUIN;
import static org.tabserve.testing.ModelDirectory.SPECIES_OF_MASS;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Many models in one server: the WAR runs with {@code --models DIR} over a directory in both layouts (versions, a
 * plain file, a broken file), and every model is served on its own routes ({@code /models/{name}/...},
 * {@code /v2/models/{name}/...}), listed on {@code /models} and {@code /api/models}, loaded and unloaded through the
 * Open Inference Protocol's repository extension (behind the admin token), installed by name, and picked up or
 * dropped by polling as files come and go; the root routes answer with {@code --default-model}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelRoutesTest {

    private static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static ModelDirectory dir;
    private static TabserveServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = ModelDirectory.withFourModels();
        Files.writeString(dir.resolve("broken.onnx"), "not a model");
        server = TabserveServer.startReady(
                Map.of("TABSERVE_ADMIN_TOKEN", TOKEN),
                "--models",
                dir.root().toString(),
                "--default-model",
                "species",
                "--poll-seconds",
                "1");
        http = new Http(server);
        ModelDirectory.awaitIndex(
                http,
                index -> index.size() == 5
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
    @Order(1)
    void theIndexListsEveryVersionWithItsStateTaskAndInputsAndWhyABrokenOneIsNotServed() {
        List<JsonNode> index = ModelDirectory.index(http);
        assertEquals(
                List.of("banknote 1", "banknote 2", "broken 1", "mass 1", "species 1"),
                index.stream()
                        .map(m -> m.path("name").asText() + " "
                                + m.path("version").asText())
                        .toList());
        assertEquals(
                "READY",
                ModelDirectory.entry(index, "banknote", "2").path("state").asText());
        assertEquals(
                "classification",
                ModelDirectory.entry(index, "species", "1").path("task").asText());
        assertEquals(
                "regression",
                ModelDirectory.entry(index, "mass", "1").path("task").asText());
        assertTrue(
                ModelDirectory.entry(index, "species", "1")
                        .path("inputs")
                        .toString()
                        .contains("island (string)"),
                index::toString);
        JsonNode broken = ModelDirectory.entry(index, "broken", "1");
        assertEquals("UNAVAILABLE", broken.path("state").asText());
        assertTrue(!broken.path("reason").asText().isBlank(), broken::toString);
        Http.Response page = http.get("/models");
        assertEquals(200, page.status());
        for (String name : List.of("banknote", "species", "mass", "broken")) {
            assertTrue(page.text().contains("data-model=\"" + name + "\""), name);
        }
        assertTrue(page.text().contains("/models/species/versions/1/card"), "a link to each card");
    }

    @Test
    @Order(2)
    void eachModelAnswersOnItsOwnRoutesAndTheRootRoutesOnTheDefaultModel() {
        assertEquals(
                "0",
                http.postJson("/models/banknote/api/predict", NOTE)
                        .json()
                        .path("label")
                        .asText());
        assertEquals(
                "0",
                http.postJson("/models/banknote/versions/1/predict", NOTE)
                        .json()
                        .path("label")
                        .asText());
        assertTrue(http.postJson("/models/mass/api/predict", SPECIES_OF_MASS)
                .json()
                .path("value")
                .isNumber());
        assertEquals(
                "Adelie",
                http.postJson("/models/species/invocations", "{\"dataframe_records\": [" + PENGUIN + "]}")
                        .json()
                        .path("predictions")
                        .get(0)
                        .asText());
        assertEquals(
                "Adelie",
                http.postJson("/api/predict", PENGUIN).json().path("label").asText(),
                "--default-model species answers the root routes");
        JsonNode model = http.get("/models/mass/api/model").json();
        assertEquals("regression", model.path("task").asText());
    }

    @Test
    @Order(3)
    void aModelOrVersionNotServedIsA404SayingWhatIsAndABrokenModelA503SayingWhy() {
        Http.Response version = http.postJson("/models/banknote/versions/3/api/predict", NOTE);
        assertEquals(404, version.status());
        assertTrue(version.text().contains("[1, 2]"), version.text());
        Http.Response unknown = http.postJson("/models/nope/api/predict", NOTE);
        assertEquals(404, unknown.status());
        assertTrue(unknown.text().contains("banknote") && unknown.text().contains("species"), unknown.text());
        Http.Response broken = http.postJson("/models/broken/api/predict", NOTE);
        assertEquals(503, broken.status());
        Http.Response route = http.get("/models/banknote/nothing-here");
        assertEquals(404, route.status());
        Http.Response slash = http.get("/models/banknote");
        assertEquals(308, slash.status());
        assertEquals("/models/banknote/", slash.header("Location").orElseThrow());
    }

    @Test
    @Order(4)
    void thePagesOfAModelLinkToThatModelsRoutes() {
        Http.Response form = http.get("/models/species/");
        assertEquals(200, form.status());
        assertTrue(form.text().contains("href=\"/models/species/card\""), "the form links to its own card");
        assertTrue(form.text().contains("action=\"/models/species/\""), "and predicts on its own route");
        Http.Response card = http.get("/models/mass/card");
        assertEquals(200, card.status());
        assertTrue(card.text().contains("href=\"/models/mass/\""), "the card links back to its own form");
        Http.Response predicted = http.postForm(
                "/models/species/",
                "island=Torgersen&bill_length_mm=39.1&"
                        + "bill_depth_mm=18.7&flipper_length_mm=181&body_mass_g=3750&sex=MALE");
        assertEquals(200, predicted.status(), predicted::text);
        assertTrue(predicted.text().contains("Adelie"), "the form predicts with its own model");
    }

    @Test
    @Order(5)
    void theOpenInferenceProtocolServesEveryModelAndItsRepositoryIndex() {
        JsonNode metadata = http.get("/v2/models/banknote").json();
        assertEquals("banknote", metadata.path("name").asText());
        assertEquals("[\"1\",\"2\"]", metadata.path("versions").toString());
        JsonNode answer = http.postJson(
                        "/v2/models/banknote/versions/1/infer",
                        "{\"inputs\": [{\"name\": \"input\","
                                + " \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [3.6216, 8.6661, -2.8073, -0.44699]}]}")
                .json();
        assertEquals("banknote", answer.path("model_name").asText());
        assertEquals("1", answer.path("model_version").asText());
        assertEquals(200, http.get("/v2/models/mass/ready").status());
        assertEquals(404, http.get("/v2/models/nope/ready").status());
        assertEquals(200, http.get("/v2/health/ready").status());
        assertEquals(200, http.get("/health/ready").status());
        JsonNode all = http.postJson("/v2/repository/index", "{}").json();
        assertEquals(5, all.size(), all::toString);
        JsonNode ready =
                http.postJson("/v2/repository/index", "{\"ready\": true}").json();
        assertEquals(4, ready.size(), ready::toString);
        assertTrue(all.toString().contains("\"state\":\"UNAVAILABLE\""), all::toString);
    }

    @Test
    @Order(5)
    void eachModelHasItsOwnOpenApiDocumentAndTheRootOneLeadsToThem() {
        JsonNode mass = http.get("/models/mass/openapi.json").json();
        assertTrue(mass.path("paths").has("/models/mass/api/predict"), "the model's routes under its base");
        assertTrue(mass.at("/components/schemas/Features/properties").has("species"), "with its own features");
        assertTrue(mass.at("/components/schemas/Prediction/properties").has("value"), "and its answer: a value");
        JsonNode root = http.get("/openapi.json").json();
        assertTrue(root.path("paths").has("/api/predict"), "the default model on the root routes");
        assertTrue(root.at("/components/schemas/Features/properties").has("island"), "--default-model species");
        for (String shared : List.of(
                "/api/models",
                "/models/{model_name}/openapi.json",
                "/v2/repository/index",
                "/v2/repository/models/{model_name}/load",
                "/admin/models/{model_name}")) {
            assertTrue(root.path("paths").has(shared) && mass.path("paths").has(shared), shared);
        }
    }

    @Test
    @Order(6)
    void loadAndUnloadNeedTheAdminTokenAndAnUnloadedModelsRoutesAndSeriesGo() {
        assertEquals(
                401,
                http.post("/v2/repository/models/mass/unload", "application/json", "{}".getBytes())
                        .status());
        assertEquals(
                200, http.postJson("/models/mass/api/predict", SPECIES_OF_MASS).status());
        assertTrue(http.get("/metrics").text().contains("model=\"mass\""), "the model's series exist");
        Http.Response unloaded = http.post(
                "/v2/repository/models/mass/unload",
                "application/json",
                "{}".getBytes(),
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, unloaded.status(), unloaded::text);
        assertEquals(
                404, http.postJson("/models/mass/api/predict", SPECIES_OF_MASS).status());
        assertTrue(!http.get("/metrics").text().contains("model=\"mass\""), "an unloaded model's series go away");
        Http.Response loaded = http.post(
                "/v2/repository/models/mass/load",
                "application/json",
                "{}".getBytes(),
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, loaded.status(), loaded::text);
        assertEquals(
                200, http.postJson("/models/mass/api/predict", SPECIES_OF_MASS).status());
    }

    @Test
    @Order(7)
    void aModelInstalledByNameIsWrittenIntoTheDirectoryAndServed() throws IOException {
        byte[] model = Files.readAllBytes(Path.of("model.onnx"));
        assertEquals(
                401,
                http.send(
                                "PUT",
                                "/admin/models/extra",
                                BodyPublishers.ofByteArray(model),
                                "Content-Type",
                                "application/octet-stream")
                        .status());
        Http.Response installed = http.send(
                "PUT",
                "/admin/models/extra",
                BodyPublishers.ofByteArray(model),
                "Content-Type",
                "application/octet-stream",
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, installed.status(), installed::text);
        assertEquals("READY", installed.json().path("state").asText());
        assertTrue(Files.exists(dir.resolve("extra.onnx")), "kept in the directory, so it survives a restart");
        assertEquals(
                "0",
                http.postJson("/models/extra/api/predict", NOTE)
                        .json()
                        .path("label")
                        .asText());
        Http.Response broken = http.send(
                "PUT",
                "/admin/models/junk",
                BodyPublishers.ofString("not a model"),
                "Content-Type",
                "application/octet-stream",
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(422, broken.status(), broken::text);
        assertTrue(!Files.exists(dir.resolve("junk.onnx")), "a refused upload leaves nothing in the directory");
    }

    @Test
    @Order(7)
    void whatAnonymousCallersReadOfABrokenModelNamesItAndSaysWhyWithoutTheServersPaths() throws IOException {
        List<String> paths = List.of(
                dir.root().toAbsolutePath().toString(), dir.root().toRealPath().toString());
        Map<String, String> listings = Map.of(
                "/models",
                http.get("/models").text(),
                "/api/models",
                http.get("/api/models").text(),
                "/v2/repository/index",
                http.postJson("/v2/repository/index", "{}").text(),
                "/models/broken/api/predict",
                http.postJson("/models/broken/api/predict", NOTE).text());
        listings.forEach((route, text) -> {
            assertTrue(text.contains("broken") && text.contains("ONNX"), route + ": " + text);
            paths.forEach(path -> assertTrue(!text.contains(path), route + " shows " + path + ": " + text));
        });
        Http.Response load = http.post(
                "/v2/repository/models/broken/load",
                "application/json",
                "{}".getBytes(),
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(422, load.status(), load::text);
        assertTrue(load.text().contains("broken.onnx") && paths.stream().noneMatch(load.text()::contains), load::text);
        Http.Response refused = http.send(
                "PUT",
                "/admin/models/junk",
                BodyPublishers.ofString("not a model"),
                "Content-Type",
                "application/octet-stream",
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(422, refused.status(), refused::text);
        assertTrue(
                refused.text().contains("junk")
                        && !refused.text().contains(".part")
                        && paths.stream().noneMatch(refused.text()::contains),
                refused::text);
    }

    @Test
    @Order(7)
    void anInstallOverATritonModelIsItsNextVersionWhereTheDirectoryServesItFrom() throws IOException {
        Http.Response installed = http.send(
                "PUT",
                "/admin/models/banknote",
                BodyPublishers.ofByteArray(Files.readAllBytes(Path.of("model.onnx"))),
                "Content-Type",
                "application/octet-stream",
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, installed.status(), installed::text);
        assertEquals("3", installed.json().path("version").asText(), installed::text);
        assertTrue(
                Files.exists(dir.resolve("banknote/3/model.onnx")) && !Files.exists(dir.resolve("banknote.onnx")),
                "where the directory serves banknote from, not beside it");
        assertEquals(
                "3",
                http.postJson(
                                "/v2/models/banknote/infer",
                                "{\"inputs\": [{\"name\": \"input\","
                                        + " \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [3.6216, 8.6661, -2.8073, -0.44699]}]}")
                        .json()
                        .path("model_version")
                        .asText());
    }

    @Test
    @Order(7)
    void aModelBehindALinkLeadingOutsideTheDirectoryIsServedButAnInstallNeverWritesThroughIt() throws IOException {
        Path outside = Files.createTempDirectory("tabserve-outside");
        Path elsewhere = Files.copy(Path.of("model.onnx"), outside.resolve("model.onnx"));
        Files.createSymbolicLink(dir.resolve("linked"), outside);
        Http.Response loaded = http.post(
                "/v2/repository/models/linked/load",
                "application/json",
                "{}".getBytes(),
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, loaded.status(), loaded::text);
        assertEquals(
                "0",
                http.postJson("/models/linked/api/predict", NOTE)
                        .json()
                        .path("label")
                        .asText());
        byte[] before = Files.readAllBytes(elsewhere);

        Http.Response refused = http.send(
                "PUT",
                "/admin/models/linked",
                BodyPublishers.ofByteArray(Files.readAllBytes(ModelDirectory.PENGUINS.resolve("species-zipmap.onnx"))),
                "Content-Type",
                "application/octet-stream",
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(409, refused.status(), refused::text);
        assertTrue(refused.text().contains("symbolic link") && refused.text().contains("outside"), refused::text);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(elsewhere)), "the file outside is untouched");
        assertEquals(200, http.postJson("/models/linked/api/predict", NOTE).status(), "and still serves");
    }

    @Test
    @Order(8)
    void pollingLoadsAFileCopiedThenRenamedInAndUnloadsOneRemoved() throws Exception {
        dir.install(ModelDirectory.PENGUINS.resolve("species-nozipmap.onnx"), "more.onnx");
        ModelDirectory.awaitIndex(
                http,
                index -> index.stream()
                        .anyMatch(m -> m.path("name").asText().equals("more")
                                && m.path("state").asText().equals("READY")));
        assertEquals(
                200,
                http.postJson("/models/more/api/predict", PENGUIN.replace(", \"sex\": \"MALE\"", ""))
                        .status());
        Files.delete(dir.resolve("broken.onnx"));
        ModelDirectory.awaitIndex(
                http,
                index -> index.stream().noneMatch(m -> m.path("name").asText().equals("broken")));
    }
}
