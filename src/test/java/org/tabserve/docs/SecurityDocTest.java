package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Http;

/**
 * docs/security.md's API key example, run: its first three commands as written, by {@code sh}, make a key and the
 * keys file's line for it; the server started on that file ({@code java -jar target/tabserve.war --api-keys keys},
 * here in this JVM) answers the example's request with the key, and 401 without it:
 *
 * <pre>
 * KEY=$(openssl rand -hex 32)
 * printf 'ci predict,read %s\n' "$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" > keys
 * chmod 600 keys
 * java -jar target/tabserve.war --api-keys keys
 * curl -s -H "Authorization: Bearer $KEY" localhost:8080/api/predict -H 'Content-Type: application/json' -d '{"variance": 3.6, "skewness": 8.6, "curtosis": -2.8, "entropy": -0.4}'
 * </pre>
 */
class SecurityDocTest {

    /** The example's shell commands, as docs/security.md writes them, and one more that prints the key. */
    private static final List<String> MAKE_A_KEY = List.of(
            "KEY=$(openssl rand -hex 32)",
            "printf 'ci predict,read %s\\n' \"$(printf %s \"$KEY\" | sha256sum | cut -d' ' -f1)\" > keys",
            "chmod 600 keys",
            "printf %s \"$KEY\"");

    private static final String BODY = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.4}";

    @TempDir
    Path dir;

    @Test
    void theKeyTheExampleMakesIsTakenAndNoneIsRefused() throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", String.join("\n", MAKE_A_KEY))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String key = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, shell.waitFor(), key);
        assertTrue(key.matches("[0-9a-f]{64}"), key);
        String line = Files.readString(dir.resolve("keys"));
        assertTrue(line.startsWith("ci predict,read ") && !line.contains(key), "the file holds the digest alone");
        try (TabserveServer server =
                TabserveServer.startReady("--api-keys", dir.resolve("keys").toString())) {
            Http http = new Http(server);
            Http.Response answer = http.post(
                    "/api/predict",
                    "application/json",
                    BODY.getBytes(StandardCharsets.UTF_8),
                    "Authorization",
                    "Bearer " + key);
            assertEquals(200, answer.status(), answer.text());
            assertEquals(401, http.postJson("/api/predict", BODY).status());
        }
    }
}
