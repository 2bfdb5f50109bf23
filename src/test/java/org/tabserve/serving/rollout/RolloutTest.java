package org.tabserve.serving.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.serving.budget.ServingException;

/**
 * A rollout's JSON, read strictly (every bad field named, nothing silently ignored) and written back the same, and
 * the canary's per-request decision: its share over 10,000 request ids within 3 points of the percent, the same
 * version for a retried id, and a random draw of the same share for requests without one.
 */
class RolloutTest {

    private static Rollout parse(String json) {
        return Rollout.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> refusedFields(String json) {
        ServingException e = assertThrows(ServingException.class, () -> parse(json));
        assertEquals(ServingException.Kind.INVALID_FIELDS, e.kind(), e.getMessage());
        return e.errors().stream().map(p -> p.field()).sorted().toList();
    }

    @Test
    void theIssuesExamplesAndASampledShadowAreRead() {
        assertEquals(
                new Rollout(OptionalLong.empty(), Optional.of(new Rollout.Shadow(2, 1)), Optional.empty()),
                parse("{\"shadow\": {\"version\": 2}}"));
        assertEquals(
                new Rollout(OptionalLong.empty(), Optional.empty(), Optional.of(new Rollout.Canary(2, 10, 1))),
                parse("{\"canary\": {\"version\": 2, \"percent\": 10}}"));
        assertEquals(
                new Rollout(OptionalLong.of(1), Optional.of(new Rollout.Shadow(3, 0.25)), Optional.empty()),
                parse("{\"serving\": 1, \"shadow\": {\"version\": 3, \"sample\": 0.25}}"));
        assertTrue(parse("{}").none());
    }

    @Test
    void aPromotesReplacedVersionIsReadWrittenBackAndNeedsAnotherServingVersion() {
        Rollout promoted = parse("{\"serving\": 2, \"promoted_from\": 1}");
        assertEquals(Rollout.promoted(2, OptionalLong.of(1)), promoted);
        assertEquals(promoted, parse(promoted.text()));
        assertEquals(List.of(2L), promoted.named(), "the replaced version need not stay ready");
        assertEquals(List.of("promoted_from"), refusedFields("{\"promoted_from\": 1}"));
        assertEquals(List.of("promoted_from"), refusedFields("{\"serving\": 1, \"promoted_from\": 1}"));
    }

    @Test
    void aVersionWrittenAsAStringIsRefusedNamingItsField() {
        // Issue 47, item 14: "serving": "1" was taken as version 1.
        Map<String, String> bodies = Map.of(
                "serving",
                "{\"serving\": \"1\"}",
                "shadow.version",
                "{\"shadow\": {\"version\": \"2\"}}",
                "canary.version",
                "{\"canary\": {\"version\": \"2\", \"percent\": 10}}");
        bodies.forEach((field, body) -> {
            ServingException e = assertThrows(ServingException.class, () -> parse(body));
            assertEquals(List.of(field), e.errors().stream().map(p -> p.field()).toList(), body);
            assertTrue(
                    e.errors().get(0).message().startsWith("must be a number, got a string"),
                    e.errors().get(0).message());
        });
    }

    @Test
    void whatItWritesItReadsBackTheSame() {
        for (String json : List.of(
                "{\"serving\": 4}",
                "{\"shadow\": {\"version\": 2, \"sample\": 0.5}}",
                "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 12.5, \"sample\": 0.1}}",
                "{}")) {
            Rollout rollout = parse(json);
            assertEquals(rollout, parse(rollout.text()), rollout.text());
        }
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        assertEquals(
                List.of("canary.percent", "mirror", "shadow.version"),
                refusedFields("{\"shadow\": {\"version\": 0}, \"canary\": {\"version\": 2, \"percent\": 101},"
                        + " \"mirror\": {}}"));
        assertEquals(List.of("canary.percent"), refusedFields("{\"canary\": {\"version\": 2}}"));
        assertEquals(List.of("shadow.percent"), refusedFields("{\"shadow\": {\"version\": 2, \"percent\": 5}}"));
        assertEquals(List.of("shadow.sample"), refusedFields("{\"shadow\": {\"version\": 2, \"sample\": 0}}"));
        assertEquals(
                List.of("canary.version"),
                refusedFields("{\"shadow\": {\"version\": 2}, \"canary\":" + " {\"version\": 2, \"percent\": 5}}"));
        assertEquals(List.of("shadow.version"), refusedFields("{\"serving\": 2, \"shadow\": {\"version\": 2}}"));
        assertEquals(List.of("serving"), refusedFields("{\"serving\": \"01\"}"));
        assertEquals(List.of("rollout"), refusedFields("[1, 2]"));
        assertEquals(List.of("rollout"), refusedFields("{\"serving\": 1"));
        assertEquals(List.of("rollout"), refusedFields("{\"serving\": 1} {}"));
        assertEquals(List.of("rollout"), refusedFields("{\"serving\": 1, \"serving\": 2}"));
        String longKey = "k".repeat(1000);
        String shown = assertThrows(ServingException.class, () -> parse("{\"" + longKey + "\": 1}"))
                .errors()
                .get(0)
                .field();
        assertTrue(shown.length() < 100, "a huge key is cut in the answer: " + shown.length());
    }

    @Test
    void aRolloutPastItsBoundIsTooLargeUnread() {
        ServingException e =
                assertThrows(ServingException.class, () -> parse("{\"serving\": 1" + " ".repeat(5000) + "}"));
        assertEquals(ServingException.Kind.TOO_LARGE, e.kind());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 1, 10, 33.3, 50, 90, 100})
    void aCanaryAnswersItsPercentOfTenThousandRequestIdsWithinThreePoints(double percent) {
        Rollout.Canary canary = new Rollout.Canary(2, percent, 1);
        int byId = 0;
        int drawn = 0;
        for (int i = 0; i < 10_000; i++) {
            String id = UUID.nameUUIDFromBytes(("request " + i).getBytes(StandardCharsets.UTF_8))
                    .toString();
            boolean answers = canary.answers(id);
            assertEquals(answers, canary.answers(id), "a retried id lands on the same version");
            byId += answers ? 1 : 0;
            drawn += canary.answers(null) ? 1 : 0;
        }
        assertEquals(percent, byId / 100.0, 3, "share of 10,000 ids at " + percent + " %");
        assertEquals(percent, drawn / 100.0, 3, "share of 10,000 requests without an id at " + percent + " %");
        if (percent == 0 || percent == 100) {
            assertEquals(percent * 100, byId, "none, or all");
        }
    }

    @Test
    void sequentialIdsSpreadAsRandomOnesDo() {
        Rollout.Canary canary = new Rollout.Canary(2, 10, 1);
        int answered = 0;
        for (int i = 0; i < 10_000; i++) {
            answered += canary.answers("req-" + i) ? 1 : 0;
        }
        assertEquals(10, answered / 100.0, 3, "ids differing in their last digits");
    }
}
