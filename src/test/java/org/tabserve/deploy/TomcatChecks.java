package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The suite on a Tomcat set up by docs/deploy.md's steps (its connector with HTTP/2 cleartext for gRPC), and what holds
 * on Tomcat alone: Python's grpcio cannot call Tomcat 11.0.24 (its HTTP/2 decoder refuses the request headers grpcio
 * sends, said by name when the log shows it; Debian's 10.1.60 takes them, {@link DebianTomcatDeploymentIT}), and a client asking to upgrade to h2c with a body over the connector's
 * {@code maxSavePostSize} gets Tomcat's own 413.
 */
abstract class TomcatChecks extends DeploymentChecks {

    /** The Tomcat the running class started in its {@code @BeforeAll} (classes of a fork run one after another). */
    static ServerProcess tomcat;

    @AfterAll
    static void stop() throws InterruptedException {
        if (tomcat != null) {
            tomcat.close();
            tomcat = null;
        }
    }

    @Override
    URI base() {
        return tomcat.base();
    }

    @Override
    List<String> log() {
        return tomcat.output();
    }

    /** What Tomcat logs when its HPACK decoder refuses a header name with a colon sent as a literal. */
    /**
     * How long a flood past the connector's maxConnections may keep a new client waiting: until the connectionTimeout
     * (20 s) closes the silent connections that hold every slot, and the kernel's next retry of the client's SYN.
     */
    static final java.time.Duration FLOOD_DELAY = java.time.Duration.ofSeconds(45);

    static final String HPACK_REFUSAL = "The illegal [:] character was found when decoding an HTTP/2 header field name";

    @Override
    Optional<String> noPythonGrpcBecause(String clientOutput) {
        if (log().stream().noneMatch(line -> line.contains(HPACK_REFUSAL))) {
            return Optional.empty();
        }
        return Optional.of("Tomcat cannot take Python grpcio's calls: grpcio (Debian's python3-grpcio) sends the"
                + " pseudo-headers :path and :authority as HPACK literals with the name spelled out, which RFC 7541"
                + " allows and Jetty reads, but Tomcat's HPACK decoder refuses any literal header name that is not a"
                + " token (\"" + HPACK_REFUSAL + "\", in its log) and resets the stream before the app sees it; the"
                + " client got: " + clientOutput.strip());
    }

    @Override
    public String cutsNoHeaderTrickleBecause() {
        return "Tomcat has no deadline for a request's headers: its connectionTimeout is a read timeout, started again"
                + " by every byte, so a trickle holds its connection while it trickles; maxConnections bounds how many"
                + " (docs/deploy.md, Tomcat)";
    }

    @Override
    public java.time.Duration floodDelaysTheProbeUpTo() {
        return FLOOD_DELAY;
    }

    @Test
    void aClientAskingToUpgradeWithABodyOverMaxSavePostSizeGetsTomcatsOwn413ButAnHttp11ClientItsAnswer()
            throws Exception {
        String rows = String.join(", ", Collections.nCopies(100, GENUINE_ROW));
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
        assertEquals(100, JSON.readTree(http11.body()).path("predictions").size());
        HttpResponse<String> small = predict(HttpClient.Version.HTTP_2, GENUINE_ROW);
        assertEquals(200, small.statusCode(), small.body());
        assertEquals(HttpClient.Version.HTTP_2, small.version(), "a small body is upgraded, and answered");
    }

    private HttpResponse<String> predict(HttpClient.Version version, String json) throws Exception {
        return HttpClient.newBuilder()
                .version(version)
                .build()
                .send(
                        request("/api/predict")
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
