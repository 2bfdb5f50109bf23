package org.tabserve;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Opens the model core's jar that {@code mvn package} makes beside the WAR (target/tabserve-core.jar) and checks that
 * it holds the model, the rows and the scoring entry point, and that none of its classes names the servlet API, Jetty,
 * Thymeleaf, Swagger or gRPC: what another engine (spark/) embeds must not need a web container.
 */
class CoreJarIT {

    /** The packages of the web side, as class files name them (internal form). */
    private static final List<String> WEB_SIDE = List.of(
            "jakarta/servlet/",
            "org/eclipse/jetty/",
            "org/thymeleaf/",
            "io/swagger/",
            "io/grpc/",
            "software/amazon/awssdk/"); // the object store's mirror is the WAR's (repository.s3)

    private static Path coreJar() {
        return Path.of(System.getProperty("tabserve.war", "target/tabserve.war"))
                .resolveSibling("tabserve-core.jar");
    }

    @Test
    void holdsTheModelCoreAndNoWebLauncherOrCommandLine() throws IOException {
        List<String> entries;
        try (ZipFile zip = new ZipFile(coreJar().toFile())) {
            entries = Collections.list(zip.entries()).stream()
                    .map(ZipEntry::getName)
                    .toList();
        }
        for (String needed : List.of(
                "org/tabserve/model/onnx/OnnxModelLoader.class",
                "org/tabserve/model/answer/AnswerAssembler.class",
                "org/tabserve/rows/read/CellRows.class",
                "org/tabserve/model/conformal/RowUncertainty.class",
                // issue 92: the one loader of every format, and the native readers it dispatches to (spark/ loads
                // XGBoost and LightGBM files through it)
                "org/tabserve/model/loading/ModelLoader.class",
                "org/tabserve/model/trees/NativeModel.class",
                "org/tabserve/model/trees/xgboost/XgboostReader.class",
                "org/tabserve/model/trees/lightgbm/LightgbmReader.class",
                "org/tabserve/model/mlflow/MlflowDirectory.class")) {
            assertTrue(entries.contains(needed), needed);
        }
        List<String> outside = entries.stream()
                .filter(e -> e.endsWith(".class"))
                .filter(e ->
                        !e.matches("org/tabserve/(model|rows|cardmaking|serving|predictionlog|repository|files)/.*"))
                .toList();
        assertEquals(List.of(), outside);
    }

    @Test
    void namesNoServletJettyThymeleafSwaggerOrGrpcClass() throws IOException {
        List<String> found = new ArrayList<>();
        int classes = 0;
        try (ZipFile zip = new ZipFile(coreJar().toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                classes++;
                String bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    // A class's constant pool names every class it refers to in internal form (a/b/C), in UTF-8:
                    // ASCII names are found byte for byte.
                    bytes = new String(in.readAllBytes(), ISO_8859_1);
                }
                for (String web : WEB_SIDE) {
                    if (bytes.contains(web)) {
                        found.add(entry.getName() + " names " + web);
                    }
                }
            }
        }
        assertTrue(classes > 100, classes + " classes");
        assertEquals(List.of(), found);
    }
}
