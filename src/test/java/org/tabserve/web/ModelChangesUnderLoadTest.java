package org.tabserve.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.ModelDirectory.NOTE;
import static org.tabserve.testing.ModelDirectory.PENGUINS;
import static org.tabserve.testing.ModelDirectory.has;
import static org.tabserve.testing.ModelDirectory.lists;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;

/**
 * The promise of a model directory under traffic: while clients drive one model ({@code /models/banknote/api/predict})
 * without pause, models are added, replaced and removed by copying files in and renaming them, the driven model's own
 * file is replaced, a higher version of it comes and goes, and a broken file is dropped in, with polling on; not one
 * of the driven model's requests may fail, and each change must show (served, 404, {@code UNAVAILABLE} with its
 * reason) with no {@code SEVERE} line in the server's log. Waits for states with a generous deadline; times nothing.
 */
class ModelChangesUnderLoadTest {

    private static final String PREDICT = "/models/banknote/api/predict";
    private static final String PENGUIN_WITHOUT_SEX = ModelDirectory.PENGUIN.replace(", \"sex\": \"MALE\"", "");
    private static final int CLIENTS = 4;

    private static ModelDirectory dir;
    private static TabserveServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = ModelDirectory.withFourModels();
        dir.copy(PENGUINS.resolve("species-nozipmap.onnx"), "retired.onnx");
        server = TabserveServer.startReady(Map.of(), "--models", dir.root().toString(), "--poll-seconds", "1");
        http = new Http(server);
        ModelDirectory.awaitReady(http, 5);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void modelsAddedReplacedRemovedAndBrokenWhileOneIsDrivenFailNoneOfItsRequests() throws Exception {
        byte[] replaced = BankNotes.modelWith(Map.of("tabserve.version", "2-replaced"));
        byte[] third = BankNotes.modelWith(Map.of("tabserve.version", "3"));
        Path labelsInGraph = PENGUINS.resolve("species-labels-in-graph.onnx");
        String replacedSha = sha256(replaced);
        String thirdSha = sha256(third);
        String labelsInGraphSha = BankNotes.sha256(labelsInGraph);
        try (Load load = new Load()) {
            load.awaitAnswered(50); // traffic flows before the first change

            load.during("the driven model's file replaced by another renamed over it", () -> {
                dir.install(replaced, "banknote/2/model.onnx");
                return () -> sha256Served("banknote").equals(replacedSha);
            });
            load.during("a higher version of the driven model added", () -> {
                dir.install(third, "banknote/3/model.onnx");
                return () -> sha256Served("banknote").equals(thirdSha);
            });
            load.during("a new model copied in and renamed", () -> {
                dir.install(PENGUINS.resolve("species-nozipmap.onnx"), "added.onnx");
                return () -> has(ModelDirectory.index(http), "added", "1", "READY");
            });
            load.during("another model replaced", () -> {
                dir.install(labelsInGraph, "species.onnx");
                return () -> sha256Served("species").equals(labelsInGraphSha);
            });
            load.during("a model removed", () -> {
                dir.remove("retired.onnx");
                return () -> !lists(ModelDirectory.index(http), "retired");
            });
            load.during("the driven model's highest version removed", () -> {
                dir.remove("banknote/3");
                return () -> !has(ModelDirectory.index(http), "banknote", "3", "READY")
                        && sha256Served("banknote").equals(replacedSha);
            });
            load.during("a broken file dropped in", () -> {
                dir.install("not a model".getBytes(StandardCharsets.UTF_8), "broken.onnx");
                return () -> has(ModelDirectory.index(http), "broken", "1", "UNAVAILABLE");
            });
        }

        List<JsonNode> index = ModelDirectory.index(http);
        assertEquals(
                List.of(
                        "added 1 READY",
                        "banknote 1 READY",
                        "banknote 2 READY",
                        "broken 1 UNAVAILABLE",
                        "mass 1 READY",
                        "species 1 READY"),
                index.stream()
                        .map(m -> m.path("name").asText() + " "
                                + m.path("version").asText() + " "
                                + m.path("state").asText())
                        .toList());
        String reason =
                ModelDirectory.entry(index, "broken", "1").path("reason").asText();
        assertFalse(reason.isBlank(), "a broken model is listed with why");
        String row =
                http.get("/models").html().select("tbody[data-model=broken]").text();
        assertTrue(
                row.contains("failed")
                        && row.contains(reason.replaceAll("\\s+", " ").strip()),
                () -> "the index page says why too: " + row);
        assertEquals(503, http.postJson("/models/broken/api/predict", NOTE).status());

        assertEquals(
                "Adelie",
                http.postJson("/models/added/api/predict", PENGUIN_WITHOUT_SEX)
                        .json()
                        .path("label")
                        .asText(),
                "the added model serves");
        assertEquals(
                "Adelie",
                http.postJson("/models/species/api/predict", PENGUIN_WITHOUT_SEX)
                        .json()
                        .path("label")
                        .asText(),
                "the replaced model serves its new file");
        Http.Response removed = http.postJson("/models/retired/api/predict", PENGUIN_WITHOUT_SEX);
        assertEquals(404, removed.status(), removed::text);
        assertEquals(
                404,
                http.postJson("/models/banknote/versions/3/api/predict", NOTE).status());

        List<String> severe =
                server.output().stream().filter(line -> line.contains("SEVERE")).toList();
        assertEquals(List.of(), severe, "no SEVERE line in the server's output");
    }

    private static String sha256Served(String name) {
        Http.Response model = http.get("/models/" + name + "/api/model");
        return model.status() == 200 ? model.json().path("sha256").asText() : "";
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A change to the directory that returns how to tell it has taken effect. */
    @FunctionalInterface
    private interface Change {
        BooleanSupplier make() throws Exception;
    }

    /**
     * The load generator: {@link #CLIENTS} threads posting one bank note to the driven model back to back, each
     * answer checked (200, label {@code "0"}); anything else, a broken connection included, is a failure, kept with
     * what it was. Closing stops the clients and asserts there was none.
     */
    private static final class Load implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong answered = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final List<Thread> clients = new ArrayList<>();

        Load() {
            for (int i = 0; i < CLIENTS; i++) {
                Thread client = new Thread(this::drive, "load-" + i);
                client.setDaemon(true);
                client.start();
                clients.add(client);
            }
        }

        private void drive() {
            while (running.get()) {
                try {
                    Http.Response answer = http.postJson(PREDICT, NOTE);
                    String label = answer.status() == 200
                            ? answer.parse().path("label").asText()
                            : "";
                    if (!label.equals("0")) {
                        fail(answer.status() + " " + answer.text());
                    }
                } catch (Throwable e) { // a broken connection, or an answer that reveals the server
                    fail(e.toString());
                }
                answered.incrementAndGet();
            }
        }

        private void fail(String what) {
            if (failed.incrementAndGet() <= 10) {
                failures.add(what);
            }
        }

        void awaitAnswered(long count) throws InterruptedException {
            await(
                    () -> answered.get() >= count,
                    () -> "the clients answered " + answered.get() + " requests, not " + count);
        }

        /** Makes a change, waits until it shows, and asserts that requests were answered meanwhile. */
        void during(String what, Change change) throws Exception {
            long before = answered.get();
            BooleanSupplier done = change.make();
            await(done, () -> what + ": never showed; index " + ModelDirectory.index(http));
            long meanwhile = answered.get() - before;
            assertTrue(meanwhile > 0, what + ": no request of the driven model was answered meanwhile");
            assertEquals(0, failed.get(), () -> what + ": failed requests of the driven model: " + failures);
        }

        private static void await(BooleanSupplier condition, Supplier<String> otherwise) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!condition.getAsBoolean()) {
                assertTrue(System.nanoTime() < deadline, otherwise);
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread client : clients) {
                client.join(70_000);
            }
            System.out.println("ModelChangesUnderLoadTest: " + answered.get() + " requests of the driven model, "
                    + failed.get() + " failed");
            assertTrue(answered.get() > 0, "the load generator ran");
            assertEquals(
                    0,
                    failed.get(),
                    () -> failed.get() + " of " + answered.get() + " requests of the driven model failed, e.g. "
                            + failures);
        }
    }
}
