package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * {@code POST /admin/models/{name}/reload} on a local model directory: admin only; it loads every version of the model
 * again although its files did not change (its {@code loaded_at} in the index moves on), the versions serving
 * throughout; a model the directory does not hold is a 404 saying where it looked.
 */
class ReloadRouteTest {

    private static final String TOKEN = "reload-admin-token-0123456789abcdef";

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            Map.of("TABSERVE_ADMIN_TOKEN", TOKEN),
            "--models",
            directory().root().toString());

    private static ModelDirectory directory() {
        try {
            ModelDirectory dir = ModelDirectory.withFourModels();
            dir.remove("mass");
            dir.remove("species.onnx");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aReloadLoadsEveryVersionAgainThoughNothingChanged() throws Exception {
        ModelDirectory.awaitReady(http, 2);
        assertEquals(401, reload("banknote", null).status(), "admin only");
        java.time.Instant before = loadedAt();
        while (!java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .isAfter(before)) {
            Thread.sleep(100); // the index gives the load's time to the second: a reload must fall in a later one
        }
        Http.Response reloaded = reload("banknote", "Bearer " + TOKEN);
        assertEquals(200, reloaded.status(), reloaded.text());
        JsonNode answer = reloaded.json();
        assertEquals("reloaded", answer.path("status").asText());
        assertEquals(2, answer.path("versions").size(), answer.toString());
        answer.path("versions")
                .forEach(v -> assertEquals("READY", v.path("state").asText(), answer.toString()));
        assertTrue(loadedAt().isAfter(before), "loaded again: " + before + " then " + loadedAt());
        Http.Response unknown = reload("nosuch", "Bearer " + TOKEN);
        assertEquals(404, unknown.status(), unknown.text());
        assertTrue(unknown.text().contains("no model 'nosuch'"), unknown.text());
    }

    private static Http.Response reload(String name, String authorization) {
        return authorization == null
                ? http.send("POST", "/admin/models/" + name + "/reload", HttpRequest.BodyPublishers.noBody())
                : http.send(
                        "POST",
                        "/admin/models/" + name + "/reload",
                        HttpRequest.BodyPublishers.noBody(),
                        "Authorization",
                        authorization);
    }

    /** When banknote's serving version was loaded, as the index says. */
    private static java.time.Instant loadedAt() {
        return java.time.Instant.parse(ModelDirectory.entry(ModelDirectory.index(http), "banknote", "2")
                .path("loaded_at")
                .asText());
    }
}
