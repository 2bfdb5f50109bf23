package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.rows.arrow.ArrowRowsReader;
import org.tabserve.testing.ArchivedClasses;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.GrpcWire;
import org.tabserve.testing.Http;
import org.tabserve.testing.Jdks;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TabserveProcess;

/**
 * README's build and serve on Java 25, the JDK installed beside 17: {@code deploy/war-cds-archive.sh} (what
 * {@code mvn package} runs) writes an AOT cache when its {@code java} is 25 (classes loaded and linked, and the request
 * path's method profiles), README's {@code -XX:SharedArchiveFile} maps it, and the server says nothing the JVM would
 * not say on 17: no warning about ONNX Runtime's native code (the WAR's manifest enables it), none on its JSON and
 * gRPC answers (protobuf-java 4.36's generated code uses no sun.misc.Unsafe); Arrow's four lines about it at the first
 * Arrow answer, and no others. It stands for these commands, the first as {@code mvn package} runs it, on a copy of the WAR:
 * <pre>
 * deploy/war-cds-archive.sh target/tabserve.war target/tabserve.jsa
 * MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=target/tabserve.jsa -jar target/tabserve.war
 * </pre>
 * with {@code java} the JDK 25's. What the cache saves is measured by {@code bench/start}, not here.
 */
class Java25StartIT {

    @TempDir
    Path temp;

    @Test
    void theBuildsCacheOnJava25IsAnAotCacheThatReadmesCommandMapsAndTheServerAnswersWithoutAWarning() throws Exception {
        Path jdk = Jdks.atLeast(25, "the Java 25 start");
        Path war = Files.copy(TabserveProcess.war(), temp.resolve("tabserve.war"));
        Path cache = temp.resolve("tabserve.jsa");
        String made = writeCache(jdk, war, cache);
        assertTrue(made.contains("tabserve: AOT cache (Java 25") && made.contains(cache + " written"), made);

        Path classes = temp.resolve("classes.log");
        List<String> options = new ArrayList<>(TabserveProcess.SHIPPED_JVM_OPTIONS);
        options.addAll(List.of("-XX:SharedArchiveFile=" + cache, "-Xlog:class+load=info:file=" + classes));
        Map<String, String> environment = new HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        environment.put("XDG_CACHE_HOME", temp.resolve("cache").toString());
        TabserveProcess server = TabserveProcess.start(jdk, war, options, List.of("--port", "0"), environment);
        try {
            server.awaitReady(Duration.ofSeconds(90));
            Http http = new Http(server);
            Http.Response json = http.postJson(
                    "/api/predict",
                    "{\"variance\": 3.62, \"skewness\": 8.67, \"curtosis\": -2.81, \"entropy\": -0.45}");
            assertEquals(200, json.status(), json.text());
            assertTrue(json.text().startsWith("{\"label\":\"0\""), json.text());
            ManagedChannel channel = GrpcWire.channelTo(server);
            try {
                String label = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .modelInfer(GrpcWire.notes("", 1))
                        .getOutputs(0)
                        .getContents()
                        .getBytesContents(0)
                        .toStringUtf8();
                assertEquals("0", label);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            List<String> beforeArrow = List.copyOf(server.output());
            assertEquals(
                    List.of(), said(beforeArrow), "the JVM's words on Java 25:\n" + String.join("\n", beforeArrow));
            Http.Response arrow = http.upload(
                    "/predict_file",
                    Multipart.csv(Files.readAllBytes(BankNotes.DATA)),
                    "Accept",
                    ArrowRowsReader.MEDIA_TYPE);
            assertEquals(200, arrow.status(), arrow.text());
        } finally {
            assertEquals(0, server.terminate(Duration.ofSeconds(30)), String.join("\n", server.output()));
        }
        // Arrow's memory (arrow-memory-core 19.0.0, the newest) reads through sun.misc.Unsafe, which Java 24 and later
        // name in four lines, once, at the first Arrow answer (JEP 498; docs/operations.md): those and no others.
        List<String> said = said(server.output());
        assertEquals(4, said.size(), "the JVM's words on Java 25:\n" + String.join("\n", server.output()));
        assertTrue(
                said.get(0).equals("WARNING: A terminally deprecated method in sun.misc.Unsafe has been called")
                        && said.get(1).contains("has been called by org.apache.arrow.memory.util.MemoryUtil"),
                String.join("\n", said));
        ArchivedClasses.assertTakenFromAotCache(classes, LauncherCdsIT.ARCHIVED);

        // The same cache given as Java 25 names it (-XX:AOTCache), now writable by others: the JVM maps it for its
        // whole
        // life, so the launcher names it, as it names such an archive given with -XX:SharedArchiveFile.
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        List<String> planted = new ArrayList<>(TabserveProcess.SHIPPED_JVM_OPTIONS);
        planted.add("-XX:AOTCache=" + cache);
        TabserveProcess writable = TabserveProcess.start(jdk, war, planted, List.of("--port", "0"), environment);
        try {
            writable.awaitReady(Duration.ofSeconds(90));
        } finally {
            assertEquals(0, writable.terminate(Duration.ofSeconds(30)), String.join("\n", writable.output()));
        }
        assertTrue(
                writable.output().stream()
                        .anyMatch(line -> line.startsWith("tabserve: the class archive " + cache)
                                && line.contains("others may write to it (mode 0666)")),
                String.join("\n", writable.output()));
    }

    /** The lines of a JVM's output that are the JVM's warnings or words about its class archive. */
    private static List<String> said(List<String> output) {
        return output.stream()
                .filter(line -> line.contains("WARNING") || line.contains("[cds") || line.contains("[aot"))
                .toList();
    }

    /** Runs the build's script with the JDK's {@code java} first on the PATH; its output. */
    private String writeCache(Path jdk, Path war, Path cache) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        "bash", Path.of("deploy/war-cds-archive.sh").toString(), war.toString(), cache.toString())
                .redirectErrorStream(true);
        builder.environment().put("PATH", jdk.resolve("bin") + ":" + System.getenv("PATH"));
        Process script = builder.start();
        byte[] output = script.getInputStream().readAllBytes();
        assertTrue(script.waitFor(5, TimeUnit.MINUTES), "the script did not end");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, script.exitValue(), text);
        return text;
    }
}
