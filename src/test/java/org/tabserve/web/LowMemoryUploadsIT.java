package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 15's heap exhaustion: at {@code -Xmx64m} and {@code -Xmx128m}, eight 300,000-row uploads at once, answered
 * in JSON and then in CSV. Before the memory budget this filled the heap (an OutOfMemoryError, 500s, a 400 blaming
 * the client, then a native crash). Now every answer is a whole 200 or a 503 with Retry-After, the server logs no
 * SEVERE line and keeps serving. Issue 21: the server runs with the shipped settings, and rows past the CSV row
 * limits are refused first; many readers at once of the OpenAPI document, the card page and the form of models with
 * large cards get them or a 503, and the server lives.
 */
class LowMemoryUploadsIT {

    private static final int ROWS = 300_000;
    private static final int CLIENTS = 8;

    @ParameterizedTest(name = "-Xmx{0}")
    @ValueSource(strings = {"64m", "128m"})
    void eightLargeUploadsAtOnceGetWholeAnswersOr503AndTheServerLives(String heap) throws Exception {
        Multipart upload = Multipart.csv(csv());
        // The shipped settings, with the heap under test: an OutOfMemoryError ends the server.
        try (TabserveProcess server = TabserveProcess.startReady(Map.of(
                "MALLOC_ARENA_MAX",
                "2",
                "JAVA_TOOL_OPTIONS",
                "-Xmx" + heap + " -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"))) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            rowsPastTheRowLimitsAreRefusedNamingTheLimit(server, client);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                for (String accept : List.of("application/json", "text/csv")) {
                    List<Future<int[]>> answers = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        answers.add(clients.submit(() -> send(client, server.uri("/predict_file"), upload, accept)));
                    }
                    int whole = 0;
                    for (Future<int[]> answer : answers) {
                        int[] statusAndRows = answer.get();
                        assertTrue(
                                statusAndRows[0] == 200 || statusAndRows[0] == 503,
                                accept + " answered " + statusAndRows[0] + "\n" + String.join("\n", server.output()));
                        if (statusAndRows[0] == 200) {
                            assertEquals(ROWS, statusAndRows[1], "a 200 carries every row");
                            whole++;
                        }
                    }
                    assertTrue(whole > 0, "the budget let no upload through at -Xmx" + heap + " (" + accept + ")");
                }
            } finally {
                clients.shutdownNow();
            }
            HttpResponse<String> after = client.send(
                    HttpRequest.newBuilder(server.uri("/api/predict"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), after.body());
            assertTrue(server.process().isAlive());
            for (String line : server.output()) {
                if (line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
                    continue; // the JVM's echo of the flags, ExitOnOutOfMemoryError among them
                }
                assertTrue(!line.contains("SEVERE") && !line.contains("OutOfMemoryError"), line);
            }
        }
    }

    /**
     * Issue 21, case 1: each of these 4-8 MB CSVs, sent with no token, ended the server with an OutOfMemoryError
     * (exit 3) on {@code /predict_file}: commons-csv held the whole row or cell. Now each is a 413 naming the limit,
     * on the upload and on {@code /invocations}, and the server still predicts.
     */
    private static void rowsPastTheRowLimitsAreRefusedNamingTheLimit(TabserveProcess server, HttpClient client)
            throws IOException, InterruptedException {
        String header = "variance,skewness,curtosis,entropy\n";
        Map<String, String> shapes = new java.util.LinkedHashMap<>();
        shapes.put(header + "1,2,3,4" + ",x".repeat(2_000_000) + "\n", "has more than 10000 cells");
        shapes.put(header + "1,2,3," + "x".repeat(8_000_000) + "\n", "longer than 65536 characters");
        shapes.put(header + "1,2,3,\"" + "x".repeat(8_000_000), "a missing closing quote");
        shapes.put(header + "1,2,3,\"" + "\n".repeat(8_000_000) + "\"\n", "longer than 65536 characters");
        for (Map.Entry<String, String> shape : shapes.entrySet()) {
            byte[] body = shape.getKey().getBytes(StandardCharsets.US_ASCII);
            Multipart file = Multipart.csv(body);
            HttpResponse<String> upload;
            try {
                upload = client.send(
                        HttpRequest.newBuilder(server.uri("/predict_file"))
                                .header("Content-Type", file.contentType())
                                .header("Accept", "application/json")
                                .timeout(Duration.ofMinutes(1))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(file.bytes()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new AssertionError(
                        "no answer to a CSV that " + shape.getValue() + " (the server "
                                + (server.process().isAlive()
                                        ? "lives"
                                        : "ended with " + server.process().waitFor()) + "): "
                                + e + "\n" + String.join("\n", server.output()),
                        e);
            }
            assertEquals(413, upload.statusCode(), upload.body() + "\n" + String.join("\n", server.output()));
            assertTrue(
                    upload.body().contains(shape.getValue()) && upload.body().contains("row 0 (line 2)"),
                    upload.body());
            if (body.length < 4 << 20) { // within the JSON and CSV body limit of /invocations
                HttpResponse<String> invocations = client.send(
                        HttpRequest.newBuilder(server.uri("/invocations"))
                                .header("Content-Type", "text/csv")
                                .timeout(Duration.ofMinutes(1))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(413, invocations.statusCode(), invocations.body());
                assertTrue(invocations.body().contains(shape.getValue()), invocations.body());
            }
        }
        Multipart valid = Multipart.csv(header + "3.6,8.6,-2.8,-0.44\n");
        HttpResponse<String> predicted = client.send(
                HttpRequest.newBuilder(server.uri("/predict_file"))
                        .header("Content-Type", valid.contentType())
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(valid.bytes()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, predicted.statusCode(), predicted.body());
        assertTrue(server.process().isAlive());
    }

    /**
     * README's shipped bounds: {@code MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError},
     * C1 compiling ({@link TabserveProcess#SHIPPED_BOUNDS_JVM_OPTIONS}).
     */
    private static final Map<String, String> SHIPPED_FLAGS = Map.of(
            "MALLOC_ARENA_MAX", "2", "JAVA_TOOL_OPTIONS", String.join(" ", TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS));

    /**
     * Issue 21, case 1, rows within the limits: 32 uploads at once (every upload slot) of rows just under the row
     * limit (15 cells of 65,000 characters) ended the server with an OutOfMemoryError at the shipped flags, as the
     * parse held several MB per request for the current row outside the memory budget. Now the parse reserves that
     * heap from the budget as rows grow: every answer is a whole 200 or a 503 with Retry-After, and the server lives.
     */
    @org.junit.jupiter.api.Test
    void manyUploadsOfLongLegalRowsAtOnceGetWholeAnswersOr503AndTheServerLivesWithTheShippedFlags() throws Exception {
        String header = "variance,skewness,curtosis,entropy" + ",note".repeat(1)
                + java.util.stream.IntStream.range(1, 15)
                        .mapToObj(i -> ",note" + i)
                        .collect(java.util.stream.Collectors.joining())
                + "\n";
        String row = "3.6,8.6,-2.8,-0.44" + ("," + "x".repeat(65_000)).repeat(15) + "\n";
        int rows = 4;
        Multipart upload = Multipart.csv((header + row.repeat(rows)).getBytes(StandardCharsets.US_ASCII));
        int uploads = 32;
        try (TabserveProcess server = TabserveProcess.startReady(SHIPPED_FLAGS)) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            ExecutorService clients = Executors.newFixedThreadPool(uploads);
            int whole = 0;
            try {
                List<Future<int[]>> answers = new ArrayList<>();
                for (int c = 0; c < uploads; c++) {
                    answers.add(clients.submit(
                            () -> send(client, server.uri("/predict_file"), upload, "application/json")));
                }
                for (Future<int[]> answer : answers) {
                    int[] statusAndRows;
                    try {
                        statusAndRows = answer.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new AssertionError(
                                "no answer (the server "
                                        + (server.process().isAlive()
                                                ? "lives"
                                                : "ended with "
                                                        + server.process().waitFor())
                                        + "): " + e.getCause() + "\n"
                                        + String.join("\n", server.output()),
                                e);
                    }
                    assertTrue(
                            statusAndRows[0] == 200 || statusAndRows[0] == 503,
                            "answered " + statusAndRows[0] + "\n" + String.join("\n", server.output()));
                    if (statusAndRows[0] == 200) {
                        assertEquals(rows, statusAndRows[1], "a 200 carries every row");
                        whole++;
                    }
                }
            } finally {
                clients.shutdownNow();
            }
            assertTrue(whole > 0, "the budget let no upload of long rows through");
            assertTrue(server.process().isAlive(), () -> String.join("\n", server.output()));
            HttpResponse<String> after = client.send(
                    HttpRequest.newBuilder(server.uri("/api/predict"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), after.body());
            for (String line : server.output()) {
                if (line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
                    continue; // the JVM's echo of the flags, ExitOnOutOfMemoryError among them
                }
                assertTrue(!line.contains("SEVERE") && !line.contains("OutOfMemoryError"), line);
            }
        }
    }

    /**
     * Issue 21, case 4: answers built from a model's metadata. Before, every request for a model's OpenAPI document
     * built it anew (48 at once for a card of a 900 kB description: OutOfMemoryError, exit), and every reader of a
     * card page drew all its pictures at once (4 readers of a card of 20,000-bin histograms, a 20 MB page: the same;
     * such a card is now refused at load, past 256 bins, so the pictures here are the most bins a card may hold).
     * Now the document is built once per model version and its bytes shared, and a card page is drawn under a share
     * of the memory budget sized from its card: readers past it wait or get 503, and the server lives.
     */
    @org.junit.jupiter.api.Test
    void manyReadersOfLargeCardsGetTheirDocumentsAndPagesOr503AndTheServerLivesWithTheShippedFlags(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path models) throws Exception {
        String description = "A model with a long story. ".repeat(900_000 / 27);
        withMetadata(models.resolve("big.onnx"), Map.of("tabserve.description", description));
        withMetadata(models.resolve("pictures.onnx"), Map.of("tabserve.histograms", histograms(256)));
        try (TabserveProcess server = TabserveProcess.startReady(SHIPPED_FLAGS, "--models", models.toString())) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            List<HttpResponse<byte[]>> documents = all(client, server.uri("/models/big/openapi.json"), 48);
            byte[] first = documents.get(0).body();
            for (HttpResponse<byte[]> document : documents) {
                assertEquals(
                        200,
                        document.statusCode(),
                        () -> new String(document.body(), StandardCharsets.UTF_8) + "\n"
                                + String.join("\n", server.output()));
                assertTrue(java.util.Arrays.equals(first, document.body()), "every reader gets the same document");
            }
            assertTrue(
                    new String(first, StandardCharsets.UTF_8)
                            .contains(description.substring(0, description.length() - 10)),
                    "the document carries the whole description");

            int pages = 0;
            for (HttpResponse<byte[]> page : all(client, server.uri("/models/big/card"), 16)) {
                pages += pageOr503(page, description.substring(0, 1000), server);
            }
            assertTrue(pages > 0, "no reader got the card page of the long description");
            int forms = 0;
            for (HttpResponse<byte[]> form : all(client, server.uri("/models/big/"), 16)) {
                forms += pageOr503(form, description.substring(0, 1000), server);
            }
            assertTrue(forms > 0, "no reader got the form of the long description");
            for (HttpResponse<byte[]> page : all(client, server.uri("/models/pictures/card"), 4)) {
                pageOr503(page, "histogram-variance", server);
            }

            assertTrue(server.process().isAlive(), () -> String.join("\n", server.output()));
            HttpResponse<String> after = client.send(
                    HttpRequest.newBuilder(server.uri("/models/big/api/predict"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), after.body());
            for (String line : server.output()) {
                assertTrue(!line.contains("SEVERE") && !line.contains("java.lang.OutOfMemoryError"), line);
            }
        }
    }

    /** @return 1 for the whole page (it holds {@code expected}), 0 for a 503 with Retry-After; fails on anything else */
    private static int pageOr503(HttpResponse<byte[]> page, String expected, TabserveProcess server) {
        String body = new String(page.body(), StandardCharsets.UTF_8);
        if (page.statusCode() == 503) {
            assertTrue(body.contains("memory") || body.contains("busy"), body);
            return 0;
        }
        assertEquals(200, page.statusCode(), () -> body + "\n" + String.join("\n", server.output()));
        assertTrue(body.contains(expected) && body.strip().endsWith("</html>"), "a whole page");
        return 1;
    }

    /** Sends {@code count} GETs of {@code uri} at once; @return their answers. */
    private static List<HttpResponse<byte[]>> all(HttpClient client, URI uri, int count) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(count);
        try {
            List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(readers.submit(() -> client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofMinutes(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())));
            }
            List<HttpResponse<byte[]>> responses = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> answer : answers) {
                responses.add(answer.get());
            }
            return responses;
        } finally {
            readers.shutdownNow();
        }
    }

    /** The bundled model with its card's entries, some replaced by {@code changes}, written by the project's writer. */
    private static void withMetadata(java.nio.file.Path out, Map<String, String> changes) throws IOException {
        java.nio.file.Path bundled = java.nio.file.Path.of("model.onnx");
        Map<String, String> metadata = new java.util.LinkedHashMap<>(
                org.tabserve.model.onnx.graph.GraphParser.parse(bundled).metadata());
        metadata.putAll(changes);
        try (java.io.OutputStream stream = java.nio.file.Files.newOutputStream(out)) {
            org.tabserve.model.onnx.graph.MetadataWriter.write(
                    java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(bundled)), metadata, stream);
        }
    }

    /** Each of the bundled model's features with a histogram of {@code bins} bins for each of its two classes. */
    private static String histograms(int bins) throws IOException {
        Map<String, Object> histograms = new java.util.LinkedHashMap<>();
        for (String feature : List.of("variance", "skewness", "curtosis", "entropy")) {
            List<Integer> edges =
                    java.util.stream.IntStream.rangeClosed(0, bins).boxed().toList();
            List<Integer> counts = java.util.stream.IntStream.range(0, bins)
                    .map(i -> 1 + i % 97)
                    .boxed()
                    .toList();
            histograms.put(feature, Map.of("edges", edges, "counts", Map.of("0", counts, "1", counts)));
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(histograms);
    }

    /** Sends the upload; @return the status and, for a 200, the rows answered (JSON objects or CSV lines). */
    private static int[] send(HttpClient client, URI uri, Multipart upload, String accept)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", upload.contentType())
                        .header("Accept", accept)
                        .timeout(Duration.ofMinutes(3))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload.bytes()))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        int rows = 0;
        try (InputStream body = response.body()) {
            byte[] needle =
                    accept.equals("text/csv") ? new byte[] {'\n'} : "\"label\"".getBytes(StandardCharsets.US_ASCII);
            byte[] buffer = new byte[1 << 16];
            int matched = 0;
            for (int n; (n = body.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    matched = buffer[i] == needle[matched] ? matched + 1 : (buffer[i] == needle[0] ? 1 : 0);
                    if (matched == needle.length) {
                        rows++;
                        matched = 0;
                    }
                }
            }
        }
        if (accept.equals("text/csv") && response.statusCode() == 200) {
            rows--; // the header line
        }
        if (response.statusCode() == 503) {
            assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
        }
        return new int[] {response.statusCode(), rows};
    }

    /** 300,000 bank-note rows, the real data repeated. */
    private static byte[] csv() throws IOException {
        List<String> lines =
                java.nio.file.Files.readAllLines(java.nio.file.Path.of("data/BankNote_Authentication.csv"));
        StringBuilder text = new StringBuilder(lines.get(0)).append('\n');
        for (int r = 0; r < ROWS; r++) {
            text.append(lines.get(1 + r % (lines.size() - 1))).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
