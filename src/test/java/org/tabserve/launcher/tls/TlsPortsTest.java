package org.tabserve.launcher.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.launcher.TabserveServer;

/**
 * The launcher's ports with {@code --tls-cert} (no client CA), in this JVM: {@code --port} speaks HTTP/1.1 and h2
 * over TLS by ALPN and says {@code https://} in its ready line, {@code --grpc-port} speaks h2 over TLS alone (an
 * HTTP/1.1-only client is not served there), and {@code --probe-port} stays cleartext for probes; a cleartext request
 * to the TLS port gets no answer.
 */
class TlsPortsTest {

    @TempDir
    static Path dir;

    static TabserveServer server;
    static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        DocCertificates.make(dir);
        server = TabserveServer.startReady(
                "--tls-cert",
                dir.resolve("server.pem").toString(),
                "--tls-key",
                dir.resolve("server-key.pem").toString(),
                "--grpc-port",
                "0",
                "--probe-port",
                "0");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(
                "ca", PemFiles.certificates(dir.resolve("ca.pem"), "ca").get(0));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, trust.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSharedPortSpeaksHttp11AndH2OverTlsByAlpn() throws Exception {
        assertTrue(
                server.output().stream()
                        .anyMatch(l -> l.contains(
                                " on https://127.0.0.1:" + server.uri().getPort())),
                String.join("\n", server.output()));
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpResponse<String> answer = client(version)
                    .send(get(server.uri().getPort(), "/api/model"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(version, answer.version());
        }
        HttpClient cleartext =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest plain = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.uri().getPort() + "/api/model"))
                .timeout(Duration.ofSeconds(30))
                .build();
        assertThrows(IOException.class, () -> cleartext.send(plain, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void theGrpcPortSpeaksH2OverTlsAloneAndTheProbePortCleartext() throws Exception {
        HttpResponse<String> h2 = client(HttpClient.Version.HTTP_2)
                .send(get(server.grpcPort(), "/api/model"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, h2.statusCode(), h2.body());
        assertEquals(HttpClient.Version.HTTP_2, h2.version());
        assertThrows(
                IOException.class,
                () -> client(HttpClient.Version.HTTP_1_1)
                        .send(get(server.grpcPort(), "/api/model"), HttpResponse.BodyHandlers.ofString()));
        HttpResponse<String> probe = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.probePort() + "/health/live"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, probe.statusCode(), probe.body());
    }

    private static HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder()
                .sslContext(trusting)
                .version(version)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}
