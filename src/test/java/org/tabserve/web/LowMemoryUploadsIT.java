package org.tabserve.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.TabserveProcess;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's heap exhaustion: at {@code -Xmx64m} and {@code -Xmx128m}, eight 300,000-row uploads at once, answered
 * in JSON and then in CSV. Before the memory budget this filled the heap (an OutOfMemoryError, 500s, a 400 blaming
 * the client, then a native crash). Now every answer is a whole 200 or a 503 with Retry-After, the server logs no
 * SEVERE line and keeps serving. Issue 21: the server runs with the shipped settings, and rows past the CSV row
 * limits are refused first.
 */
class LowMemoryUploadsIT {

    private static final int ROWS = 300_000;
    private static final int CLIENTS = 8;

    @ParameterizedTest(name = "-Xmx{0}")
    @ValueSource(strings = {"64m", "128m"})
    void eightLargeUploadsAtOnceGetWholeAnswersOr503AndTheServerLives(String heap) throws Exception {
        Multipart upload = Multipart.csv(csv());
        // The shipped settings, with the heap under test: an OutOfMemoryError ends the server.
        try (TabserveProcess server = TabserveProcess.startReady(Map.of("MALLOC_ARENA_MAX", "2", "JAVA_TOOL_OPTIONS",
                "-Xmx" + heap + " -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"))) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
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
                        assertTrue(statusAndRows[0] == 200 || statusAndRows[0] == 503,
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
            HttpResponse<String> after = client.send(HttpRequest.newBuilder(server.uri("/api/predict"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}")).build(),
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
                upload = client.send(HttpRequest.newBuilder(server.uri("/predict_file"))
                        .header("Content-Type", file.contentType()).header("Accept", "application/json")
                        .timeout(Duration.ofMinutes(1)).POST(HttpRequest.BodyPublishers.ofByteArray(file.bytes()))
                        .build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new AssertionError("no answer to a CSV that " + shape.getValue() + " (the server "
                        + (server.process().isAlive() ? "lives" : "ended with " + server.process().waitFor()) + "): "
                        + e + "\n" + String.join("\n", server.output()), e);
            }
            assertEquals(413, upload.statusCode(), upload.body() + "\n" + String.join("\n", server.output()));
            assertTrue(upload.body().contains(shape.getValue()) && upload.body().contains("row 1 (line 2)"),
                    upload.body());
            if (body.length < 4 << 20) { // within the JSON and CSV body limit of /invocations
                HttpResponse<String> invocations = client.send(HttpRequest.newBuilder(server.uri("/invocations"))
                        .header("Content-Type", "text/csv").timeout(Duration.ofMinutes(1))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(413, invocations.statusCode(), invocations.body());
                assertTrue(invocations.body().contains(shape.getValue()), invocations.body());
            }
        }
        Multipart valid = Multipart.csv(header + "3.6,8.6,-2.8,-0.44\n");
        HttpResponse<String> predicted = client.send(HttpRequest.newBuilder(server.uri("/predict_file"))
                .header("Content-Type", valid.contentType()).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(valid.bytes())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, predicted.statusCode(), predicted.body());
        assertTrue(server.process().isAlive());
    }

    /** Sends the upload; @return the status and, for a 200, the rows answered (JSON objects or CSV lines). */
    private static int[] send(HttpClient client, URI uri, Multipart upload, String accept)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", upload.contentType()).header("Accept", accept)
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload.bytes())).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        int rows = 0;
        try (InputStream body = response.body()) {
            byte[] needle = accept.equals("text/csv") ? new byte[]{'\n'} : "\"label\"".getBytes(StandardCharsets.US_ASCII);
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
        return new int[]{response.statusCode(), rows};
    }

    /** 300,000 bank-note rows, the real data repeated. */
    private static byte[] csv() throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("data/BankNote_Authentication.csv"));
        StringBuilder text = new StringBuilder(lines.get(0)).append('\n');
        for (int r = 0; r < ROWS; r++) {
            text.append(lines.get(1 + r % (lines.size() - 1))).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
