package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.ArchivedClasses;

/**
 * The Docker image's AppCDS archive, reproduced without Docker: {@code deploy/cds-archive.sh} (the image's build step)
 * makes it from one training start of a Jetty base built as the image's, with the image's {@code JAVA_OPTIONS}; a start
 * of that base as the image's entrypoint starts it, with the image's {@code -XX:SharedArchiveFile}, then takes
 * Jetty's, ONNX Runtime's and the web app's classes from the archive and serves. The time this saves is measured by
 * {@code bench/start-image}, not here.
 */
class JettyBaseCdsIT {

    /** A class of each part the archive must hold: Jetty's server, the web app (its own class loader), Jackson. */
    static final List<String> ARCHIVED = List.of(
            "org.eclipse.jetty.server.Server",
            "org.tabserve.web.TabserveListener",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "ai.onnxruntime.OrtSession");

    @Test
    void oneTrainingStartWritesTheArchiveAndTheImagesStartTakesJettysAndTheAppsClassesFromIt() throws Exception {
        Path base = Containers.buildJettyBase("jetty-base-cds", Containers.OnnxRuntimeSetup.SHARED);
        Path archive = base.resolveSibling("tabserve.jsa");
        List<String> options = List.of(imageJavaOptions().split(" "));
        ServerProcess.run(
                List.of(
                        "env",
                        "JAVA_OPTIONS=" + String.join(" ", options),
                        "bash",
                        Path.of("deploy", "cds-archive.sh").toAbsolutePath().toString(),
                        base.toString(),
                        archive.toString(),
                        Integer.toString(ServerProcess.freePort())),
                base.getParent());
        assertTrue(Files.size(archive) > 1 << 20, "an archive of " + Files.size(archive) + " bytes");
        assertTrue(
                Files.getPosixFilePermissions(archive).stream()
                        .noneMatch(p -> p.name().endsWith("_WRITE")),
                "the archive is read-only: a JVM that maps it dies when it is written over");

        Path classes = base.resolveSibling("classes.log");
        List<String> running = new ArrayList<>(options);
        running.add("-XX:SharedArchiveFile=" + archive);
        running.add("-Xlog:class+load=info:file=" + classes);
        try (ServerProcess jetty = Containers.startJettyBaseAsTheImage("jetty-base-cds", base, running, Map.of())) {
            jetty.awaitReadiness(200, Duration.ofSeconds(90));
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
            assertTrue(
                    jetty.output().stream().noneMatch(line -> line.contains("[cds")),
                    "the JVM warns about the archive:\n" + jetty.log());
        }
        ArchivedClasses.assertTakenFromArchive(classes, ARCHIVED);
    }

    /** The image's JAVA_OPTIONS before the archive's flag is added: what the training start runs with. */
    static String imageJavaOptions() throws java.io.IOException {
        Matcher m = Pattern.compile("(?m)^ENV JAVA_OPTIONS=\"([^\"$]*)\"$")
                .matcher(Files.readString(Path.of("Dockerfile")));
        assertTrue(m.find(), "the Dockerfile sets JAVA_OPTIONS");
        return m.group(1);
    }
}
