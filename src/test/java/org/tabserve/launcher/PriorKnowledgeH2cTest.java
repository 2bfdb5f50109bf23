package org.tabserve.launcher;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The launcher's connector speaks HTTP/2 cleartext only to clients that start with it (OpenInferenceGrpcTest's gRPC
 * channel): the JDK HttpClient, which by default asks an http:// server to upgrade to h2c, stays on HTTP/1.1, with or
 * without a body.
 */
class PriorKnowledgeH2cTest {

    @Test
    void anUpgradeRequestStaysHttp11() throws Exception {
        try (TabserveServer server = TabserveServer.startReady()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(server.uri("/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, get.statusCode());
            assertEquals(HttpClient.Version.HTTP_1_1, get.version());
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(server.uri("/v2/models/nope/infer"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, post.statusCode());
            assertEquals(HttpClient.Version.HTTP_1_1, post.version());
        }
    }
}
