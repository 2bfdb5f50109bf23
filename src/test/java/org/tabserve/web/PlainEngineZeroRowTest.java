package org.tabserve.web;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.launcher.TabserveServer;

/**
 * Issue 47, item 12, in this JVM (HostilePlainEngineIT runs the same checks on the packaged WAR with the shipped
 * settings): a batch holding an all-zero row answers 200 on the plain-Java engine, as on ONNX Runtime.
 */
class PlainEngineZeroRowTest {

    private static Path models;
    private static TabserveServer server;

    @BeforeAll
    static void start() throws Exception {
        models = HostilePlainEngineIT.modelDirectory();
        server = TabserveServer.startReady("--models", models.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (models != null) {
            try (var files = Files.walk(models)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theZeroRowAloneAndInSmallBatchesIsAnsweredAsOnOnnxRuntime() {
        HostilePlainEngineIT.assertZeroRowAnsweredAsOnOnnxRuntime(server);
    }

    @Test
    void aRowWhoseSquaresOverflowIsRefusedInWordsInBatchesOfEverySize() {
        HostilePlainEngineIT.assertOverflowRefusedAlike(server);
    }
}
