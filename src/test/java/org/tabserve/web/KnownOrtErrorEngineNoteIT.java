package org.tabserve.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 53, item 2, on the packaged WAR under the shipped flags: the XGBoost {@code reg:logistic} model on which ONNX
 * Runtime 1.29 leaves out the logistic (onnxruntime#26596) is served by plain Java with the error named on
 * {@code /api/model}'s engine note, and answers XGBoost's values for one row and 20 ({@link KnownOrtErrorEngineNoteTest}
 * runs the same in this JVM).
 */
class KnownOrtErrorEngineNoteIT {

    private static Path models;
    private static TabserveProcess server;

    @BeforeAll
    static void start() throws Exception {
        models = KnownOrtErrorEngineNoteTest.modelDirectory();
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0", "--models", models.toString()),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
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
    void theEngineNoteNamesOnnxRuntimesErrorAndThePredictionsAreXgboosts() throws Exception {
        KnownOrtErrorEngineNoteTest.assertServedInPlainJava(server);
    }
}
