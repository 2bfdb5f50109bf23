package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.KeyDigests;

/**
 * Issue 63, item 7: in a servlet container (the Jetty base, the WAR unchanged) the API keys are the same setting,
 * read from the environment ({@code TABSERVE_API_KEYS}) or an init-parameter ({@code tabserve.api-keys}) as under
 * {@code java -jar}: a prediction needs a key, health does not.
 */
class JettyBaseApiKeysIT {

    private static final String KEY = "container-key-0123456789abcdef0123456789";

    @Test
    void aPredictionNeedsAKeyOfTheFileAndHealthDoesNot() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it", "api-keys")).toAbsolutePath();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "app predict " + KeyDigests.sha256(KEY) + "\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        try (ServerProcess jetty =
                Containers.startJettyBase("jetty-base-api-keys", Map.of("TABSERVE_API_KEYS", keys.toString()))) {
            jetty.awaitReadiness(200, Duration.ofSeconds(90));
            HttpResponse<String> without = DeploymentChecks.send(predict(jetty).build());
            assertEquals(401, without.statusCode(), without.body());
            assertEquals(
                    "Bearer realm=\"tabserve\"",
                    without.headers().firstValue("WWW-Authenticate").orElse(""));
            HttpResponse<String> with = DeploymentChecks.send(
                    predict(jetty).header("Authorization", "Bearer " + KEY).build());
            assertEquals(200, with.statusCode(), with.body());
            assertFalse(String.join("\n", jetty.output()).contains(KEY), "no key in the log");
        }
    }

    private static HttpRequest.Builder predict(ServerProcess jetty) {
        return HttpRequest.newBuilder(jetty.base().resolve("api/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DeploymentChecks.GENUINE_ROW));
    }
}
