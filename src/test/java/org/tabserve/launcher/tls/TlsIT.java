package org.tabserve.launcher.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.TabserveProcess;

/**
 * The packaged WAR serving HTTPS with client certificates (issue 63, item 1), as docs/security.md sets it up: a
 * certificate authority, the server's certificate and a client's, made by {@code openssl} (docs/examples/tls-certs.sh)
 * in a folder of the test's own; {@code java -jar target/tabserve.war --tls-cert ... --tls-key ... --tls-client-ca
 * ... --api-keys keys} as a process, the keys file naming the client {@code notes} by its line {@code notes
 * predict:banknote,read:banknote -}. Its clients are the doc's: curl, Python's requests (docs/examples/tls_requests.py)
 * and grpcio with {@code ssl_channel_credentials} (docs/examples/tls_grpc.py), and Java's HttpClient. A client without
 * a certificate, or with one of another authority, does not get past the handshake; {@code notes} predicts with
 * banknote and is 403 on the admin routes; a certificate of the authority whose CN has no line is 403; h2 is chosen by
 * ALPN; gRPC's ModelInfer over TLS answers as REST's infer. Started with a key others may read, or a certificate that
 * is not PEM, the server does not start and says why in one line. The doc's commands:
 *
 * <pre>
 * printf 'notes predict:banknote,read:banknote -\n' > keys
 * chmod 600 keys
 * java -jar target/tabserve.war --models models --api-keys keys --tls-cert server.pem --tls-key server-key.pem --tls-client-ca ca.pem --port 8443
 * curl -s --cacert ca.pem --cert notes.pem --key notes-key.pem https://localhost:8443/models/banknote/api/predict -H 'Content-Type: application/json' -d '{"variance": 3.6, "skewness": 8.6, "curtosis": -2.8, "entropy": -0.4}'
 * python3 tls_requests.py https://localhost:8443
 * python3 -m grpc_tools.protoc -I src/main/proto --python_out=. --grpc_python_out=. src/main/proto/grpc_service.proto
 * python3 tls_grpc.py localhost:8443
 * </pre>
 */
class TlsIT {

    /** The doc's keys file: notes, by its certificate. */
    static final String KEYS = "printf 'notes predict:banknote,read:banknote -\\n' > keys\nchmod 600 keys";
    /** The doc's start, run with this test's WAR and a free port for 8443. */
    static final String START = "java -jar target/tabserve.war --models models --api-keys keys --tls-cert server.pem"
            + " --tls-key server-key.pem --tls-client-ca ca.pem --port 8443";
    /** The doc's curl, run with the server's port for 8443. */
    static final String CURL = "curl -s --cacert ca.pem --cert notes.pem --key notes-key.pem"
            + " https://localhost:8443/models/banknote/api/predict -H 'Content-Type: application/json'"
            + " -d '{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.4}'";

    static final String PYTHON = "/usr/bin/python3";
    static final Path EXAMPLES = Path.of("docs", "examples").toAbsolutePath();
    static final String NOTE = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.4}";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static TabserveProcess server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        String doc = Files.readString(Path.of("docs", "security.md"));
        for (String command : List.of(KEYS, START, CURL)) { // what runs here is what the doc says
            assertTrue(doc.contains(command), "docs/security.md says " + command);
        }
        DocCertificates.make(dir);
        // A client of the same authority that the keys file does not name, and one named notes by another authority.
        certificate("stranger", "ca");
        run(List.of(
                "openssl",
                "req",
                "-x509",
                "-new",
                "-nodes",
                "-newkey",
                "rsa:2048",
                "-keyout",
                "other-ca-key.pem",
                "-out",
                "other-ca.pem",
                "-days",
                "1",
                "-subj",
                "/CN=another CA"));
        certificate("impostor", "other-ca");
        run(List.of("sh", "-c", KEYS));
        Files.createDirectories(dir.resolve("models"));
        Files.copy(BankNotes.MODEL, dir.resolve("models/banknote.onnx"));
        server = TabserveProcess.start(arguments(START), Map.of());
        server.awaitReady(Duration.ofSeconds(90));
        port = server.uri().getPort();
        assertEquals("https", server.uri().getScheme(), String.join("\n", server.output()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theDocsCurlPredictsAsNotes() throws Exception {
        Run curl = run(List.of("sh", "-c", CURL.replace("8443", Integer.toString(port))));
        JsonNode answer = JSON.readTree(curl.output());
        assertTrue(answer.has("label"), curl.output());
    }

    @Test
    void aClientWithoutACertificateOrWithAnotherAuthoritysIsRefusedAtTheHandshake() throws Exception {
        HttpClient none = HttpClient.newBuilder()
                .sslContext(context(null))
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        assertThrows(IOException.class, () -> none.send(predict(), HttpResponse.BodyHandlers.ofString()));
        HttpClient impostor = client("impostor");
        assertThrows(IOException.class, () -> impostor.send(predict(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(
                200,
                client("notes")
                        .send(predict(), HttpResponse.BodyHandlers.ofString())
                        .statusCode(),
                "the server answers the next client");
    }

    @Test
    void notesPredictsWithH2ByAlpnAndIsRefusedTheAdminRoutes() throws Exception {
        HttpResponse<String> answer = client("notes").send(predict(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(HttpClient.Version.HTTP_2, answer.version(), "h2, chosen by ALPN");
        HttpResponse<String> admin = client("notes")
                .send(request("/v2/repository/models/banknote/unload", "{}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, admin.statusCode(), admin.body());
        assertTrue(admin.body().contains("the client 'notes' may not do this"), admin.body());
        HttpResponse<String> other =
                client("notes").send(request("/models/nosuch/api/predict", NOTE), HttpResponse.BodyHandlers.ofString());
        assertTrue(other.statusCode() == 403 || other.statusCode() == 404, other.body());
    }

    @Test
    void aCertificateOfTheAuthorityWithoutALineIs403() throws Exception {
        HttpResponse<String> answer = client("stranger").send(predict(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, answer.statusCode(), answer.body());
        assertTrue(
                answer.body()
                        .contains("the client 'cert:stranger' may not do this: it needs the scope predict:banknote"),
                answer.body());
    }

    @Test
    void pythonRequestsWithTheClientCertificatePredicts() throws Exception {
        Run check = run(List.of(PYTHON, "-c", "import requests"), false);
        assumeTrue(check.exit() == 0, PYTHON + " cannot import requests (apt-get install python3-requests)");
        Run python = run(List.of(PYTHON, EXAMPLES.resolve("tls_requests.py").toString(), "https://localhost:" + port));
        assertTrue(python.output().startsWith("200 "), python.output());
        HttpResponse<String> java = client("notes").send(predict(), HttpResponse.BodyHandlers.ofString());
        assertEquals(
                JSON.readTree(java.body()).path("label"),
                JSON.readTree(python.output().substring(4)).path("label"));
    }

    @Test
    void grpcioOverTlsAnswersModelInferAsRestDoes() throws Exception {
        Run check = run(List.of(PYTHON, "-c", "import grpc, grpc_tools.protoc"), false);
        assumeTrue(
                check.exit() == 0,
                PYTHON + " cannot import grpc and grpc_tools (apt-get install python3-grpcio python3-grpc-tools)");
        Path proto = Path.of("src", "main", "proto").toAbsolutePath();
        run(List.of(
                PYTHON,
                "-m",
                "grpc_tools.protoc",
                "-I" + proto,
                "--python_out=.",
                "--grpc_python_out=.",
                proto.resolve("grpc_service.proto").toString()));
        Run python = run(List.of(PYTHON, EXAMPLES.resolve("tls_grpc.py").toString(), "localhost:" + port));
        String[] lines = python.output().strip().split("\n");
        JsonNode got = JSON.readTree(lines[lines.length - 1]);
        JsonNode metadata = JSON.readTree(client("notes")
                .send(get("/v2/models/banknote"), HttpResponse.BodyHandlers.ofString())
                .body());
        String infer = "{\"id\": \"tls\", \"inputs\": [{\"name\": \""
                + metadata.path("inputs").get(0).path("name").asText()
                + "\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [3.6, 8.6, -2.8, -0.4]}]}";
        HttpResponse<String> rest =
                client("notes").send(request("/v2/models/banknote/infer", infer), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rest.statusCode(), rest.body());
        JsonNode want = JSON.readTree(rest.body());
        assertEquals(want.path("model_name"), got.path("model_name"));
        assertEquals(want.path("id"), got.path("id"));
        GrpcWire.assertSameOutputs(want, got, python.output());
    }

    @Test
    void aKeyOthersMayReadOrACertificateThatIsNotPemStopsTheStartInWords() throws Exception {
        Path open = dir.resolve("open-key.pem");
        Files.copy(dir.resolve("server-key.pem"), open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        assertRefusedAtStart(
                List.of("--tls-cert", dir.resolve("server.pem").toString(), "--tls-key", open.toString()),
                "tabserve: cannot start: --tls-key " + open + " can be read or written by other users (its permissions"
                        + " are rw-r--r--)");
        Path der = dir.resolve("server.der");
        run(List.of("openssl", "x509", "-in", "server.pem", "-outform", "DER", "-out", "server.der"));
        assertRefusedAtStart(
                List.of(
                        "--tls-cert",
                        der.toString(),
                        "--tls-key",
                        dir.resolve("server-key.pem").toString()),
                "tabserve: cannot start: --tls-cert " + der + " is not a PEM file");
    }

    private static void assertRefusedAtStart(List<String> tls, String said) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(tls);
        try (TabserveProcess refused = TabserveProcess.start(args, Map.of())) {
            assertEquals(1, refused.awaitExit(Duration.ofSeconds(90)), String.join("\n", refused.output()));
            List<String> output = refused.output();
            assertTrue(output.stream().anyMatch(l -> l.startsWith(said)), String.join("\n", output));
            assertTrue(
                    output.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
                    "no stack trace:\n" + String.join("\n", output));
        }
    }

    /** The doc's start as the process's arguments: this test's files for the doc's, any free port for 8443. */
    private static List<String> arguments(String command) {
        List<String> args = new ArrayList<>();
        for (String word :
                command.substring("java -jar target/tabserve.war ".length()).split(" ")) {
            args.add(
                    word.startsWith("--")
                            ? word
                            : word.equals("8443") ? "0" : dir.resolve(word).toString());
        }
        return args;
    }

    /** A client certificate {@code name}.pem (its CN {@code name}) and its key, signed by {@code ca}.pem. */
    private static void certificate(String name, String ca) throws Exception {
        run(List.of(
                "openssl",
                "req",
                "-new",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-keyout",
                name + "-key.pem",
                "-out",
                name + ".csr",
                "-subj",
                "/CN=" + name));
        run(List.of(
                "openssl",
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                ca + ".pem",
                "-CAkey",
                ca + "-key.pem",
                "-CAcreateserial",
                "-days",
                "1",
                "-out",
                name + ".pem"));
        Files.setPosixFilePermissions(dir.resolve(name + "-key.pem"), PosixFilePermissions.fromString("rw-------"));
    }

    /** Java's HttpClient presenting {@code name}'s certificate, trusting the authority, h2 if the server takes it. */
    private static HttpClient client(String name) throws Exception {
        return HttpClient.newBuilder()
                .sslContext(context(name))
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static SSLContext context(String name) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(
                "ca", PemFiles.certificates(dir.resolve("ca.pem"), "ca").get(0));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = null;
        if (name != null) {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            PrivateKey key = PemFiles.privateKey(dir.resolve(name + "-key.pem"), "key");
            List<X509Certificate> chain = PemFiles.certificates(dir.resolve(name + ".pem"), "cert");
            own.setKeyEntry(name, key, "x".toCharArray(), chain.toArray(X509Certificate[]::new));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, "x".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static HttpRequest predict() {
        return request("/models/banknote/api/predict", NOTE);
    }

    private static HttpRequest request(String path, String json) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    record Run(int exit, String output) {}

    private static Run run(List<String> command) throws Exception {
        Run run = run(command, true);
        return run;
    }

    private static Run run(List<String> command, boolean mustPass) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", dir.toString()); // the stubs grpc_tools made there
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (mustPass) {
            assertEquals(0, exit, command + ":\n" + output);
        }
        return new Run(exit, output);
    }
}
