package org.tabserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opens the packaged WAR and checks what ships: the bundled model and the runtime, never the build-time tools. */
class WarContentsIT {

    static List<String> entries;
    static Path war;

    @BeforeAll
    static void open() throws IOException {
        war = Path.of(System.getProperty("tabserve.war", "target/tabserve.war"));
        try (ZipFile zip = new ZipFile(war.toFile())) {
            entries = Collections.list(zip.entries()).stream()
                    .map(ZipEntry::getName)
                    .toList();
        }
    }

    @Test
    void bundlesTheCommittedModelUnderWebInf() throws IOException {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            ZipEntry model = zip.getEntry("WEB-INF/model.onnx");
            assertNotNull(model, "WEB-INF/model.onnx is missing");
            try (InputStream in = zip.getInputStream(model)) {
                assertArrayEquals(Files.readAllBytes(Path.of("model.onnx")), in.readAllBytes());
            }
        }
    }

    @Test
    void shipsOnnxRuntimeAndNoBuildTimeLibrary() {
        assertTrue(entries.stream().anyMatch(e -> e.matches("WEB-INF/lib/onnxruntime-.*\\.jar")), "onnxruntime jar");
        List<String> buildTime = entries.stream()
                .filter(e -> e.matches("WEB-INF/lib/(tribuo|olcut|libsvm|liblinear|protobuf|junit|grpc-netty).*"))
                .filter(e -> !e.matches("WEB-INF/lib/protobuf-java-[0-9.]+\\.jar"))
                .toList();
        assertEquals(
                List.of(),
                buildTime,
                "protobuf-java is the gRPC service's runtime; Tribuo's protobuf and the "
                        + "tests' gRPC client are not");
    }

    /** The Open Inference Protocol over gRPC: its servlet transport and the code generated from src/main/proto. */
    @Test
    void shipsTheGrpcServletTransportAndTheGeneratedProtocolClasses() {
        for (String jar : List.of("grpc-servlet-jakarta", "grpc-protobuf", "grpc-stub", "grpc-core", "protobuf-java")) {
            assertTrue(entries.stream().anyMatch(e -> e.matches("WEB-INF/lib/" + jar + "-[0-9.]+\\.jar")), jar);
        }
        assertTrue(entries.contains("WEB-INF/classes/inference/GRPCInferenceServiceGrpc.class"));
        assertTrue(entries.contains("WEB-INF/classes/inference/ModelInferRequest.class"));
    }

    @Test
    void keepsJettyAndTheServletApiOutOfWebInfLibForContainers() {
        List<String> containerJars = entries.stream()
                .filter(e -> e.matches("WEB-INF/lib/(jetty|jakarta\\.servlet).*"))
                .toList();
        assertEquals(List.of(), containerJars);
        assertTrue(entries.stream().anyMatch(e -> e.matches("WEB-INF/lib-jetty/jetty-server-.*\\.jar")));
        // HTTP/2 cleartext for gRPC under java -jar: Jetty's own, so beside Jetty, never in WEB-INF/lib.
        assertTrue(entries.stream().anyMatch(e -> e.matches("WEB-INF/lib-jetty/jetty-http2-server-.*\\.jar")));
        assertTrue(entries.stream().anyMatch(e -> e.matches("WEB-INF/lib-jetty/jetty-http2-hpack-.*\\.jar")));
        assertTrue(entries.contains("WEB-INF/lib-jetty/tabserve-launcher.jar"));
        List<String> atRoot = entries.stream()
                .filter(e -> e.endsWith(".class") && !e.startsWith("WEB-INF/"))
                .toList();
        assertEquals(
                List.of(
                        "org/tabserve/launcher/JettyClassPath.class",
                        "org/tabserve/launcher/Main.class",
                        "org/tabserve/launcher/SecondJvm.class",
                        "org/tabserve/launcher/classpath/ClassPathBeside.class",
                        "org/tabserve/launcher/warcache/WarCache$Unpacked.class",
                        "org/tabserve/launcher/warcache/WarCache.class",
                        "org/tabserve/launcher/warcache/WarCacheCleaner.class",
                        "org/tabserve/launcher/warcache/WarCacheKey.class",
                        "org/tabserve/launcher/warcache/WarCacheNatives.class",
                        "org/tabserve/launcher/warcache/WarCacheRoots.class"),
                atRoot.stream().sorted().toList(),
                "only the bootstrap sits at the WAR's root");
    }

    /**
     * The manifest's Class-Path names every jar of WEB-INF/lib-jetty/ and of WEB-INF/lib/ in the WAR exploded beside
     * it (target/tabserve/), and the jar of its WEB-INF/classes/ beside it, and nothing else, so that {@code java -jar}
     * loads Jetty, the launcher and the web app with the JVM's own class loader (launcher/JettyClassPath).
     */
    @Test
    void theManifestsClassPathNamesEveryJarOfLibJettyInTheWarExplodedBesideIt() throws IOException {
        List<String> libJetty = java.util.stream.Stream.concat(
                        entries.stream()
                                .filter(e -> e.matches("WEB-INF/lib(-jetty)?/[^/]+\\.jar"))
                                .map(e -> "tabserve/" + e),
                        java.util.stream.Stream.of("tabserve-classes.jar"))
                .sorted()
                .toList();
        try (JarFile jar = new JarFile(war.toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            assertNotNull(classPath, "no Class-Path in the manifest");
            assertEquals(
                    libJetty,
                    Arrays.stream(classPath.trim().split("\\s+")).sorted().toList());
        }
        for (String jar : libJetty) {
            assertTrue(Files.isRegularFile(war.resolveSibling(jar)), jar + " beside the WAR");
        }
    }

    @Test
    void shipsNoTrainingOrTestClasses() {
        List<String> leaked = entries.stream()
                .filter(e -> e.startsWith("WEB-INF/classes/org/tabserve/train/") || e.endsWith("Test.class"))
                .toList();
        assertEquals(List.of(), leaked);
        assertTrue(entries.contains("WEB-INF/classes/org/tabserve/model/onnx/OnnxModel.class"));
    }
}
