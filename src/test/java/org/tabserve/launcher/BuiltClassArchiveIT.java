package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.ArchivedClasses;
import org.tabserve.testing.Http;
import org.tabserve.testing.TabserveProcess;

/**
 * The AppCDS archive that {@code mvn package} writes beside the WAR ({@code deploy/war-cds-archive.sh}), as README's
 * command maps it: the launcher's, Jetty's and the web app's classes come from it, Jetty's and the launcher's lambdas
 * too, with no word from the JVM; and a
 * start whose archive is missing still serves, saying so in one line ({@link ClassArchiveNotice}), where Java 17
 * alone says nothing and shares no classes at all. (An archive of another build: {@link LauncherCdsIT}.) It stands
 * for README's command (here with a WAR cache of the test's own):
 * <pre>
 * MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=target/tabserve.jsa -jar target/tabserve.war
 * </pre>
 */
class BuiltClassArchiveIT {

    @TempDir
    Path temp;

    @Test
    void theArchiveThePackageWroteServesTheLaunchersJettysAndTheAppsClassesSilently() throws Exception {
        Path war = TabserveProcess.war();
        Path archive = war.resolveSibling("tabserve.jsa");
        assertTrue(Files.isRegularFile(archive), "mvn package wrote no " + archive);
        Path classes = temp.resolve("classes.log");

        List<String> output =
                startAndStop(war, "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info:file=" + classes);

        assertTrue(
                output.stream().noneMatch(line -> line.contains("[cds") || line.contains("class archive")),
                "a word about the archive:\n" + String.join("\n", output));
        ArchivedClasses.assertTakenFromArchive(classes, LauncherCdsIT.ARCHIVED);
        // Jetty and the launcher on the JVM's own class path (JettyClassPath): their lambdas are archived too, where
        // Java 17 defines those of other class loaders afresh at every start (130 here before).
        List<String> lambdasDefinedNow = Files.readAllLines(classes).stream()
                .filter(line -> line.contains("$$Lambda$")
                        && (line.contains("] org.eclipse.jetty.") || line.contains("] org.tabserve.launcher.")))
                .filter(line -> !line.contains("source: shared objects file"))
                .toList();
        assertEquals(List.of(), lambdasDefinedNow, "Jetty's and the launcher's lambdas come from the archive");
    }

    @Test
    void aMissingArchiveIsNamedInOneLineAndTheServerStartsWithoutIt() throws Exception {
        Path missing = temp.resolve("no-such.jsa");

        List<String> output = startAndStop(TabserveProcess.war(), "-XX:SharedArchiveFile=" + missing);

        List<String> said = output.stream()
                .filter(line -> line.contains("class archive") || line.contains("[cds"))
                .toList();
        assertEquals(1, said.size(), String.join("\n", output));
        assertTrue(said.get(0).startsWith("tabserve: the class archive " + missing + " was not found"), said.get(0));
    }

    /**
     * Issue 61, finding 4: the JVM maps the archive for its whole life, so bytes written over it end a running server
     * (SIGBUS). The archive the package wrote is read-only, and {@code deploy/war-cds-archive.sh} writing a new one
     * over the path a server maps replaces it by a rename: that server goes on serving, classes from the old file.
     */
    @Test
    void theArchiveIsReadOnlyAndWritingANewOneOverItLeavesTheServerThatMapsItServing() throws Exception {
        Path war = TabserveProcess.war();
        Path built = war.resolveSibling("tabserve.jsa");
        assertEquals(
                Set.of(),
                Files.getPosixFilePermissions(built).stream()
                        .filter(p -> p.name().endsWith("_WRITE"))
                        .collect(Collectors.toSet()),
                built + " is read-only");
        Path archive = Files.copy(built, temp.resolve("mapped.jsa"));
        List<String> options = new ArrayList<>(TabserveProcess.SHIPPED_JVM_OPTIONS);
        options.add("-XX:SharedArchiveFile=" + archive);
        Map<String, String> environment = new HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        environment.put("XDG_CACHE_HOME", temp.resolve("cache").toString());
        TabserveProcess server = TabserveProcess.start(war, options, List.of("--port", "0"), environment);
        try {
            server.awaitReady(Duration.ofSeconds(90));
            Process script = new ProcessBuilder("bash", "deploy/war-cds-archive.sh", war.toString(), archive.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("script.log").toFile())
                    .start();
            assertTrue(script.waitFor(300, TimeUnit.SECONDS), "the script's training start took over 300 s");
            assertEquals(0, script.exitValue(), Files.readString(temp.resolve("script.log")));
            assertTrue(Files.getPosixFilePermissions(archive).stream()
                    .noneMatch(p -> p.name().endsWith("_WRITE")));

            Http http = new Http(server);
            assertEquals(200, http.postJson("/api/predict", ROW).status());
            assertEquals(200, http.get("/openapi.json").status(), "classes first loaded after the archive changed");
            assertEquals(200, http.get("/metrics").status());
        } finally {
            assertEquals(0, server.terminate(Duration.ofSeconds(30)), String.join("\n", server.output()));
        }
    }

    private static final String ROW = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";

    /** README's flags and environment plus {@code more}: started, awaited, stopped with status 0; its output. */
    private List<String> startAndStop(Path war, String... more) throws Exception {
        List<String> options = new ArrayList<>(TabserveProcess.SHIPPED_JVM_OPTIONS);
        options.addAll(List.of(more));
        Map<String, String> environment = new HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        environment.put("XDG_CACHE_HOME", temp.resolve("cache").toString());
        TabserveProcess server = TabserveProcess.start(war, options, List.of("--port", "0"), environment);
        try {
            server.awaitReady(Duration.ofSeconds(90));
        } finally {
            assertEquals(0, server.terminate(Duration.ofSeconds(30)), String.join("\n", server.output()));
        }
        return server.output();
    }
}
