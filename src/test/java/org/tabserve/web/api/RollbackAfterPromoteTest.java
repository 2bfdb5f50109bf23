package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.ModelDirectory.NOTE;
import static org.tabserve.testing.ModelDirectory.PENGUINS;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.RunningServer;

/**
 * Issue 51, item 6, through the real app on a model directory whose {@code banknote} has two versions: a rollback
 * right after a promote undoes it (the version that served before serves again), a rollback with nothing to roll back
 * is refused in words that say what to do, and under a shadow {@code answered} counts the requests each version
 * answered; the promote is kept in {@code rollout.json} ({@code promoted_from}), so that another replica of the same
 * directory (or this one after a restart) undoes it too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollbackAfterPromoteTest {

    private static final String TOKEN = "rollback-admin-token-0123456789abcdef";
    private static final String PREDICT = "/models/banknote/api/predict";
    private static final String STATUS = "/models/banknote/api/rollout";
    private static final String ADMIN = "/admin/models/banknote/rollout";

    private static final ModelDirectory DIR = directory();

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", DIR.root().toString(), "--poll-seconds", "1");

    private static ModelDirectory directory() {
        try {
            ModelDirectory dir = ModelDirectory.withFourModels();
            dir.copy(PENGUINS.resolve("fixed-batch-4.onnx"), "banknote/2/model.onnx");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Http.Response admin(String method, String path, String json) {
        List<String> headers =
                new ArrayList<>(List.of("Content-Type", "application/json", "Authorization", "Bearer " + TOKEN));
        return http.send(
                method, path, java.net.http.HttpRequest.BodyPublishers.ofString(json), headers.toArray(String[]::new));
    }

    private static String answeringVersion() {
        Http.Response answer = http.postJson(PREDICT, NOTE);
        assertEquals(200, answer.status(), answer.text());
        return answer.header("X-Model-Version").orElseThrow();
    }

    @Test
    @Order(1)
    void underAShadowAnsweredCountsTheRequestsEachVersionAnswered() {
        assertEquals(
                200,
                admin("PUT", ADMIN, "{\"serving\": 1, \"shadow\": {\"version\": 2}}")
                        .status());
        for (int i = 0; i < 12; i++) {
            assertEquals("1", answeringVersion());
        }
        JsonNode answered = http.get(STATUS).json().path("shadow").path("answered");
        // Before: {"1":0,"2":0} while version 1 had answered every request.
        assertEquals(12, answered.path("1").asLong(), answered.toString());
        assertEquals(0, answered.path("2").asLong(), "the shadow answers no request: " + answered);
    }

    @Test
    @Order(2)
    void aRollbackRightAfterAPromoteServesTheVersionThatServedBefore() {
        assertEquals(
                200,
                admin("PUT", ADMIN, "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 30}}")
                        .status());
        JsonNode promoted = admin("POST", ADMIN + "/promote", "").json();
        assertEquals(2, promoted.path("serving").asLong(), promoted.toString());
        assertEquals("2", answeringVersion());
        Http.Response rolledBack = admin("POST", ADMIN + "/rollback", "");
        // Before: 200 with "serving": 2, and version 2 went on answering everything.
        assertEquals(200, rolledBack.status(), rolledBack.text());
        assertEquals(1, rolledBack.json().path("serving").asLong(), rolledBack.text());
        for (int i = 0; i < 5; i++) {
            assertEquals("1", answeringVersion(), "the promote is undone");
        }
    }

    @Test
    @Order(3)
    void aPromoteIsUndoneOnAnotherReplicaOfTheSameDirectoryAsAfterARestart() throws Exception {
        assertEquals(
                200,
                admin("PUT", ADMIN, "{\"serving\": 1, \"canary\": {\"version\": 2, \"percent\": 30}}")
                        .status());
        JsonNode promoted = admin("POST", ADMIN + "/promote", "").json();
        assertEquals(1, promoted.path("rollout").path("promoted_from").asLong(), promoted.toString());
        RunningServer replica = TabserveServer.startReady(
                Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", DIR.root().toString(), "--poll-seconds", "1");
        try (replica) {
            Http other = new Http(replica);
            Http.Response rolledBack = other.send(
                    "POST",
                    ADMIN + "/rollback",
                    java.net.http.HttpRequest.BodyPublishers.noBody(),
                    "Authorization",
                    "Bearer " + TOKEN);
            // Before: 422, "no shadow or canary to roll back, and no promote to undo since the server started".
            assertEquals(200, rolledBack.status(), rolledBack.text());
            assertEquals(1, rolledBack.json().path("serving").asLong(), rolledBack.text());
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!answeringVersion().equals("1") && System.nanoTime() < deadline) {
            Thread.sleep(200); // this replica reads the rewritten rollout.json at its next poll
        }
        assertEquals("1", answeringVersion(), "the promote is undone here too");
    }

    @Test
    @Order(4)
    void aRollbackWithNothingToRollBackIsRefusedSayingWhatToDo() {
        Http.Response refused = admin("POST", ADMIN + "/rollback", "");
        JsonNode problem = refused.problem(422);
        String detail = problem.path("detail").asText();
        assertTrue(detail.contains("no shadow or canary to roll back"), detail);
        assertTrue(detail.contains("version 1 serves"), detail);
        assertTrue(detail.contains("PUT /admin/models/banknote/rollout"), detail);
        assertEquals("1", answeringVersion(), "nothing changed");
    }
}
