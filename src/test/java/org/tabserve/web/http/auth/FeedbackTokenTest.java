package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.testing.Http;
import org.tabserve.web.http.WebConfig;

/**
 * Labels need a token by default (issue 61, finding 6): a server started with no feedback token and no admin token
 * refuses every label (403, saying how to set a token or open labels) rather than taking anyone's, so that no one can
 * flood or forge the live accuracy; {@code --open-feedback} opens them by name, and is refused beside a token.
 */
class FeedbackTokenTest {

    @RegisterExtension
    static final Http http = Http.startingTheApp();

    private static Http.Response label(String... headers) {
        String id = http.postJson(
                        "/api/predict",
                        "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8," + " \"entropy\": -0.44}")
                .header("X-Request-Id")
                .orElseThrow();
        return http.post(
                "/api/feedback",
                "application/json",
                ("{\"request_id\": \"" + id + "\", \"label\": \"1\"}").getBytes(StandardCharsets.UTF_8),
                headers);
    }

    @Test
    void withNoTokenSetLabelsAreRefusedSayingHowToTakeThem() {
        for (String[] headers : new String[][] {{}, {"Authorization", "Bearer guessed-0123456789abcdef"}}) {
            JsonNode problem = label(headers).problem(403);
            String detail = problem.path("detail").asText();
            // Each way a server is started: a servlet container has neither flags nor a command line.
            for (String way : List.of(
                    "init-parameter tabserve.feedback-token",
                    "TABSERVE_FEEDBACK_TOKEN",
                    "--feedback-token",
                    "tabserve.open-feedback=true",
                    "TABSERVE_OPEN_FEEDBACK=true",
                    "--open-feedback")) {
                assertTrue(detail.contains(way), way + ": " + detail);
            }
        }
        java.util.regex.Matcher joined = java.util.regex.Pattern.compile(
                        "tabserve_feedback_labels_total\\{[^}]*outcome=\"joined\"[^}]*\\} ([0-9.eE+]+)")
                .matcher(http.get("/metrics").text());
        assertTrue(joined.find(), "the series is there");
        assertEquals(0, Double.parseDouble(joined.group(1)), "no label was joined to the live figures");
    }

    @Test
    void openLabelsAreAskedForByNameAndNeverBesideAToken() {
        AdminToken admin = new AdminToken(
                WebConfig.resolve(Map.<String, String>of()::get, Map.<String, String>of()::get, Map.of()),
                new TabserveMetrics());
        assertTrue(FeedbackToken.resolve(key -> Optional.empty(), admin).required(), "closed by default");
        assertEquals(
                false,
                FeedbackToken.resolve(
                                key -> key.equals(FeedbackToken.OPEN_FEEDBACK) ? Optional.of("TRUE") : Optional.empty(),
                                admin)
                        .required());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> FeedbackToken.resolve(
                                key -> key.equals(FeedbackToken.OPEN_FEEDBACK) ? Optional.of("yes") : Optional.empty(),
                                admin))
                .getMessage()
                .contains("true or false"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> FeedbackToken.resolve(
                                key -> Optional.of(
                                        key.equals(FeedbackToken.OPEN_FEEDBACK) ? "true" : "labels-0123456789abcdef"),
                                admin))
                .getMessage()
                .contains("both"));
    }
}
