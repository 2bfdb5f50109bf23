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
 * Opens the model core's jar that {@code mvn package} makes beside the WAR (target/tabserve-core.jar, installed as
 * {@code org.tabserve:tabserve-core}) and checks that it holds the model, the rows and the library's facade, that none
 * of its classes names the servlet API, Jetty, Thymeleaf, Swagger or gRPC, and that every class its classes name is in
 * it, the JDK or a library its POM brings (jdeps' missing dependencies): what an application or another engine (spark/)
 * embeds must not need a web container, nor a class the jar left behind.
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
                "org/tabserve/model/mlflow/MlflowDirectory.class",
                "org/tabserve/library/TabularModel.class")) {
            assertTrue(entries.contains(needed), needed);
        }
        List<String> outside = entries.stream()
                .filter(e -> e.endsWith(".class"))
                .filter(e -> !e.matches("org/tabserve/(model|rows/(field|read|json|answerjson)|cardmaking|library)/.*"))
                .toList();
        assertEquals(List.of(), outside);
    }

    /** The packages of the libraries the core's POM brings (src/core/tabserve-core.pom), with theirs. */
    private static final List<String> CORE_LIBRARIES = List.of(
            "ai.onnxruntime", // onnxruntime
            "com.fasterxml.jackson.", // jackson-databind, with jackson-core and jackson-annotations
            "org.yaml.snakeyaml", // snakeyaml
            "org.apache.commons.csv", // commons-csv
            "org.apache.commons.io"); // commons-csv's commons-io

    @Test
    void namesNoClassOutsideItselfTheJdkAndItsPomsLibraries() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int status = java.util.spi.ToolProvider.findFirst("jdeps")
                .orElseThrow()
                .run(
                        new java.io.PrintWriter(out),
                        new java.io.PrintWriter(err),
                        "--multi-release",
                        "17",
                        "--missing-deps",
                        coreJar().toString());
        assertEquals(0, status, err::toString);
        // "   org.tabserve.x.A   -> org.tabserve.y.B   not found": B is neither in the jar nor in the JDK
        List<String> missing = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            java.util.regex.Matcher found =
                    java.util.regex.Pattern.compile("->\\s+(\\S+)\\s+not found").matcher(line);
            if (found.find() && CORE_LIBRARIES.stream().noneMatch(found.group(1)::startsWith)) {
                missing.add(line.trim());
            }
        }
        assertTrue(out.toString().contains("not found"), "jdeps found the libraries' classes missing:\n" + out);
        assertEquals(List.of(), missing);
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
