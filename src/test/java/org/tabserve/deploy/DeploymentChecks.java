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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end checks every deployment of the WAR must pass, whoever runs it: embedded Jetty, the Jetty base the
 * Docker image builds, Tomcat. A subclass starts its server once and says where it listens.
 */
abstract class DeploymentChecks {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A genuine note from the data set: the bundled model says label "0". */
    static final String GENUINE_ROW =
            "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}";

    /** A small upload limit, so that going past it is cheap: each deployment is started with it. */
    static final long UPLOAD_LIMIT = 256 << 10;
    /** The largest multipart body the app lets the container read: the limit plus room for the framing. */
    static final long UPLOAD_BODY_LIMIT = UPLOAD_LIMIT + 65_536;
    /** The environment every deployment under test runs with. */
    static final Map<String, String> ENVIRONMENT = Map.of("TABSERVE_MAX_UPLOAD_BYTES", Long.toString(UPLOAD_LIMIT));

    /** @return the base URI of the deployed app, ending in {@code /} */
    abstract URI base();

    /** @return what the server has printed so far (its log) */
    abstract List<String> log();

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
        HttpRequest request = HttpRequest.newBuilder(uri("/predict_file"))
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
                        "POST /predict_file HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + upload.contentType()
                                + "\r\nAccept: " + accept + "\r\nContent-Length: " + body.length + "\r\n\r\n",
                        body);
                assertTrue(answer.statusLine().startsWith("HTTP/1.1 200"), accept + ": " + answer.statusLine());
                long answered = accept.equals("text/csv")
                        ? answer.text().lines().count() - 1
                        : JSON.readTree(answer.text()).path("predictions").size();
                assertEquals(rows, answered, accept + ", " + rows + " rows: " + answer.headers());
            }
        }
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
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/no/such/route"))
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
                    HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
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
        // No length: the container finds the upload too large only while reading it, past the limit.
        HttpRequest request = HttpRequest.newBuilder(uri("/predict_file"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                                new ByteArrayInputStream(head),
                                new ByteArrayInputStream(rows),
                                new ByteArrayInputStream(tail))))))
                .build();
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
                    .write(("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain"
                                    + "\r\nContent-Length: 1000000\r\n\r\n")
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
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                    .header("Accept", "application/json")
                    .GET()
                    .build());
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
            RawAnswer answer = raw("TRACE " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer"
                    + " secret-token\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
            assertTrue(answer.statusLine().startsWith("HTTP/1.1 405 "), path + ": " + answer);
            assertFalse((answer.headers() + answer.body()).contains("secret-token"), path + " echoes: " + answer);
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

    /** An answer read from a raw connection: its status line, its headers in lower case, its body, and whether the
     * server closed the connection after it. */
    record RawAnswer(String statusLine, String headers, String body, boolean closed) {}

    /** Sends a request as written (which the JDK client would refuse to send) and reads until the server closes. */
    RawAnswer raw(String request) throws IOException {
        URI base = base();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
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

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
