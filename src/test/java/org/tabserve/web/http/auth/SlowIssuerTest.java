package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.JoseIssuer;
import org.tabserve.testing.KeyDigests;
import org.tabserve.testing.TricklingProxy;

/**
 * Issue 76, items 1 and 2, hostile: an OIDC issuer whose every answer trickles a byte a second (a real issuer of the
 * test's behind {@link TricklingProxy}) holds the start at most {@code --oidc-read-deadline}, and no request waits on
 * it: with four request slots, eight concurrent requests whose tokens name an unknown {@code kid} are each 401 at
 * once in words, over REST and gRPC, and an API key is served beside them; the read abandoned is counted.
 */
class SlowIssuerTest {

    private static final String AUDIENCE = "tabserve";
    private static final String READER_KEY = "reader-key-0123456789abcdef0123456789";
    private static final String SCRAPER_KEY = "scraper-key-0123456789abcdef012345678";
    private static final byte[] NOTE =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    static JoseIssuer issuer;
    static TricklingProxy proxy;
    static TabserveServer server;
    static Http http;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        issuer = JoseIssuer.start();
        proxy = TricklingProxy.to(issuer.address());
        issuer.seenAt(proxy.uri());
        proxy.slow(line -> true, 1); // the discovery document and the JWKS, a byte a second
        Path keys = Files.createTempDirectory("tabserve-slow-issuer").resolve("keys");
        Files.write(
                keys,
                List.of(
                        "reader read,predict " + KeyDigests.sha256(READER_KEY),
                        "scraper metrics " + KeyDigests.sha256(SCRAPER_KEY)));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        server = assertTimeoutPreemptively( // the issuer's documents take minutes at a byte a second
                Duration.ofSeconds(60),
                () -> TabserveServer.startReady(
                        Map.of("TABSERVE_MAX_CONCURRENT_REQUESTS", "4"),
                        "--api-keys",
                        keys.toString(),
                        "--oidc-issuer",
                        issuer.issuer(),
                        "--oidc-audience",
                        AUDIENCE,
                        "--oidc-read-deadline",
                        "1"),
                "an issuer that trickles its discovery document holds the start at most its read deadline");
        http = new Http(server);
        channel = GrpcWire.channelTo(server);
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcWire.close(channel, server);
        proxy.close();
        issuer.close();
    }

    private static Http.Response predict(String credential) {
        return http.post("/api/predict", "application/json", NOTE, "Authorization", "Bearer " + credential);
    }

    @Test
    void tokensNamingUnknownKidsNeverTakeTheRequestSlots() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Response>> refused = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String token = issuer.token(
                        JWSAlgorithm.RS256,
                        "made-up-" + i,
                        c -> c.audience(AUDIENCE).claim("azp", "anyone").claim("scope", "predict"));
                refused.add(callers.submit(() -> predict(token)));
            }
            Http.Response keyed = predict(READER_KEY);
            assertEquals(200, keyed.status(), "an API key is served beside eight tokens of unknown kids: " + keyed);
            for (Future<Http.Response> each : refused) {
                Http.Response answer = each.get(30, java.util.concurrent.TimeUnit.SECONDS);
                JsonNode problem = answer.problem(401);
                assertTrue(problem.get("detail").asText().contains("OIDC issuer"), problem.toString());
            }
            assertEquals(
                    200,
                    http.get("/api/models", "Authorization", "Bearer " + READER_KEY)
                            .status());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void overGrpcTooATokenOfAnUnknownKidIsRefusedAtOnce() {
        String token = issuer.token(
                JWSAlgorithm.RS256,
                "made-up",
                c -> c.audience(AUDIENCE).claim("azp", "anyone").claim("scope", "predict"));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        StatusRuntimeException refused = assertThrows( // a call that waited on the issuer would pass its deadline
                StatusRuntimeException.class,
                () -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
                        .modelInfer(GrpcWire.notes("model", 1)));
        assertEquals(
                Status.Code.UNAUTHENTICATED,
                refused.getStatus().getCode(),
                refused.getStatus().toString());
    }

    @Test
    void theReadAbandonedIsCountedAndSaidInWords() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String metrics;
        java.util.regex.Pattern counted = java.util.regex.Pattern.compile(
                "tabserve_outbound_reads_abandoned_total\\{read=\"oidc_issuer\"} [1-9]");
        while (!counted.matcher(
                        metrics = http.get("/metrics", "Authorization", "Bearer " + SCRAPER_KEY)
                                .text())
                .find()) {
            assertTrue(System.nanoTime() < deadline, metrics);
            Thread.sleep(100);
        }
        JsonNode problem = http.get("/api/models", "Authorization", "Bearer " + issuer.token("notes", AUDIENCE, "read"))
                .problem(401);
        assertTrue(
                problem.get("detail").asText().contains("took longer than 1 s in all (tabserve.oidc-read-deadline)"),
                problem.toString());
    }
}
