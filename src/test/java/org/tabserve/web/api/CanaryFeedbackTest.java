package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * Labels that land (issue 51, item 5): under a canary, a label posted to {@code /models/{name}/api/feedback} joins
 * whichever version answered its request (the canary's or the primary's), counted by version in
 * {@code joined_by_version}; a label may be the class's name on the card ({@code forged} for {@code 1}); and each
 * label not joined is said why in {@code not_joined}. Before, 200 labels of a 10 % canary joined 21 and counted 179
 * "unknown" without a word.
 */
class CanaryFeedbackTest {

    private static final String TOKEN = "canary-feedback-token-0123456789abcdef";
    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", DIR.root().toString(), "--poll-seconds", "1");

    private static ModelDirectory directory() {
        try {
            return ModelDirectory.withFourModels(); // banknote 1 and 2: the bundled model twice
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Posts labels with the admin token, which labels take as they take the feedback token. */
    private static Http.Response label(String path, String json) {
        return http.post(
                path,
                "application/json",
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + TOKEN);
    }

    @Test
    void underACanaryEveryLabelJoinsTheVersionThatAnsweredIt() throws Exception {
        ModelDirectory.awaitReady(http, 4);
        Http.Response set = http.send(
                "PUT",
                "/admin/models/banknote/rollout",
                java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 30}}"),
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + TOKEN);
        assertEquals(200, set.status(), set::text);
        List<BankNotes.Note> notes = BankNotes.mixed(200);
        StringJoiner labels = new StringJoiner(",", "[", "]");
        long[] answeredBy = new long[3];
        for (BankNotes.Note note : notes) {
            Http.Response answer =
                    http.postJson("/models/banknote/api/predict", note.json().toString());
            assertEquals(200, answer.status(), answer::text);
            answeredBy[Integer.parseInt(answer.header("X-Model-Version").orElseThrow())]++;
            labels.add("{\"request_id\":\"" + answer.header("X-Request-Id").orElseThrow() + "\",\"label\":\""
                    + BankNotes.DISPLAY_NAMES.get(note.label()) + "\"}");
        }
        assertTrue(
                answeredBy[1] > 0 && answeredBy[2] > 0,
                "both versions answered: " + answeredBy[1] + "/" + answeredBy[2]);
        labels.add("{\"request_id\":\"never-answered\",\"label\":\"forged\"}");
        Http.Response fed = label("/models/banknote/api/feedback", labels.toString());
        assertEquals(200, fed.status(), fed::text);
        JsonNode answer = fed.json();
        assertEquals(200, answer.path("joined").asLong(), answer::toString);
        assertEquals(answeredBy[1], answer.path("joined_by_version").path("1").asLong(), answer::toString);
        assertEquals(answeredBy[2], answer.path("joined_by_version").path("2").asLong(), answer::toString);
        assertEquals(1, answer.path("unknown").asLong(), answer::toString);
        JsonNode not = answer.path("not_joined").get(0);
        assertEquals("never-answered", not.path("request_id").asText(), answer::toString);
        assertEquals("unknown", not.path("outcome").asText(), answer::toString);
        assertTrue(not.path("reason").asText().contains("another replica"), answer::toString);

        JsonNode index = http.get("/api/models").json();
        for (String version : List.of("1", "2")) {
            JsonNode entry = ModelDirectory.entry(ModelDirectory.index(http), "banknote", version);
            assertEquals(
                    answeredBy[Integer.parseInt(version)],
                    entry.path("labelled").asLong(),
                    index::toString);
            assertEquals("replica", entry.path("live_figures").asText(), entry::toString);
        }
    }

    @Test
    void aLabelMayBeTheClasssNameOnTheCardAndAnotherWordIsRefusedNamingThem() {
        Http.Response answer = http.postJson(
                "/models/banknote/versions/1/api/predict",
                BankNotes.forged().json().toString());
        String id = answer.header("X-Request-Id").orElseThrow();
        JsonNode fed = label(
                        "/models/banknote/versions/1/api/feedback",
                        "{\"request_id\":\"" + id + "\",\"label\":\"forged\"}")
                .json();
        assertEquals(1, fed.path("joined").asLong(), fed::toString);
        assertEquals(1.0, fed.path("live_accuracy").asDouble(), fed::toString);
        Http.Response refused = label(
                "/models/banknote/versions/1/api/feedback",
                "{\"request_id\":\"" + id + "\",\"label\":\"counterfeit\"}");
        assertEquals(List.of("label"), refused.errorFields(400));
        assertTrue(refused.text().contains("genuine") && refused.text().contains("forged"), refused.text());
    }
}
