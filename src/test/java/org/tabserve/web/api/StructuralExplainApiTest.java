package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.web.api.ExplainApiTest.assertAddsUpTo;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.cli.FixtureCards;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * With the default settings, {@code POST /api/predict} explains a tree regressor from its trees (method "tree", the
 * value explained), a linear classifier from its weights (method "linear", the predicted class's margin explained, so
 * the output is that raw score, not the probability), and the bundled SVM by coalitions (method "exact", the
 * probability explained): each answer says which quantity it explains in {@code "explained"}, and base value plus
 * contributions is that quantity.
 */
class StructuralExplainApiTest {

    @TempDir
    static Path dir;

    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path cards = Files.createDirectories(dir.resolve("cards"));
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.copy(FixtureCards.banknote(cards), models.resolve("banknote.onnx"));
        Files.copy(FixtureCards.card(cards, "species-zipmap", "species"), models.resolve("species.onnx"));
        Files.copy(FixtureCards.card(cards, "body-mass-regressor", "body_mass_g"), models.resolve("mass.onnx"));
        server = TabserveServer.startReady(Map.of(), "--models", models.toString(), "--default-model", "banknote");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 3);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTreeRegressorsValueIsExplainedFromItsTrees() {
        JsonNode answer = http.postJson("/models/mass/api/predict?explain=true", ModelDirectory.SPECIES_OF_MASS)
                .json();
        JsonNode explanation = answer.path("explanation");
        assertEquals("tree", explanation.path("method").asText(), explanation::toString);
        assertEquals("value", explanation.path("explained").asText());
        assertFalse(explanation.has("class"));
        assertAddsUpTo(answer.path("value").asDouble(), explanation);
    }

    @Test
    void aLinearClassifiersMarginIsExplainedFromItsWeights() {
        JsonNode answer = http.postJson("/models/species/api/predict?explain=true", ModelDirectory.PENGUIN)
                .json();
        JsonNode explanation = answer.path("explanation");
        assertEquals("linear", explanation.path("method").asText(), explanation::toString);
        assertEquals("margin", explanation.path("explained").asText());
        assertEquals(answer.path("label").asText(), explanation.path("class").asText());
        double output = explanation.path("output").asDouble();
        assertTrue(output > 1, "a confident class's raw score, not its probability: " + explanation);
        assertAddsUpTo(output, explanation);
    }

    @Test
    void theBundledSvmsProbabilityIsExplainedByCoalitions() {
        JsonNode answer =
                http.postJson("/api/predict?explain=true", ModelDirectory.NOTE).json();
        JsonNode explanation = answer.path("explanation");
        assertEquals("exact", explanation.path("method").asText(), explanation::toString);
        assertEquals("probability", explanation.path("explained").asText());
        assertAddsUpTo(
                answer.path("probabilities")
                        .path(explanation.path("class").asText())
                        .asDouble(),
                explanation);
    }
}
