package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gRPC from the same WAR on Tomcat 10.1, with Tomcat's {@code Http2Protocol} as the HTTP connector's upgrade protocol
 * (docs/deploy.md): what works and what does not, as observed. Successful calls answer as REST v2 does. A refused call
 * loses its status: grpc-servlet ends it with a trailers-only response, which Tomcat cannot send (it sends the
 * headers, then an empty DATA frame ending the stream: grpc/grpc-java#10124), so grpc-java reports INTERNAL. And with
 * h2c on, Tomcat takes HTTP/1.1 requests asking to upgrade (the JDK HttpClient's default) up on it, buffering their
 * bodies to at most the connector's {@code maxSavePostSize} (4 KiB): a larger body is refused with Tomcat's own 413.
 */
class TomcatGrpcIT {

    static ServerProcess tomcat;

    @BeforeAll
    static void start() throws Exception {
        tomcat = Containers.startTomcat("tomcat-grpc", DeploymentChecks.ENVIRONMENT, true);
        tomcat.awaitReadiness(200, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void docsGiveTheConnectorSettingThisTestUses() throws Exception {
        assertTrue(java.nio.file.Files.readString(java.nio.file.Path.of("docs", "deploy.md"))
                .contains(Containers.TOMCAT_H2C));
    }

    @Test
    void successfulGrpcCallsAnswerAsRestV2() throws Exception {
        GrpcCalls.assertModelInferAnswersAsRestV2(tomcat.base());
    }

    @Test
    void aRefusedGrpcCallArrivesAsInternalWithoutItsStatusOrMessage() throws Exception {
        GrpcCalls.Refusal refusal = GrpcCalls.unknownModelInfer(tomcat.base());
        assertEquals(
                Status.Code.INTERNAL, refusal.grpc().getCode(), refusal.grpc().toString());
        assertEquals(
                "Received unexpected EOS on empty DATA frame from server",
                refusal.grpc().getDescription());
        assertFalse(
                refusal.grpc().toString().contains(refusal.restMessage()),
                refusal.grpc().toString());
    }

    @Test
    void aClientAskingToUpgradeWithABodyOverMaxSavePostSizeGetsTomcatsOwn413ButAnHttp11ClientItsAnswer()
            throws Exception {
        String rows = String.join(", ", Collections.nCopies(100, DeploymentChecks.GENUINE_ROW));
        String batch = "{\"instances\": [" + rows + "]}";
        assertTrue(batch.length() > 4096, "over maxSavePostSize");
        HttpResponse<String> upgrading = predict(HttpClient.Version.HTTP_2, batch);
        assertEquals(413, upgrading.statusCode(), upgrading.body());
        assertTrue(
                upgrading.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                "Tomcat's own error page, not the app's problem+json: "
                        + upgrading.headers().map());
        HttpResponse<String> http11 = predict(HttpClient.Version.HTTP_1_1, batch);
        assertEquals(200, http11.statusCode(), http11.body());
        assertEquals(
                100,
                DeploymentChecks.JSON
                        .readTree(http11.body())
                        .path("predictions")
                        .size());
        HttpResponse<String> small = predict(HttpClient.Version.HTTP_2, DeploymentChecks.GENUINE_ROW);
        assertEquals(200, small.statusCode(), small.body());
        assertEquals(HttpClient.Version.HTTP_2, small.version(), "a small body is upgraded, and answered");
    }

    private static HttpResponse<String> predict(HttpClient.Version version, String json) throws Exception {
        URI uri = tomcat.base().resolve("api/predict");
        return HttpClient.newBuilder()
                .version(version)
                .build()
                .send(
                        HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
