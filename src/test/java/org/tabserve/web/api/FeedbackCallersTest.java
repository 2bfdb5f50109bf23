package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.KeyDigests.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * Issue 63, item 5: labels bound to their callers, against a real server with an API keys file. Two clients choosing
 * one request id get two answers, and each one's label joins its own; a label for another client's id is unknown, in
 * the same words as an id never answered; a labelling service with {@code label:any} labels either client's answer by
 * naming it ({@code client}), and a client without it may not name another (403, in the audit log); the prediction
 * log names the client, never its key.
 */
class FeedbackCallersTest {

    private static final String ALICE_KEY = "alice-key-0123456789abcdef0123456789ab";
    private static final String BOB_KEY = "bob-key-0123456789abcdef0123456789abcde";
    private static final String LABELLER_KEY = "labeller-key-0123456789abcdef012345678";
    private static final String CAROL_KEY = "carol-key-0123456789abcdef0123456789ab";
    private static final String NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";
    private static final String OTHER_NOTE =
            "{\"variance\": -1.3971, \"skewness\": 3.3191, \"curtosis\": -1.3927, \"entropy\": -1.9948}";

    static Path log;
    static Path audit;
    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.createTempDirectory("tabserve-callers").resolve("keys");
        Files.write(
                keys,
                List.of(
                        "alice     predict,label  " + sha256(ALICE_KEY),
                        "bob       predict,label  " + sha256(BOB_KEY),
                        "labeller  label:any      " + sha256(LABELLER_KEY),
                        "carol     label          " + sha256(CAROL_KEY)));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        log = keys.resolveSibling("log");
        audit = keys.resolveSibling("audit.jsonl");
        server = TabserveServer.startReady(
                "--api-keys", keys.toString(), "--prediction-log", log.toString(), "--audit-log", audit.toString());
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Predicts {@code note} as the client of {@code key}, under request id {@code id}; returns the answer's label. */
    private static String predict(String key, String id, String note) {
        Http.Response answer = http.post(
                "/api/predict",
                "application/json",
                note.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + key,
                "X-Request-Id",
                id);
        assertEquals(200, answer.status(), answer::text);
        assertEquals(id, answer.header("X-Request-Id").orElseThrow(), "the caller's own id is kept");
        return answer.json().path("label").asText();
    }

    private static Http.Response label(String key, String body) {
        return http.post(
                "/api/feedback",
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + key);
    }

    private static JsonNode labelled(String key, String body) {
        Http.Response fed = label(key, body);
        assertEquals(200, fed.status(), fed::text);
        return fed.json();
    }

    private static String one(String id, String label) {
        return "{\"request_id\": \"" + id + "\", \"label\": \"" + label + "\"}";
    }

    @Test
    void twoClientsChoosingOneRequestIdGetTwoAnswersAndEachLabelJoinsItsOwn() {
        String alices = predict(ALICE_KEY, "r1", NOTE);
        String bobs = predict(BOB_KEY, "r1", OTHER_NOTE);
        assertFalse(alices.equals(bobs), "two notes of two classes: " + alices + ", " + bobs);
        JsonNode alice = labelled(ALICE_KEY, one("r1", alices));
        assertEquals(1, alice.path("joined").asInt(), alice::toString);
        JsonNode bob = labelled(BOB_KEY, one("r1", bobs));
        assertEquals(1, bob.path("joined").asInt(), "bob's r1 is his own answer, kept beside alice's: " + bob);
        assertEquals(0, bob.path("duplicates").asInt(), bob::toString);
        assertEquals(1.0, bob.path("live_accuracy").asDouble(), "both labels joined the answer each was: " + bob);
    }

    @Test
    void aLabelForAnotherClientsIdIsUnknownInTheWordsOfAnIdNeverAnswered() {
        String alices = predict(ALICE_KEY, "alice-only", NOTE);
        JsonNode bob = labelled(
                BOB_KEY,
                "[" + one("alice-only", alices) + ", " + one("never-answered-" + System.nanoTime(), alices) + "]");
        assertEquals(0, bob.path("joined").asInt(), "bob may not label alice's answer: " + bob);
        assertEquals(2, bob.path("unknown").asInt(), bob::toString);
        JsonNode notJoined = bob.path("not_joined");
        assertEquals(notJoined.get(0).path("outcome"), notJoined.get(1).path("outcome"), bob::toString);
        assertEquals(
                notJoined.get(0).path("reason"),
                notJoined.get(1).path("reason"),
                "bob cannot tell alice's id from one never answered: " + bob);
        JsonNode alice = labelled(ALICE_KEY, one("alice-only", alices));
        assertEquals(1, alice.path("joined").asInt(), "bob's label took nothing of alice's: " + alice);
    }

    @Test
    void aLabellingServiceWithLabelAnyLabelsEitherClientsAnswerByNamingIt() throws Exception {
        String alices = predict(ALICE_KEY, "r5", NOTE);
        String bobs = predict(BOB_KEY, "r5", OTHER_NOTE);
        JsonNode any = labelled(
                LABELLER_KEY,
                "[{\"request_id\": \"r5\", \"client\": \"alice\", \"label\": \"" + alices + "\"},"
                        + " {\"request_id\": \"r5\", \"client\": \"bob\", \"label\": \"" + bobs + "\"},"
                        + " {\"request_id\": \"r5\", \"label\": \"" + bobs + "\"}]");
        assertEquals(2, any.path("joined").asInt(), any::toString);
        assertEquals(1, any.path("unknown").asInt(), "without client, its own answers: it has none: " + any);
        assertEquals(1, labelled(BOB_KEY, one("r5", bobs)).path("duplicates").asInt(), "bob's was labelled");

        predict(ALICE_KEY, "r6", NOTE);
        for (String key : List.of(BOB_KEY, CAROL_KEY)) {
            JsonNode problem = label(key, "{\"request_id\": \"r6\", \"client\": \"alice\", \"label\": \"0\"}")
                    .problem(403);
            assertTrue(problem.path("detail").asText().contains("label:any"), problem::toString);
        }
        String audited = Files.readString(audit);
        assertTrue(
                audited.contains("\"client\":\"bob\"") && audited.contains("no scope label:any:"),
                "bob's refusal is in the audit log: " + audited);
        assertFalse(audited.contains(BOB_KEY), "never with his key");
        JsonNode own = labelled(BOB_KEY, "{\"request_id\": \"r6\", \"client\": \"bob\", \"label\": \"0\"}");
        assertEquals(1, own.path("unknown").asInt(), "naming itself is bob's right, and r6 is not his: " + own);
        JsonNode alice = labelled(ALICE_KEY, one("r6", alices));
        assertEquals(1, alice.path("joined").asInt(), "no refused label took alice's r6: " + alice);
        assertEquals(
                List.of("client"),
                label(LABELLER_KEY, "{\"request_id\": \"r6\", \"client\": \"a b\", \"label\": \"0\"}")
                        .errorFields(400));
    }

    @Test
    void thePredictionLogNamesTheClientNeverItsKey() throws Exception {
        predict(ALICE_KEY, "logged-" + System.nanoTime(), NOTE);
        Path lines = log.resolve("predictions.jsonl");
        long deadline = System.nanoTime() + 20_000_000_000L;
        String text = "";
        while (!text.contains("\"client\":\"alice\"")) {
            assertTrue(System.nanoTime() < deadline, "alice's line never came: " + text);
            Thread.sleep(50);
            text = Files.exists(lines) ? Files.readString(lines) : "";
        }
        assertFalse(text.contains(ALICE_KEY), "the key is never written");
        assertFalse(text.contains(sha256(ALICE_KEY)), "nor its digest");
        for (String line : text.strip().split("\n")) {
            JsonNode json = Http.JSON.readTree(line);
            assertTrue(json.has("request_id") && json.has("model") && json.has("inputs"), "the old fields: " + line);
        }
    }
}
