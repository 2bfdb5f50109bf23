package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.Await;
import org.tabserve.testing.ModelDirectory;

/**
 * A model unloaded while requests to it race the unload, then loaded again: {@code /metrics} shows every answer of
 * the new load, in every series an answer counts into (requests, latency, rows, predictions by class), the real web
 * app on the launcher's embedded Jetty over a {@code --models} directory. The series are looked up once per model
 * (serving.monitor.ModelSeries): were those look-ups kept past the unload, the new answers would count into series
 * the unload removed, and this test would see none of them.
 */
class MetricsAcrossReloadTest {

    private static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static final String PREDICT = "/models/species/api/predict";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aModelUnloadedWhileRequestsRaceAndLoadedAgainShowsEveryNewAnswer() throws Exception {
        ModelDirectory dir = ModelDirectory.withFourModels();
        try (TabserveServer server = TabserveServer.startReady(
                Map.of("TABSERVE_ADMIN_TOKEN", TOKEN), "--models", dir.root().toString())) {
            awaitStatus(server, "/v2/models/species/ready", 200);
            for (int i = 0; i < 3; i++) {
                assertEquals(200, send(server, "POST", PREDICT, ModelDirectory.PENGUIN, null));
            }
            assertEquals(3, sum(metrics(server), "tabserve_rows_scored_total{", "model=\"species\""));

            AtomicBoolean stop = new AtomicBoolean();
            Set<Integer> statuses = ConcurrentHashMap.newKeySet();
            List<Thread> racing = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            statuses.add(send(server, "POST", PREDICT, ModelDirectory.PENGUIN, null));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                thread.start();
                racing.add(thread);
            }
            Await.until("the racing requests to be answered", () -> statuses.contains(200));
            assertEquals(200, send(server, "POST", "/v2/repository/models/species/unload", "{}", "Bearer " + TOKEN));
            Await.until("racing requests to come after the unload", () -> statuses.contains(404));
            stop.set(true);
            for (Thread thread : racing) {
                thread.join(TimeUnit.SECONDS.toMillis(60)); // a guard against a hang, not a measure
                assertFalse(thread.isAlive(), "a racing request hung");
            }
            assertTrue(statuses.contains(200) && statuses.contains(404), "answered before and after: " + statuses);

            assertEquals(200, send(server, "POST", "/v2/repository/models/species/load", "{}", "Bearer " + TOKEN));
            String before = metrics(server);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, send(server, "POST", PREDICT, ModelDirectory.PENGUIN, null));
            }
            String after = metrics(server);
            String ok = "status=\"200\"";
            for (String[] series : new String[][] {
                {"tabserve_rows_scored_total{", "model=\"species\""},
                {"tabserve_predictions_total{", "model=\"species\""},
                {"tabserve_http_requests_total{", "model=\"species\"", ok},
                {"tabserve_http_request_duration_seconds_count{", "model=\"species\""},
            }) {
                assertEquals(5, sum(after, series) - sum(before, series), series[0] + " in\n" + after);
            }
        }
    }

    /** The sum of the series whose line starts with {@code labels[0]} and holds every other of {@code labels}. */
    private static double sum(String metrics, String... labels) {
        return metrics.lines()
                .filter(l -> l.startsWith(labels[0]))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String metrics(TabserveServer server) throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static int send(TabserveServer server, String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static void awaitStatus(TabserveServer server, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a guard against a hang, not a measure
        while (HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                != status) {
            assertTrue(System.nanoTime() < deadline, path + " never answered " + status);
            Thread.sleep(100);
        }
    }
}
