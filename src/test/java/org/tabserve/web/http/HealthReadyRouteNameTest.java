package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Issue 51, item 7 and issue 79, item 3: {@code /health/ready} over a model directory whose model's card calls it
 * something else than its routes do (the bundled bank-note model, carded {@code banknote-authenticator}, served as
 * {@code banknote}): the answer names the model by one name, its routes' name, under both keys tools read ({@code name}
 * and {@code model}); the card's name is the card's ({@code /api/model}).
 */
class HealthReadyRouteNameTest {

    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp("--models", DIR.root().toString());

    private static ModelDirectory directory() {
        try {
            ModelDirectory dir = ModelDirectory.withFourModels(); // banknote/1 and /2 are the bundled model
            dir.remove("banknote/1");
            dir.remove("species.onnx");
            dir.remove("mass");
            dir.copy(BankNotes.MODEL, "banknote/3/model.onnx");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readyNamesTheModelByItsRoutesNameAloneAndItsVersion() {
        JsonNode ready = http.get("/health/ready").json();
        // Before: only "model": "banknote-authenticator", a name no route of this server answers to.
        assertEquals("banknote", ready.path("name").asText(), ready.toString());
        assertEquals(3, ready.path("version").asLong(), ready.toString());
        // Before issue 79: "model" was the card's name, a second name for the same model beside "name".
        assertEquals("banknote", ready.path("model").asText(), "one name: " + ready);
        assertEquals("[\"banknote/2\",\"banknote/3\"]", ready.path("loaded").toString());
        assertEquals(
                200,
                http.get("/models/" + ready.path("name").asText() + "/api/model")
                        .status(),
                "the name is one a route answers to");
        assertEquals(
                "banknote-authenticator",
                http.get("/models/banknote/api/model").json().path("name").asText(),
                "the card keeps its own name");
    }
}
