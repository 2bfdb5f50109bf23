package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared end-to-end checks against the WAR deployed unpacked, as {@code webapps/ROOT/}, in a Jetty base built by
 * {@code deploy/jetty-base.sh} on jetty-home from Maven Central: the Docker image, reproduced without Docker.
 *
 * <p>It stands for these commands of docs/deploy.md, which need a Docker engine: the image is this Jetty base, built
 * by the same script, started as the image starts it, with {@code java.io.tmpdir} on its own writable directory (the
 * image's {@code /tmp/jetty} under a read-only root), and checked end to end.
 * <pre>
 * docker build -t tabserve .
 * docker run --rm -p 8080:8080 tabserve
 * docker run --rm -p 8080:8080 --read-only --tmpfs /tmp:rw,exec,size=512m tabserve
 * </pre>
 * The suite's gRPC cases run on the same port: the base's {@code tabserve-h2c} module (HTTP/2 cleartext by prior
 * knowledge only, deploy/jetty-base.sh).
 */
class JettyBaseDeploymentIT extends DeploymentChecks {

    static ServerProcess jetty;

    @BeforeAll
    static void start() throws Exception {
        jetty = Containers.startJettyBaseWithShippedBounds("jetty-base-checks", ENVIRONMENT);
        jetty.awaitReadiness(200, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (jetty != null) {
            jetty.close();
        }
    }

    /**
     * A client asking to upgrade to h2c (the JDK HttpClient's default) stays on HTTP/1.1 and gets its answer, also with
     * a chunked body, which Jetty's stock http2c module would upgrade and then fail to read (jetty/jetty.project#11588).
     */
    @Test
    void aClientAskingToUpgradeStaysOnHttp11AndIsAnsweredAlsoWithAChunkedBody() throws Exception {
        HttpClient upgrading =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> get =
                upgrading.send(request("/health/live").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, get.statusCode(), get.body());
        assertEquals(HttpClient.Version.HTTP_1_1, get.version());
        byte[] row = GENUINE_ROW.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = upgrading.send(
                request("/api/predict")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(row)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, chunked.statusCode(), chunked.body());
        assertEquals(HttpClient.Version.HTTP_1_1, chunked.version());
        assertEquals("0", JSON.readTree(chunked.body()).path("label").asText(), chunked.body());
    }

    /**
     * The base's shared ONNX Runtime loads its native library from the base, where deploy/jetty-base.sh extracted it
     * once, not from a 28 MB copy extracted into {@code java.io.tmpdir} at every start.
     */
    @Test
    void loadsOnnxRuntimesNativeLibraryFromTheBaseNotFromACopyMadeAtStart() throws Exception {
        Path library = Path.of(
                        "target", "it", "jetty-base-checks", "base", "lib", "onnxruntime-native", "libonnxruntime.so")
                .toAbsolutePath();
        assertEquals(List.of(library.toString()), jetty.onnxRuntimeLibraryFiles());
    }

    @Override
    URI base() {
        return jetty.base();
    }

    @Override
    java.util.List<String> log() {
        return jetty.output();
    }
}
