package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.KeyDigests.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * Issue 76 item 8: the audit log's cap of refusals (60 lines a minute of one status) was shared by every client and
 * route, so that after one client's flood another's attempts on the admin routes left no line. Now every admin-route
 * refusal is written, and the cap is each caller's own: against a real server with a keys file, one client refused
 * 100 times in a row, then admin attempts from another client and from itself, and another client's first refusal.
 */
class AuditLogTest {

    /** May predict with the bundled model, nothing else: refused on {@code /metrics}, over and over. */
    private static final String FLOOD_KEY = "flood-key-0123456789abcdef0123456789ab";
    /** May predict too, and comes after the flood. */
    private static final String OTHER_KEY = "other-key-0123456789abcdef0123456789ab";

    private static final int FLOOD = 100;

    static Path audit;
    static TabserveServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        Path folder = Files.createTempDirectory("tabserve-audit");
        Path keys = folder.resolve("keys");
        Files.write(
                keys,
                List.of(
                        "flood   predict " + sha256(FLOOD_KEY), // no scope metrics, no admin
                        "other   predict " + sha256(OTHER_KEY)));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        audit = folder.resolve("audit.jsonl");
        server = TabserveServer.startReady("--api-keys", keys.toString(), "--audit-log", audit.toString());
        http = new Http(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    private static List<JsonNode> lines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            lines.add(Http.JSON.readTree(line));
        }
        return lines;
    }

    private static Predicate<JsonNode> refused(String client, String call) {
        return l -> l.path("event").asText().equals("refused")
                && l.path("client").asText().equals(client)
                && l.path("call").asText().equals(call);
    }

    @Test
    void oneClientsFloodLeavesTheAdminAttemptsAndAnotherClientsFirstRefusalInTheLog() throws Exception {
        for (int i = 0; i < FLOOD; i++) {
            assertEquals(
                    403,
                    http.get("/metrics", "Authorization", bearer(FLOOD_KEY)).status());
        }
        byte[] none = new byte[0];
        String load = "/v2/repository/models/model/load";
        assertEquals(
                403,
                http.post(load, "application/json", none, "Authorization", bearer(OTHER_KEY))
                        .status());
        assertEquals(
                403,
                http.post(load, "application/json", none, "Authorization", bearer(FLOOD_KEY))
                        .status());
        assertEquals(
                403, http.get("/metrics", "Authorization", bearer(OTHER_KEY)).status());

        List<JsonNode> lines = lines();
        String log = String.join("\n", lines.stream().map(JsonNode::toString).toList());
        assertTrue(lines.stream().anyMatch(refused("other", "POST " + load)), "another client's admin attempt: " + log);
        assertTrue(
                lines.stream().anyMatch(refused("flood", "POST " + load)), "the flooder's own admin attempt: " + log);
        assertTrue(lines.stream().anyMatch(refused("other", "GET /metrics")), "another client's first refusal: " + log);
        long flooded = lines.stream().filter(refused("flood", "GET /metrics")).count();
        long leftOut = lines.stream()
                .filter(refused("flood", "GET /metrics"))
                .mapToLong(l -> l.path("leftOut").asLong())
                .sum();
        assertTrue(flooded < FLOOD, "the flood is capped: " + flooded + " lines of " + FLOOD);
        assertTrue(flooded + leftOut <= FLOOD, "its leftOut counts its own lines left out: " + log);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(audit), "owner-only");
    }
}
