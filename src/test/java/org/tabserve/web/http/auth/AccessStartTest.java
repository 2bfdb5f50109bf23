package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;
import org.tabserve.testing.KeyDigests;

/**
 * Issue 63, items 1 and 3: how a server starts. A keys file other users can write stops the start, in words; a
 * server that listens on a network address and asks no credential says so once in its log and in
 * {@code /api/models}, and one on the loopback address, or with API keys, says nothing.
 */
class AccessStartTest {

    @TempDir
    Path dir;

    @Test
    void aKeysFileOtherUsersCanWriteStopsTheStartInWords() throws Exception {
        Path keys = dir.resolve("keys");
        String digest = KeyDigests.sha256("some-key-0123456789abcdef");
        Files.writeString(keys, "app predict " + digest + "\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-rw-r--"));
        IllegalStateException refused = assertThrows(
                IllegalStateException.class, () -> TabserveServer.startReady("--api-keys", keys.toString()));
        assertTrue(refused.getMessage().contains("can be written by other users"), refused.getMessage());
        assertTrue(refused.getMessage().contains("chmod go-w " + keys), refused.getMessage());
        assertFalse(refused.getMessage().contains(digest), "the digest is never repeated");
    }

    @Test
    void clientRatesThatAreNotNameEqualsRatePairsStopTheStartInWords() {
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> TabserveServer.startReady("--client-rates", "notes=20/s,batch=5/day"));
        assertTrue(refused.getMessage().contains("tabserve.client-rates, client 'batch'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("20/s, 100/m, 1000/h or 50000/d"), refused.getMessage());
    }

    @Test
    void clientRatesNamingAKeysFilesClientWithoutAKeysFileStopTheStartInWords() throws Exception {
        // Issue 76, item 9: an OIDC client is oidc:AZP; a bare name is a keys file's client, and there is none here.
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> TabserveServer.startReady(
                        "--oidc-issuer",
                        "http://127.0.0.1:1",
                        "--oidc-audience",
                        "tabserve",
                        "--client-rates",
                        "notes=20/s"));
        assertTrue(refused.getMessage().contains("names the client 'notes'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("oidc:notes"), refused.getMessage());
        // The refused start leaves no reader of the issuer's keys behind, whose warnings other tests would catch.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().equals("tabserve-oidc-keys") && t.isAlive())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(
                Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("tabserve-oidc-keys") && t.isAlive()),
                "the issuer's key reader was stopped with the refused start");
    }

    @Test
    void aServerOnANetworkAddressWithoutCredentialsSaysSoOnce() throws Exception {
        try (TabserveServer server = TabserveServer.startReady("--host", "0.0.0.0")) {
            Http http = new Http(server);
            JsonNode index = http.get("/api/models").json();
            assertTrue(index.path("notice").asText().contains("asks no credential"), index.toString());
            http.get("/api/models");
            assertEquals(
                    1,
                    server.output().stream()
                            .filter(line -> line.contains("Open to the network"))
                            .count(),
                    String.join("\n", server.output()));
        }
    }

    @Test
    void aServerOnTheLoopbackAddressOrWithKeysSaysNothing() throws Exception {
        try (TabserveServer server = TabserveServer.startReady()) {
            assertTrue(new Http(server).get("/api/models").json().path("notice").isMissingNode());
        }
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "reader read " + KeyDigests.sha256("reader-key-0123456789abcdef") + "\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        try (TabserveServer server = TabserveServer.startReady("--host", "0.0.0.0", "--api-keys", keys.toString())) {
            JsonNode index = new Http(server)
                    .get("/api/models", "Authorization", "Bearer reader-key-0123456789abcdef")
                    .json();
            assertTrue(index.path("notice").isMissingNode(), index.toString());
            assertFalse(String.join("\n", server.output()).contains("Open to the network"));
        }
    }

    @Test
    void inAContainerTheFirstRequestOnANetworkAddressTells() {
        Exposure container = new Exposure(Optional.empty());
        container.open(true);
        container.seen("127.0.0.1");
        container.seen("::1");
        assertEquals(Optional.empty(), container.notice());
        container.seen("10.1.2.3");
        assertTrue(container.notice().isPresent());
        Exposure locked = new Exposure(Optional.empty());
        locked.open(false);
        locked.seen("10.1.2.3");
        assertEquals(Optional.empty(), locked.notice());
    }
}
