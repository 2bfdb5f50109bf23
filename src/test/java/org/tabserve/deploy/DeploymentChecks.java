package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.KeyDigests;

/**
 * The end-to-end suite every deployment of the WAR must pass, whoever runs it (embedded Jetty, the Jetty base the
 * Docker image builds, Debian's Tomcat 10.1, Tomcat 11, ...), the same assertions everywhere: every route family (the
 * form and its posts, JSON, the Flask routes, uploads in CSV, JSON Lines, Arrow and Parquet answered in each format,
 * {@code /invocations}, the Open Inference Protocol over REST and over gRPC from grpc-java and Python's grpcio, the
 * pages, {@code /metrics}, labels, explanations), with API keys on: the server is started with {@link #ENVIRONMENT}
 * (a keys file of {@link #KEY}, which has every scope the suite uses, and {@link #READER_KEY}, which may only read;
 * browser pages of {@link #CORS_ORIGIN} allowed; a person's sign-in through the suite's own issuer, {@link SuiteIssuer},
 * which only a browser's navigation without a credential meets: every request of the suite's sends a key or is not
 * a navigation, and means what it did without the sign-in).
 * Answers are compared with the same rows' answers on another route, bit for bit, not with numbers written here.
 *
 * <p>A subclass starts its runtime once for all the cases and says where it listens ({@link #base()}) and what it
 * printed ({@link #log()}); where the runtime cannot do something, it says so by name ({@link #noGrpcBecause()},
 * {@link #noPythonGrpcBecause}), and the case is skipped with those words, never in silence.
 */
abstract class DeploymentChecks implements TricklingBodyChecks, ConnectionFloodChecks, SignInChecks, TraceChecks {

    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The suite's REST client: HTTP/1.1, as docs/deploy.md tells clients of Tomcat's h2c connector that post more than
     * its {@code maxSavePostSize} (the JDK client's default, an {@code Upgrade: h2c} request, gets Tomcat's own 413
     * there; TomcatChecks shows it).
     */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** A genuine note from the data set: the bundled model says label "0". */
    static final String GENUINE_ROW =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    /** A small upload limit, so that going past it is cheap: each deployment is started with it. */
    static final long UPLOAD_LIMIT = 256 << 10;
    /** The largest multipart body the app lets the container read: the limit plus room for the framing. */
    static final long UPLOAD_BODY_LIMIT = UPLOAD_LIMIT + 65_536;
    /** The suite's API key: the scopes every case needs (predict, explain, read, metrics, label). */
    static final String KEY = "suite-key-0123456789abcdef0123456789abcdef";
    /** A key that may read (the pages, the model's description) and do nothing else. */
    static final String READER_KEY = "reader-key-0123456789abcdef0123456789abcd";
    /** The environment every deployment under test runs with: the upload limit and the keys file. */
    /** The suite's key as a raw request's header line. */
    static final String AUTHORIZATION = "Authorization: Bearer " + KEY + "\r\n";

    /** The origin whose browser pages may call the JSON routes (CORS): each deployment is started allowing it. */
    static final String CORS_ORIGIN = "https://app.example.com";

    static final Map<String, String> ENVIRONMENT = withSignIn(Map.of(
            "TABSERVE_MAX_UPLOAD_BYTES",
            Long.toString(UPLOAD_LIMIT),
            "TABSERVE_API_KEYS",
            keysFile().toString(),
            "TABSERVE_MODEL",
            cardedModel().toString(),
            "TABSERVE_CORS_ORIGINS",
            CORS_ORIGIN));

    /** {@code environment} and a person's sign-in through the suite's own issuer, up from here on ({@link SuiteIssuer}). */
    private static Map<String, String> withSignIn(Map<String, String> environment) {
        Map<String, String> all = new java.util.TreeMap<>(environment);
        all.putAll(SuiteIssuer.ENVIRONMENT);
        all.putAll(TraceChecks.ENVIRONMENT);
        return java.util.Collections.unmodifiableMap(all);
    }

    /** @return the base URI of the deployed app, ending in {@code /} */
    abstract URI base();

    @Override
    public final URI deployed() {
        return base();
    }

    /** @return what the server has printed so far (its log) */
    abstract List<String> log();

    /** @return why this runtime cannot serve gRPC (no HTTP/2 cleartext), or empty when it serves it */
    Optional<String> noGrpcBecause() {
        return Optional.empty();
    }

    /**
     * @return why this runtime ends a streamed answer on a closing connection by closing it, not with a last chunk
     *         (so a cut answer reads as a shorter one there), or null where it chunks; docs/deploy.md says it too
     */
    String endsAClosingAnswerByClosingBecause() {
        return null;
    }

    /**
     * @return why this runtime's client may never read the app's 413 for a body without a length that outgrows the
     *         limit (the runtime closes the connection under the body still arriving), or null where it arrives
     */
    String losesARefusalSentMidBodyBecause() {
        return null;
    }

    /**
     * @param clientOutput what Python's grpcio client printed when its calls failed
     * @return why this runtime cannot serve grpcio's calls, as its log shows, or empty when it should have
     */
    Optional<String> noPythonGrpcBecause(String clientOutput) {
        return Optional.empty();
    }

    /**
     * The bundled bank-note model carded by the real {@code card} command with its training data (so that it can
     * explain its answers: the card's background sample), written once per test JVM under its served name.
     */
    private static Path cardedModel() {
        Path dir = Path.of("target", "it", "suite-model").toAbsolutePath();
        Path model = dir.resolve("banknote-authenticator.onnx");
        try {
            Files.createDirectories(dir);
            if (!Files.exists(model)) {
                Path carded = org.tabserve.cli.FixtureCards.banknote(Files.createTempDirectory(dir, "card"));
                Files.move(carded, model, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return model;
        } catch (java.nio.file.FileAlreadyExistsException anotherJvmWasFirst) {
            return model;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The keys file of {@link #KEY} and {@link #READER_KEY} (docs/security.md), in a folder only its owner reads. */
    private static Path keysFile() {
        return Containers.ownerOnlyFile(
                "suite-keys",
                "keys",
                "suite   predict,explain,read,metrics,label  " + KeyDigests.sha256(KEY) + "\n" + "reader  read  "
                        + KeyDigests.sha256(READER_KEY) + "\n");
    }

    @Test
    void reportsReadyWithTheBundledModel() throws Exception {
        HttpResponse<String> response = get("/health/ready");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("ready", body.path("status").asText());
        assertEquals("banknote-authenticator", body.path("model").asText());
    }

    @Test
    void predictsTheKnownGenuineNoteAsLabelZero() throws Exception {
        HttpResponse<String> response = postJson("/api/predict", GENUINE_ROW);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("0", body.path("label").asText());
        assertTrue(body.path("probabilities").path("0").asDouble() > 0.9, response.body());
    }

    @Test
    void predictsABatchOfObjectAndArrayRowsInOrder() throws Exception {
        HttpResponse<String> response = postJson(
                "/api/predict", "{\"instances\": [" + GENUINE_ROW + ", [-3.0, 2.0, 1.0, 0.5], " + GENUINE_ROW + "]}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode predictions = JSON.readTree(response.body()).path("predictions");
        assertEquals(3, predictions.size(), response.body());
        assertEquals("0", predictions.get(0).path("label").asText());
        assertEquals("0", predictions.get(2).path("label").asText());
    }

    @Test
    void predictsEveryRowOfAnUploadedCsv() throws Exception {
        String csv = "variance,skewness,curtosis,entropy,id\r\n3.6216,8.6661,-2.8073,-0.44699,a\r\n"
                + "-1.3971,3.3191,-1.3927,-1.9948,b\r\n";
        String boundary = "tabserve-" + System.nanoTime();
        String multipart = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
        HttpRequest request = request("/predict_file")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(multipart, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = send(request);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode predictions = JSON.readTree(response.body()).path("predictions");
        assertEquals(2, predictions.size(), response.body());
        assertEquals("0", predictions.get(0).path("label").asText());
    }

    /**
     * An upload's answer, small (ended before the first byte is sent) or large (sent while it is written), as CSV and
     * as JSON, read off a raw socket: exactly one of Content-Length and Transfer-Encoding, a body framed as it says,
     * and the next answer on the connection starting right after it. Tomcat answered with both headers and an
     * unchunked body when the app set Transfer-Encoding itself (issue 76): the shape of response smuggling.
     */
    @Test
    void anUploadsAnswerIsFramedByExactlyOneHeaderAndEndsWhereItsFramingSays() throws Exception {
        String small = "variance,skewness,curtosis,entropy\r\n3.6216,8.6661,-2.8073,-0.44699\r\n";
        byte[] large = java.nio.file.Files.readAllBytes(org.tabserve.testing.BankNotes.DATA);
        for (byte[] csv : List.of(small.getBytes(StandardCharsets.US_ASCII), large)) {
            org.tabserve.testing.Multipart upload = org.tabserve.testing.Multipart.csv(csv);
            byte[] body = upload.bytes();
            long rows = new String(csv, StandardCharsets.US_ASCII).lines().count() - 1;
            for (String accept : List.of("text/csv", "application/json")) {
                org.tabserve.testing.RawFraming.Answer answer = org.tabserve.testing.RawFraming.exchange(
                        base(),
                        "POST /predict_file HTTP/1.1\r\nHost: localhost\r\n" + AUTHORIZATION + "Content-Type: "
                                + upload.contentType()
                                + "\r\nAccept: " + accept + "\r\nContent-Length: " + body.length + "\r\n\r\n",
                        body);
                assertTrue(answer.statusLine().startsWith("HTTP/1.1 200"), accept + ": " + answer.statusLine());
                long answered = accept.equals("text/csv")
                        ? answer.text().lines().count() - 1
                        : JSON.readTree(answer.text()).path("predictions").size();
                assertEquals(rows, answered, accept + ", " + rows + " rows: " + answer.headers());
            }
        }
        // On a connection the server closes after the answer, the answer is still chunked and ends with its last
        // chunk: an answer cut short (a stop, a failure after the first rows) then fails at the client instead of
        // reading as a shorter table.
        org.tabserve.testing.Multipart upload = org.tabserve.testing.Multipart.csv(large);
        byte[] body = upload.bytes();
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        sent.writeBytes(("POST /predict_file HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: "
                        + upload.contentType() + "\r\nAccept: text/csv\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        sent.writeBytes(body);
        RawAnswer closing = raw(sent.toString(StandardCharsets.ISO_8859_1));
        assertTrue(closing.statusLine().startsWith("HTTP/1.1 200"), closing.statusLine());
        org.junit.jupiter.api.Assumptions.assumeTrue(
                endsAClosingAnswerByClosingBecause() == null, this::endsAClosingAnswerByClosingBecause);
        assertTrue(closing.headers().contains("transfer-encoding: chunked"), closing.headers());
        assertFalse(closing.headers().contains("content-length:"), closing.headers());
        assertTrue(closing.body().endsWith("\r\n0\r\n\r\n"), "ends with the last chunk");
    }

    @Test
    void describesTheModelsFeaturesAndClasses() throws Exception {
        HttpResponse<String> response = get("/api/model");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("banknote-authenticator", body.path("name").asText());
        List<String> features = new ArrayList<>();
        body.path("input")
                .path("features")
                .forEach(f -> features.add(f.path("name").asText()));
        assertEquals(
                List.of("curtosis", "entropy", "skewness", "variance"),
                features.stream().sorted().toList());
        assertEquals(2, body.path("classes").size());
    }

    @Test
    void answersAFieldErrorWith400ProblemJson() throws Exception {
        HttpResponse<String> response = postJson(
                "/api/predict",
                "{\"variance\": \"lots\", \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(400, body.path("status").asInt());
        assertEquals("variance", body.path("errors").get(0).path("field").asText(), response.body());
    }

    @Test
    void answersAnUnknownRouteWith404() throws Exception {
        HttpResponse<String> response = send(request("/no/such/route")
                .header("Accept", "application/json")
                .GET()
                .build());
        assertEquals(404, response.statusCode(), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    @Test
    void doesNotServeTheLauncherOrItsJars() throws Exception {
        for (String path : List.of(
                "/org/tabserve/launcher/Main.class",
                "/WEB-INF/lib-jetty/tabserve-launcher.jar",
                "/WEB-INF/lib-jetty/",
                "/META-INF/MANIFEST.MF",
                "/WEB-INF/web.xml")) {
            HttpResponse<byte[]> response =
                    HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertNotEquals(200, response.statusCode(), path + " was served");
            byte[] body = response.body();
            assertFalse(
                    body.length >= 4 && (body[0] & 0xff) == 0xCA && (body[1] & 0xff) == 0xFE, path + " sent a class");
            assertFalse(body.length >= 2 && body[0] == 'P' && body[1] == 'K', path + " sent a jar");
        }
    }

    @Test
    void anUploadOverTheUploadLimitSentWithoutALengthGets413() throws Exception {
        String boundary = "tabserve-" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
                        + "Content-Type: text/csv\r\n\r\nvariance,skewness,curtosis,entropy\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] rows = "1,2,3,4\n".repeat((int) (2 * UPLOAD_BODY_LIMIT / 8)).getBytes(StandardCharsets.US_ASCII);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                losesARefusalSentMidBodyBecause() == null, this::losesARefusalSentMidBodyBecause);
        // No length: the container finds the upload too large only while reading it, past the limit.
        HttpRequest request = request("/predict_file")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                                new ByteArrayInputStream(head),
                                new ByteArrayInputStream(rows),
                                new ByteArrayInputStream(tail))))))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        assertEquals(
                "the upload is larger than the limit of " + UPLOAD_LIMIT + " bytes; the server's setting"
                        + " tabserve.max-upload-bytes raises the limit (a -D system property, a context init-parameter or the"
                        + " environment variable TABSERVE_MAX_UPLOAD_BYTES)",
                JSON.readTree(response.body()).path("detail").asText(),
                response.body());
    }

    /**
     * Why this runtime answers {@code Expect: 100-continue} itself, before the app can refuse a body on its declared
     * length, or null where the app decides (Jetty; Tomcat with {@code continueResponseTiming="onRead"}). A runtime
     * that has a reason says it here and docs/deploy.md says it too; the check below is then assumed away in its words.
     */
    String invitesTheBodyBeforeTheApp() {
        return null;
    }

    @Test
    void aDeclaredLengthOverALimitIsRefusedWith413AndTheConnectionClosedWithout100ContinueOrReadingTheBody()
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                invitesTheBodyBeforeTheApp() == null, this::invitesTheBodyBeforeTheApp);
        Map<String, String> refusals = Map.of(
                "POST /api/predict HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + (5 << 20),
                "the body has " + (5 << 20) + " bytes; the limit is " + (4 << 20) + " bytes",
                // 64 MiB: far over the app's upload limit here, under the Jetty base's container-wide ceiling (220
                // MiB, deploy/jetty-base.sh), past which Jetty itself refuses with a 413 of its own, also unread.
                "POST /predict_file HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: "
                        + (64 << 20),
                "the upload has " + (64 << 20) + " bytes; the limit is " + UPLOAD_BODY_LIMIT + " bytes");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            // Headers only: the client waits for 100 Continue before sending a byte of the body.
            RawAnswer answer = raw(refusal.getKey() + "\r\nHost: localhost\r\nAccept: application/json\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            assertTrue(answer.statusLine().startsWith("HTTP/1.1 413 "), refusal.getKey() + ": " + answer);
            assertTrue(answer.headers().contains("connection: close"), refusal.getKey() + ": " + answer);
            assertTrue(answer.closed(), refusal.getKey() + ": the connection stayed open: " + answer);
            assertTrue(answer.body().contains(refusal.getValue()), refusal.getKey() + ": " + answer);
        }
    }

    @Test
    void aClientThatHangsUpWhileItsRefusedBodyIsSkippedLeavesNoErrorInTheLog() throws Exception {
        URI base = base();
        int mark = log().size(); // what the container printed before (its start-up) is not this request's doing
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            // Refused at once (wrong content type), so the server skips the body; the client stops a tenth of the way.
            socket.getOutputStream()
                    .write(("POST /api/predict HTTP/1.1\r\nHost: localhost\r\n" + AUTHORIZATION
                                    + "Content-Type: text/plain" + "\r\nContent-Length: 1000000\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[100_000]);
            socket.getOutputStream().flush();
            Thread.sleep(300);
        }
        Thread.sleep(1_000); // the server notices the hang-up and finishes the request
        assertEquals(200, postJson("/api/predict", GENUINE_ROW).statusCode(), "the server still answers");
        List<String> errors = ErrorLines.since(log(), mark);
        assertTrue(errors.isEmpty(), "logged as errors: " + errors);
    }

    @Test
    void listsNoDirectoryAndAnswersOneWithTheApps404() throws Exception {
        String apidocs = get("/apidocs").body();
        java.util.regex.Matcher version =
                java.util.regex.Pattern.compile("webjars/swagger-ui/([^/\"]+)/").matcher(apidocs);
        assertTrue(version.find(), apidocs);
        String swagger = "/webjars/swagger-ui/" + version.group(1) + "/";
        for (String path : List.of(
                "/static/",
                "/static",
                "/webjars/",
                "/webjars",
                "/webjars/swagger-ui/",
                swagger,
                swagger.substring(0, swagger.length() - 1))) {
            HttpResponse<String> response = send(
                    request(path).header("Accept", "application/json").GET().build());
            assertEquals(404, response.statusCode(), path + ": " + response.body());
            assertEquals(
                    "Not found", JSON.readTree(response.body()).path("title").asText(), path + ": " + response.body());
            assertFalse(
                    response.body().contains("tabserve.css") || response.body().contains("swagger-ui.css"),
                    path + " lists files: " + response.body());
        }
        assertEquals(200, get("/static/tabserve.css").statusCode(), "a file is still served");
        assertEquals(200, get(swagger + "swagger-ui.css").statusCode(), "a webjar file is still served");
    }

    @Test
    void refusesTraceWith405EchoingNothing() throws Exception {
        // Servlets that do not handle TRACE themselves (the metrics, the gRPC service) would echo the request back.
        for (String path : List.of("/metrics", "/inference.GRPCInferenceService/ServerLive")) {
            RawAnswer answer = raw("TRACE " + path + " HTTP/1.1\r\nHost: localhost\r\n" + AUTHORIZATION
                    + "Accept: application/json\r\nConnection: close\r\n\r\n");
            assertTrue(answer.statusLine().startsWith("HTTP/1.1 405 "), path + ": " + answer);
            assertFalse((answer.headers() + answer.body()).contains(KEY), path + " echoes: " + answer);
        }
    }

    @Test
    void theContainersOwnRefusalsNameNoServerNorVersion() throws Exception {
        // Refused by the container before the app sees them: no Host, an encoded slash, an encoded NUL.
        for (String request : List.of(
                "GET /api/model HTTP/1.1\r\nConnection: close\r\n\r\n",
                "GET /api%2fmodel HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /api/mo%00del HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) {
            RawAnswer answer = raw(request);
            assertTrue(answer.statusLine().matches("HTTP/1.1 4\\d\\d .*"), request + ": " + answer);
            String all = (answer.headers() + answer.body()).toLowerCase(java.util.Locale.ROOT);
            for (String tell : List.of("tomcat", "jetty", "exception", "server:")) {
                assertFalse(
                        all.contains(tell),
                        request.lines().findFirst().orElseThrow() + " reveals '" + tell + "': " + answer);
            }
            assertFalse(all.matches("(?s).*\\b(10|11|12)\\.\\d+\\.\\d+.*"), request + " shows a version: " + answer);
        }
    }

    // ---- Every route family, with API keys on: each compared with the same rows' answer on another route. ----

    /** The genuine row's answer from {@code POST /api/predict}, which the other routes are compared with. */
    JsonNode genuineAnswer() throws Exception {
        HttpResponse<String> response = postJson("/api/predict", GENUINE_ROW);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void withoutAKeyEveryRouteButHealthIs401AndAReadOnlyKeyCannotPredict() throws Exception {
        for (String path : List.of(
                "/", "/card", "/models", "/apidocs", "/metrics", "/api/model", "/v2/models/" + GrpcCalls.MODEL)) {
            HttpResponse<String> without =
                    send(HttpRequest.newBuilder(uri(path)).GET().build());
            assertEquals(401, without.statusCode(), path + ": " + without.body());
            assertEquals(
                    "Bearer realm=\"tabserve\"",
                    without.headers().firstValue("WWW-Authenticate").orElse(""),
                    path);
        }
        assertEquals(
                200, send(HttpRequest.newBuilder(uri("/health/ready")).build()).statusCode(), "health is open");
        HttpResponse<String> reader = send(HttpRequest.newBuilder(uri("/api/predict"))
                .header("Authorization", "Bearer " + READER_KEY)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GENUINE_ROW))
                .build());
        assertEquals(403, reader.statusCode(), reader.body());
        assertTrue(reader.body().contains("predict"), "names the scope it lacks: " + reader.body());
        assertEquals(
                200,
                send(HttpRequest.newBuilder(uri("/api/model"))
                                .header("Authorization", "Bearer " + READER_KEY)
                                .build())
                        .statusCode());
        String printed = String.join("\n", log());
        assertFalse(printed.contains(KEY) || printed.contains(READER_KEY), "a key in the log");
    }

    /**
     * Issue 79, item 4: a browser page of the listed origin is answered its preflight without a key (a preflight
     * carries none), and its prediction with the key carries the origin; another origin's preflight is refused in
     * words, with no CORS header: the app's own filter, the same in every container.
     */
    @Test
    void aListedOriginsPreflightNeedsNoKeyAndAnotherOriginsIsRefusedInWords() throws Exception {
        HttpResponse<String> preflight = send(preflight(CORS_ORIGIN));
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(Optional.of(CORS_ORIGIN), preflight.headers().firstValue("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("POST"), preflight.headers().firstValue("Access-Control-Allow-Methods"));
        assertTrue(preflight
                .headers()
                .firstValue("Access-Control-Allow-Headers")
                .orElse("")
                .contains("Authorization"));
        HttpResponse<String> answer = send(request("/api/predict")
                .header("Origin", CORS_ORIGIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GENUINE_ROW, StandardCharsets.UTF_8))
                .build());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(Optional.of(CORS_ORIGIN), answer.headers().firstValue("Access-Control-Allow-Origin"));
        HttpResponse<String> hostile = send(preflight("https://evil.example.net"));
        assertEquals(403, hostile.statusCode(), hostile.body());
        assertTrue(hostile.body().contains("not among the server's CORS origins"), hostile.body());
        assertEquals(Optional.empty(), hostile.headers().firstValue("Access-Control-Allow-Origin"));
    }

    private HttpRequest preflight(String origin) {
        return HttpRequest.newBuilder(uri("/api/predict"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build();
    }

    @Test
    void theFormAndItsPostsAnswerAsTheApi() throws Exception {
        JsonNode api = genuineAnswer();
        HttpResponse<String> form = get("/");
        assertEquals(200, form.statusCode(), form.body());
        assertTrue(form.body().contains("id=\"predict\""), "the form: " + form.body());
        JsonNode row = JSON.readTree(GENUINE_ROW);
        StringBuilder fields = new StringBuilder();
        row.fieldNames()
                .forEachRemaining(name -> fields.append(fields.length() == 0 ? "" : "&")
                        .append(name)
                        .append('=')
                        .append(row.path(name).asText()));
        HttpResponse<String> posted = send(request("/")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(fields.toString()))
                .build());
        assertEquals(200, posted.statusCode(), posted.body());
        assertTrue(
                java.util.regex.Pattern.compile("id=\"predicted\"[^>]*>"
                                + api.path("display_name").asText() + "<")
                        .matcher(posted.body())
                        .find(),
                "the form's answer is the API's " + api.path("display_name") + ": " + posted.body());
        assertTrue(
                posted.body().contains(api.path("model_sha256").asText().substring(0, 12)),
                "names the model file that answered");
        org.tabserve.testing.Multipart upload = org.tabserve.testing.Multipart.csv(
                "variance,skewness,curtosis,entropy\n3.6216,8.6661,-2.8073,-0.44699\n");
        HttpResponse<String> page = send(request("/predict_file?format=html")
                .header("Content-Type", upload.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload.bytes()))
                .build());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.body());
        assertTrue(page.body().contains(api.path("display_name").asText()), "the upload's page: " + page.body());
    }

    @Test
    void theFlaskRoutesAndInvocationsAnswerAsApiPredict() throws Exception {
        JsonNode api = genuineAnswer();
        JsonNode row = JSON.readTree(GENUINE_ROW);
        StringBuilder query = new StringBuilder();
        row.fieldNames()
                .forEachRemaining(name -> query.append(query.length() == 0 ? "?" : "&")
                        .append(name)
                        .append('=')
                        .append(row.path(name).asText()));
        HttpResponse<String> get = get("/predict" + query);
        HttpResponse<String> post = postJson("/predict", GENUINE_ROW);
        for (HttpResponse<String> flask : List.of(get, post)) {
            assertEquals(200, flask.statusCode(), flask.body());
            JsonNode answer = JSON.readTree(flask.body());
            assertEquals(api.path("label"), answer.path("label"), flask.body());
            assertEquals(api.path("probabilities"), answer.path("probabilities"), "the same bits: " + flask.body());
        }
        HttpResponse<String> invocations = send(request("/invocations")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataframe_records\": [" + GENUINE_ROW + "]}"))
                .build());
        assertEquals(200, invocations.statusCode(), invocations.body());
        assertEquals(
                api.path("label").asText(),
                JSON.readTree(invocations.body()).path("predictions").get(0).asText(),
                invocations.body());
    }

    /**
     * The same notes (TableFormats.ROWS of them) uploaded to {@code /predict_file} as CSV, JSON Lines, Arrow and Parquet, each answered in
     * CSV, JSON, JSON Lines, Arrow and Parquet: every answer's probabilities are the CSV upload's CSV answer's, bit for
     * bit, and {@code /invocations} on the CSV answers the same labels.
     */
    @Test
    void uploadsInEveryFormatAreAnsweredInEveryFormatWithTheSameBits() throws Exception {
        List<TableFormats.Upload> uploads = TableFormats.uploads();
        List<Double> want = null;
        for (TableFormats.Upload upload : uploads) {
            List<String> formats = upload.filename().endsWith(".csv") ? TableFormats.ANSWER_FORMATS : List.of("csv");
            for (String format : formats) {
                org.tabserve.testing.Multipart body = new org.tabserve.testing.Multipart()
                        .file("file", upload.filename(), upload.mediaType(), upload.bytes());
                HttpResponse<byte[]> answer = HTTP.send(
                        request("/predict_file?format=" + format)
                                .header("Content-Type", body.contentType())
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                String what = upload.filename() + " answered as " + format;
                assertEquals(200, answer.statusCode(), what + ": " + new String(answer.body(), StandardCharsets.UTF_8));
                List<Double> got = TableFormats.probabilities(format, answer.body());
                assertEquals(TableFormats.ROWS, got.size(), what);
                if (want == null) {
                    want = got;
                }
                assertEquals(want, got, what + ": the same probabilities, bit for bit, as the CSV's CSV answer");
            }
        }
        HttpResponse<String> invocations = send(request("/invocations")
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(uploads.get(0).bytes()))
                .build());
        assertEquals(200, invocations.statusCode(), invocations.body());
        JsonNode labels = JSON.readTree(invocations.body()).path("predictions");
        assertEquals(TableFormats.ROWS, labels.size(), invocations.body());
        for (int r = 0; r < TableFormats.ROWS; r++) {
            assertEquals(want.get(r) > 0.5 ? "1" : "0", labels.get(r).asText(), "row " + r);
        }
    }

    @Test
    void thePagesAndMetricsAreServedToAKeyThatMayReadThem() throws Exception {
        for (String path : List.of("/card", "/models", "/apidocs")) {
            HttpResponse<String> page = get(path);
            assertEquals(200, page.statusCode(), path + ": " + page.body());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), path);
            assertTrue(page.body().contains(GrpcCalls.MODEL) || path.equals("/apidocs"), path + ": " + page.body());
        }
        genuineAnswer();
        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(
                metrics.body().lines().anyMatch(l -> l.startsWith("tabserve_") && l.contains(GrpcCalls.MODEL)),
                "a series of the model's: " + metrics.body().lines().limit(40).toList());
    }

    @Test
    void aLabelIsJoinedToTheCallersAnswer() throws Exception {
        String id = "suite-" + System.nanoTime();
        HttpResponse<String> answer = send(request("/api/predict")
                .header("Content-Type", "application/json")
                .header("X-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString(GENUINE_ROW))
                .build());
        assertEquals(200, answer.statusCode(), answer.body());
        HttpResponse<String> label = postJson(
                "/api/feedback",
                "{\"request_id\": \"" + id + "\", \"label\": \""
                        + JSON.readTree(answer.body()).path("label").asText() + "\"}");
        assertEquals(200, label.statusCode(), label.body());
        assertEquals(1, JSON.readTree(label.body()).path("joined").asInt(), label.body());
    }

    @Test
    void anExplanationExplainsTheAnswersProbability() throws Exception {
        JsonNode api = genuineAnswer();
        HttpResponse<String> response = postJson("/api/predict?explain=true", GENUINE_ROW);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        JsonNode explanation = answer.path("explanation");
        assertEquals(api.path("probabilities"), answer.path("probabilities"), "explaining changes no answer");
        assertEquals(
                api.path("probabilities").path(api.path("label").asText()).doubleValue(),
                explanation.path("output").doubleValue(),
                response.body());
        double sum = explanation.path("base_value").doubleValue();
        for (JsonNode contribution : explanation.path("contributions")) {
            sum += contribution.doubleValue();
        }
        assertEquals(explanation.path("output").doubleValue(), sum, 1e-6, response.body());
    }

    @Test
    void grpcFromGrpcJavaAnswersAsRestV2AndRefusesWithItsStatusAndWords() throws Exception {
        noGrpcBecause().ifPresent(why -> org.junit.jupiter.api.Assumptions.assumeTrue(false, why));
        GrpcCalls.assertModelInferAnswersAsRestV2(base());
        GrpcCalls.Refusal refusal = GrpcCalls.unknownModelInfer(base());
        assertEquals(
                io.grpc.Status.Code.NOT_FOUND,
                refusal.grpc().getCode(),
                refusal.grpc().toString());
        assertEquals(refusal.restMessage(), refusal.grpc().getDescription());
        // Refused in front of the service, by the keys: the status and words still arrive.
        io.grpc.Status[] refused = new io.grpc.Status[2];
        GrpcCalls.withStub(
                base(),
                null,
                stub -> refused[0] = org.junit.jupiter.api.Assertions.assertThrows(
                                io.grpc.StatusRuntimeException.class,
                                () -> stub.modelInfer(org.tabserve.web.v2.grpc.OpenInferenceGrpcTest.grpcRequest(
                                        GrpcCalls.MODEL, GrpcCalls.NOTES, false)))
                        .getStatus());
        GrpcCalls.withStub(
                base(),
                READER_KEY,
                stub -> refused[1] = org.junit.jupiter.api.Assertions.assertThrows(
                                io.grpc.StatusRuntimeException.class,
                                () -> stub.modelInfer(org.tabserve.web.v2.grpc.OpenInferenceGrpcTest.grpcRequest(
                                        GrpcCalls.MODEL, GrpcCalls.NOTES, false)))
                        .getStatus());
        assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, refused[0].getCode(), refused[0].toString());
        assertEquals(io.grpc.Status.Code.PERMISSION_DENIED, refused[1].getCode(), refused[1].toString());
        assertTrue(String.valueOf(refused[1].getDescription()).contains("predict"), refused[1].toString());
    }

    /**
     * A call whose metadata is past every runtime's header limit (16 KiB in one value) is refused, and the valid calls
     * after it on the same channel are all answered (on Tomcat 10.1 a quarter of them had been answered HTTP 500).
     */
    @Test
    void aCallWithOversizeMetadataLeavesItsChannelAnsweringTheNextCalls() throws Exception {
        noGrpcBecause().ifPresent(why -> org.junit.jupiter.api.Assumptions.assumeTrue(false, why));
        io.grpc.Metadata oversize = new io.grpc.Metadata();
        oversize.put(
                io.grpc.Metadata.Key.of("x-oversize", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "x".repeat(16 << 10));
        GrpcCalls.withStub(base(), stub -> {
            var request =
                    org.tabserve.web.v2.grpc.OpenInferenceGrpcTest.grpcRequest(GrpcCalls.MODEL, GrpcCalls.NOTES, false);
            var expected = stub.modelInfer(request).getOutputsList();
            org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class,
                    () -> stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(oversize))
                            .modelInfer(request),
                    "16 KiB of metadata answered");
            List<String> failed = new java.util.ArrayList<>();
            for (int call = 0; call < 20; call++) {
                try {
                    if (!stub.withWaitForReady()
                            .modelInfer(request)
                            .getOutputsList()
                            .equals(expected)) {
                        failed.add(call + ": another answer");
                    }
                } catch (io.grpc.StatusRuntimeException e) {
                    failed.add(call + ": " + e.getStatus());
                }
            }
            assertEquals(List.of(), failed, "valid calls after the oversize one; log: " + log());
        });
    }

    @Test
    void grpcFromPythonsGrpcioAnswersAsRestV2() throws Exception {
        noGrpcBecause().ifPresent(why -> org.junit.jupiter.api.Assumptions.assumeTrue(false, why));
        PythonGrpc.Result python = PythonGrpc.call(base(), GrpcCalls.MODEL, KEY);
        JsonNode rest = JSON.readTree(
                postJson("/v2/models/" + GrpcCalls.MODEL + "/infer", JSON.writeValueAsString(PythonGrpc.restRequest()))
                        .body());
        HttpResponse<String> unknown =
                postJson("/v2/models/no-such-model/infer", JSON.writeValueAsString(PythonGrpc.restRequest()));
        if (!python.answered()) {
            Optional<String> why = noPythonGrpcBecause(python.output());
            org.junit.jupiter.api.Assumptions.assumeTrue(why.isEmpty(), () -> why.orElseThrow());
        }
        assertTrue(python.answered(), python.output());
        org.tabserve.testing.GrpcWire.assertSameOutputs(rest, python.json().path("infer"), python.output());
        assertEquals("NOT_FOUND", python.json().path("error").path("code").asText(), python.output());
        assertEquals(
                JSON.readTree(unknown.body()).path("error").asText(),
                python.json().path("error").path("details").asText(),
                python.output());
    }

    /** An answer read from a raw connection: its status line, its headers in lower case, its body, and whether the
     * server closed the connection after it. */
    record RawAnswer(String statusLine, String headers, String body, boolean closed) {}

    /**
     * Sends a request as written (which the JDK client would refuse to send), with the suite's key unless it has an
     * {@code Authorization} of its own, and reads until the server closes.
     */
    RawAnswer raw(String request) throws IOException {
        URI base = base();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            if (!request.contains("\r\nAuthorization: ")) {
                int endOfLine = request.indexOf("\r\n") + 2;
                request = request.substring(0, endOfLine) + AUTHORIZATION + request.substring(endOfLine);
            }
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            boolean closed = false;
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) != -1; ) {
                    read.write(buffer, 0, n);
                }
                closed = true;
            } catch (java.net.SocketTimeoutException stillOpen) {
                // the server kept the connection
            } catch (java.net.SocketException reset) {
                closed = true;
            }
            String text = read.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            int firstLine = head.indexOf("\r\n");
            return new RawAnswer(
                    firstLine < 0 ? head : head.substring(0, firstLine),
                    firstLine < 0 ? "" : head.substring(firstLine + 2).toLowerCase(java.util.Locale.ROOT),
                    end < 0 ? "" : text.substring(end + 4),
                    closed);
        }
    }

    URI uri(String path) {
        return base().resolve(path.substring(1));
    }

    /** A request to {@code path} with the suite's key. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + KEY);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
