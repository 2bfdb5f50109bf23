package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;

/** {@code GET /health/live} and {@code GET /health/ready}, over real HTTP. */
class HealthTest {

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    @Test
    void liveAnswers200JsonStatusLive() {
        Http.Response response = http.get("/health/live");
        assertEquals("live", response.json().path("status").asText());
        assertEquals("no-store", response.header("Cache-Control").orElse(""));
    }

    @Test
    void readyAnswers200NamingTheModelAndTheSha256OfModelOnnx() {
        Http.Response response = http.get("/health/ready");
        JsonNode ready = response.json();
        assertEquals("ready", ready.path("status").asText());
        assertEquals("banknote-authenticator", ready.path("model").asText());
        assertEquals(BankNotes.sha256(BankNotes.MODEL), ready.path("sha256").asText());
        assertEquals("no-store", response.header("Cache-Control").orElse(""));
    }

    @Test
    void readySaysWhichModelVersionsLoadedAndWhichFailed() {
        JsonNode ready = http.get("/health/ready").json();
        assertEquals("[\"banknote-authenticator/1\"]", ready.path("loaded").toString());
        assertEquals("[]", ready.path("failed").toString());
    }

    @Test
    void readySha256PrefixIsTheOneOnTheReadyLine() {
        String sha = http.get("/health/ready").json().path("sha256").asText();
        assertEquals(
                "banknote-authenticator (sha256 " + sha.substring(0, 12) + ") from the WAR",
                http.server().model());
    }

    @Test
    void anyOtherHealthPathIs404Problem() {
        // (GET /health itself is MLflow's alias of /ping: MlflowInvocationsTest)
        for (String path : List.of("/health/", "/health/started", "/health/live/x")) {
            assertEquals(path, http.get(path).problem(404).path("instance").asText());
        }
    }

    @Test
    void postIs405() {
        Http.Response response = http.postJson("/health/ready", "{}");
        response.problem(405);
        assertEquals("GET, HEAD, OPTIONS", response.header("Allow").orElse(""));
    }
}
