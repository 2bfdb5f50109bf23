package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.ModelException;

/**
 * The one model is loaded ahead, on the launcher's own thread while Jetty configures the web app
 * ({@link ModelAheadConfiguration}), and that load is the one served: the model loader's records for the file are
 * written on that thread and on no other (the listener did not load it again), and the app serves that file's model.
 * A model that fails to load ahead is refused in the very words a load on the caller's thread gives.
 * (The loader's own log records are read, in this JVM: a JUL handler runs on the thread that logs.)
 */
class ModelAheadTest {

    private static final Path IRIS = Path.of("src/test/resources/org/tabserve/fixtures/iris/iris-single-tensor.onnx")
            .toAbsolutePath();
    /** The model loader's logger, which names the file in every record of a load. */
    private static final Logger LOADER_LOG = Logger.getLogger(OnnxModelLoader.class.getName());

    /** "thread: message" for each record of the model loader, while a test runs. */
    private final List<String> records = new CopyOnWriteArrayList<>();

    private final Handler byThread = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(Thread.currentThread().getName() + ": " + new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private Level before;

    @BeforeEach
    void listen() {
        before = LOADER_LOG.getLevel();
        LOADER_LOG.setLevel(Level.FINE); // the tests' logging.properties log warnings only; a load's record is debug
        LOADER_LOG.addHandler(byThread);
    }

    @AfterEach
    void stopListening() {
        LOADER_LOG.removeHandler(byThread);
        LOADER_LOG.setLevel(before);
    }

    @Test
    void theModelLoadedAheadOnTheLaunchersThreadIsTheOneServed() throws Exception {
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(IRIS)));
        try (TabserveServer server = TabserveServer.startReady("--model", IRIS.toString())) {
            assertTrue(
                    server.model().contains("(sha256 " + sha256.substring(0, 12) + ") from " + IRIS), server.model());
            List<String> loads = records.stream()
                    .filter(r -> r.contains("Loaded model") && r.contains(IRIS.toString()))
                    .toList();
            assertEquals(1, loads.size(), "loaded once, not again by the listener: " + records);
            assertTrue(loads.get(0).startsWith("tabserve-model-ahead: "), "loaded ahead: " + loads);
        }
    }

    @Test
    void aModelThatFailsToLoadAheadIsRefusedInTheWordsOfALoadOnTheCallersThread(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.onnx"), "not an ONNX model", StandardCharsets.UTF_8);
        String expected = assertThrows(ModelException.class, () -> OnnxModelLoader.load(bad))
                .getMessage();
        records.clear(); // only the server's load from here on

        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> TabserveServer.startReady("--model", bad.toString()).close());

        assertTrue(
                refused.getMessage().startsWith("tabserve did not become ready: " + expected + "\n"),
                "expected the failure «" + expected + "», got: " + refused.getMessage());
        List<String> about =
                records.stream().filter(r -> r.contains(bad.toString())).toList();
        assertTrue(
                !about.isEmpty() && about.stream().allMatch(r -> r.startsWith("tabserve-model-ahead: ")),
                "the failed load was the one made ahead, and it was not made again: " + records);
    }
}
