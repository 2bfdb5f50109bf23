package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.explanations.ExplanationLimits;

/** The one place the serving layer's refusals become HTTP answers (and, through them, gRPC statuses). */
class HttpProblemTest {

    @Test
    void eachKindOfServingRefusalHasItsStatusAndRetryAfter() {
        Map<ServingException.Kind, Integer> statuses = Map.of(
                ServingException.Kind.INVALID_FIELDS,
                400,
                ServingException.Kind.NOT_FOUND,
                404,
                ServingException.Kind.TOO_LARGE,
                413,
                ServingException.Kind.BUSY,
                503,
                ServingException.Kind.UNAVAILABLE,
                503,
                ServingException.Kind.NO_ROOM,
                503,
                ServingException.Kind.REFUSED,
                422,
                ServingException.Kind.CLIENT_GONE,
                HttpProblem.CLIENT_GONE,
                ServingException.Kind.UNAUTHENTICATED,
                401,
                ServingException.Kind.FORBIDDEN,
                403);
        assertEquals(ServingException.Kind.values().length, statuses.size(), "every kind is mapped here");
        statuses.forEach((kind, status) -> {
            HttpProblem problem = HttpProblem.of(ServingException.of(kind, "why"));
            assertEquals(status, problem.status(), kind.name());
            assertEquals("why", problem.detail(), kind.name());
        });
        assertEquals(
                "1",
                HttpProblem.of(ServingException.of(ServingException.Kind.BUSY, "x"))
                        .headers()
                        .get("Retry-After"),
                "busy: try again shortly");
        assertEquals(
                "30",
                HttpProblem.of(ServingException.of(ServingException.Kind.UNAVAILABLE, "x"))
                        .headers()
                        .get("Retry-After"),
                "no model: try again when one has loaded");
        assertFalse(
                HttpProblem.of(ServingException.of(ServingException.Kind.NO_ROOM, "x"))
                        .headers()
                        .containsKey("Retry-After"),
                "a heap too small for the answer: trying again will not help");
    }

    @Test
    void aRefusedLimitNamesItsSettingsAndHowToGiveThem() {
        HttpProblem one = HttpProblem.of(ServingException.tooLarge(
                "too many model rows", new FieldProblem("explain", "needs 9", null), ExplanationLimits.MAX_MODEL_ROWS));
        assertEquals(413, one.status());
        assertEquals("too many model rows; " + WebConfig.raisedBy(WebConfig.MAX_EXPLAIN_MODEL_ROWS), one.detail());
        assertEquals(List.of(new FieldProblem("explain", "needs 9", null)), one.errors());
        HttpProblem two = HttpProblem.of(ServingException.of(
                ServingException.Kind.BUSY,
                "busy explaining",
                List.of(ExplanationLimits.THREADS, ExplanationLimits.QUEUE)));
        assertTrue(
                two.detail()
                                .contains("the server's settings tabserve.explain-threads and tabserve.explain-queue"
                                        + " raise these")
                        && two.detail().contains("TABSERVE_EXPLAIN_THREADS and TABSERVE_EXPLAIN_QUEUE"),
                two.detail());
    }

    @Test
    void aClientThatWentKeepsHowItWentForTheLog() {
        IOException how = new IOException("broken pipe");
        ServingException gone = ServingException.clientGone("the client went", how);
        assertTrue(ServingException.isClientGone(gone));
        assertSame(how, HttpProblem.of(gone).getCause());
        assertEquals(
                HttpProblem.CLIENT_GONE, ErrorRenderer.problemOf(gone, "GET /").status());
    }

    @Test
    void aCallerWithoutAGoodCredentialIsChallengedAsRfc6750Says() {
        HttpProblem problem = HttpProblem.of(ServingException.unauthenticated("send a key"));
        assertEquals(401, problem.status());
        assertEquals("Bearer realm=\"tabserve\"", problem.headers().get("WWW-Authenticate"));
        assertEquals(
                null,
                HttpProblem.of(ServingException.forbidden("no scope")).headers().get("WWW-Authenticate"));
    }

    /**
     * A refusal's headers go out in the order of their names, the same on every start: a caller's {@code Map.of} of
     * several (a 429's Retry-After and RateLimit fields) has an order of its own each start.
     */
    @Test
    void headersAreInTheOrderOfTheirNames() {
        HttpProblem problem = new HttpProblem(
                429,
                "Too many requests",
                "slow down",
                List.of(),
                Map.of(
                        "Retry-After",
                        "1",
                        "RateLimit-Policy",
                        "\"client\";q=1;w=1",
                        "RateLimit",
                        "\"client\";r=0;t=1"));
        assertEquals(
                List.of("RateLimit", "RateLimit-Policy", "Retry-After"),
                List.copyOf(problem.headers().keySet()));
    }
}
