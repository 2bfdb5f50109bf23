package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The image's entrypoint ({@code deploy/entrypoint.sh}) in front of the Jetty base, as {@code docker run} starts it:
 * a directory mounted at the image's {@code /models} is served as a model repository, no mount serves the WAR's
 * bundled model, and an explicit {@code TABSERVE_MODEL} is left alone. {@code TABSERVE_MODELS_MOUNT} stands in for
 * {@code /models}, which a test cannot create.
 *
 * <p>It stands for this command of docs/deploy.md, which needs a Docker engine:
 * <pre>
 * docker run --rm -p 8080:8080 --read-only --tmpfs /tmp:rw,exec,size=512m -v "$PWD/models:/models:ro" -e TABSERVE_POLL_SECONDS=30 tabserve
 * </pre>
 */
class JettyBaseModelsMountIT {

    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    @Test
    void aMountedDirectoryIsServedAsTheModelRepository() throws Exception {
        Path mount = Containers.freshDirectory("models-mount").resolve("models");
        Files.createDirectories(mount.resolve("mass/1"));
        Files.copy(Path.of("model.onnx"), mount.resolve("banknote.onnx"));
        Files.copy(PENGUINS.resolve("body-mass-regressor.onnx"), mount.resolve("mass/1/model.onnx"));
        try (ServerProcess jetty = Containers.startJettyBaseThroughEntrypoint(
                "jetty-base-models-mount", Map.of("TABSERVE_MODELS_MOUNT", mount.toString()))) {
            jetty.awaitReadiness(200, Duration.ofSeconds(90));
            assertTrue(jetty.output().stream().anyMatch(l -> l.contains(mount + " is mounted")), jetty.log());
            assertEquals(List.of("banknote", "mass"), names(jetty));
            HttpResponse<String> prediction = predict(jetty, "models/banknote/api/predict");
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
    void withoutTheMountTheBundledModelIsServed() throws Exception {
        Path absent = Containers.freshDirectory("models-absent").resolve("models");
        try (ServerProcess jetty = Containers.startJettyBaseThroughEntrypoint(
                "jetty-base-models-absent", Map.of("TABSERVE_MODELS_MOUNT", absent.toString()))) {
            jetty.awaitReadiness(200, Duration.ofSeconds(90));
            assertFalse(jetty.output().stream().anyMatch(l -> l.contains("is mounted")), jetty.log());
            assertTrue(
                    jetty.output().stream().anyMatch(l -> l.contains("Serving model") && l.contains("from the WAR")),
                    "the bundled model:\n" + jetty.log());
            assertEquals(1, names(jetty).size());
            HttpResponse<String> prediction = predict(jetty, "api/predict");
            assertEquals(200, prediction.statusCode(), prediction.body());
        }
    }

    @Test
    void anExplicitModelFileWinsOverTheMount() throws Exception {
        Path dir = Containers.freshDirectory("models-mount-and-file");
        Path mount = Files.createDirectories(dir.resolve("models"));
        Files.copy(PENGUINS.resolve("body-mass-regressor.onnx"), mount.resolve("mass.onnx"));
        Path file = mount.resolve("chosen.onnx");
        Files.copy(Path.of("model.onnx"), file, StandardCopyOption.REPLACE_EXISTING);
        try (ServerProcess jetty = Containers.startJettyBaseThroughEntrypoint(
                "jetty-base-models-and-file",
                Map.of("TABSERVE_MODELS_MOUNT", mount.toString(), "TABSERVE_MODEL", file.toString()))) {
            jetty.awaitReadiness(200, Duration.ofSeconds(90));
            assertFalse(jetty.output().stream().anyMatch(l -> l.contains("is mounted")), jetty.log());
            assertTrue(
                    jetty.output().stream().anyMatch(l -> l.contains("Serving model") && l.contains(file.toString())),
                    jetty.log());
            assertEquals(1, names(jetty).size(), "one model, not the directory's two");
        }
    }

    private static List<String> names(ServerProcess jetty) throws IOException, InterruptedException {
        HttpResponse<String> index = DeploymentChecks.send(
                HttpRequest.newBuilder(jetty.base().resolve("api/models")).GET().build());
        assertEquals(200, index.statusCode(), index.body());
        List<String> names = new ArrayList<>();
        for (JsonNode model : DeploymentChecks.JSON.readTree(index.body()).path("models")) {
            names.add(model.path("name").asText());
        }
        return names;
    }

    private static HttpResponse<String> predict(ServerProcess jetty, String path)
            throws IOException, InterruptedException {
        return DeploymentChecks.send(HttpRequest.newBuilder(jetty.base().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DeploymentChecks.GENUINE_ROW))
                .build());
    }
}
