package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In the Jetty base, the model comes from TABSERVE_MODEL when set, as it does in the image with a mounted file. It
 * stands for this command of docs/deploy.md, which needs a Docker engine:
 * <pre>
 * docker run --rm -p 8080:8080 -v "$PWD/other.onnx:/models/model.onnx:ro" -e TABSERVE_MODEL=/models/model.onnx tabserve
 * </pre>
 */
class JettyBaseModelIT {

    @Test
    void servesTheModelFileNamedByTheEnvironmentVariable() throws Exception {
        Path copy = Files.createDirectories(Path.of("target", "it", "models"))
                .toAbsolutePath()
                .resolve("mounted.onnx");
        Files.copy(Path.of("model.onnx"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (ServerProcess jetty =
                Containers.startJettyBase("jetty-base-env-model", Map.of("TABSERVE_MODEL", copy.toString()))) {
            jetty.awaitReadiness(200, Duration.ofSeconds(90));
            assertTrue(
                    jetty.output().stream().anyMatch(l -> l.contains("Serving model") && l.contains(copy.toString())),
                    "the log names the mounted file:\n" + jetty.log());
            HttpResponse<String> prediction =
                    DeploymentChecks.send(HttpRequest.newBuilder(jetty.base().resolve("api/predict"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(DeploymentChecks.GENUINE_ROW))
                            .build());
            assertEquals(200, prediction.statusCode(), prediction.body());
            assertEquals(
                    "0",
                    DeploymentChecks.JSON
                            .readTree(prediction.body())
                            .path("label")
                            .asText());
        }
    }

    @Test
    void staysUpAndAnswers503WithTheReasonWhenTheModelFileIsMissing() throws Exception {
        String missing = Path.of("target", "it", "models", "no-such-model.onnx")
                .toAbsolutePath()
                .toString();
        try (ServerProcess jetty =
                Containers.startJettyBase("jetty-base-bad-model", Map.of("TABSERVE_MODEL", missing))) {
            jetty.awaitReadiness(503, Duration.ofSeconds(90));
            HttpResponse<String> ready =
                    DeploymentChecks.send(HttpRequest.newBuilder(jetty.base().resolve("health/ready"))
                            .header("Accept", "application/json")
                            .GET()
                            .build());
            assertEquals(503, ready.statusCode());
            JsonNode problem = DeploymentChecks.JSON.readTree(ready.body());
            assertTrue(problem.path("detail").asText().contains("no-such-model.onnx"), ready.body());
            HttpResponse<String> live =
                    DeploymentChecks.send(HttpRequest.newBuilder(jetty.base().resolve("health/live"))
                            .GET()
                            .build());
            assertEquals(200, live.statusCode(), "the app stays up: " + live.body());
        }
    }
}
