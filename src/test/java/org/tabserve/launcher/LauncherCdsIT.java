package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.ArchivedClasses;
import org.tabserve.testing.TabserveProcess;

/**
 * {@code java -jar} with an AppCDS archive, as docs/operations.md "A faster start: an AppCDS archive" gives it: a
 * start with {@code -XX:ArchiveClassesAtExit} writes the archive as it stops, and a start with
 * {@code -XX:SharedArchiveFile} takes from it the classes of the launcher's own class loaders (the launcher's and
 * Jetty's) and of the web app's. It stands for these commands of the docs (run here with the archive and the WAR
 * cache in a temporary directory):
 * <pre>
 * MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:ArchiveClassesAtExit=tabserve.jsa -jar target/tabserve.war
 * MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=tabserve.jsa -jar target/tabserve.war
 * </pre>
 * The time it saves is measured by {@code bench/start} (mode {@code appcds}), not here.
 */
class LauncherCdsIT {

    /** A class of each class loader the archive must serve: the launcher's, Jetty's (the same loader), the web app's. */
    static final List<String> ARCHIVED = List.of(
            "org.tabserve.launcher.EmbeddedServer",
            "org.eclipse.jetty.server.Server",
            "org.tabserve.web.TabserveListener",
            "com.fasterxml.jackson.databind.ObjectMapper");

    @TempDir
    Path temp;

    @Test
    void aStartWritesTheArchiveAsItStopsAndTheNextTakesTheLaunchersJettysAndTheAppsClassesFromIt() throws Exception {
        Path war = TabserveProcess.war();
        Path archive = train(war);

        Path classes = temp.resolve("classes.log");
        TabserveProcess server = TabserveProcess.start(
                war,
                options("-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info:file=" + classes),
                List.of("--port", "0"),
                environment());
        try {
            server.awaitReady(Duration.ofSeconds(90));
        } finally {
            assertEquals(0, server.terminate(Duration.ofSeconds(30)), String.join("\n", server.output()));
        }
        assertTrue(
                server.output().stream().noneMatch(line -> line.contains("[cds")),
                "the JVM warns about the archive:\n" + String.join("\n", server.output()));
        ArchivedClasses.assertTakenFromArchive(classes, ARCHIVED);
    }

    /** The archive holds for the WAR it was made with: after a rebuild the JVM says so in one line and starts as before. */
    @Test
    void anArchiveOfAnEarlierBuildIsRefusedInOneLineAndTheServerStartsWithoutIt() throws Exception {
        Path war = Files.copy(TabserveProcess.war(), temp.resolve("tabserve.war"));
        Path archive = train(war);
        Files.setLastModifiedTime(
                war, FileTime.fromMillis(Files.getLastModifiedTime(war).toMillis() + 60_000));

        TabserveProcess server = TabserveProcess.start(
                war, options("-XX:SharedArchiveFile=" + archive), List.of("--port", "0"), environment());
        try {
            server.awaitReady(Duration.ofSeconds(90));
        } finally {
            assertEquals(0, server.terminate(Duration.ofSeconds(30)), String.join("\n", server.output()));
        }
        List<String> warnings =
                server.output().stream().filter(line -> line.contains("[cds")).toList();
        assertEquals(1, warnings.size(), String.join("\n", server.output()));
        assertTrue(warnings.get(0).contains("Unable to use shared archive"), warnings.get(0));
    }

    /** The first command: a start with -XX:ArchiveClassesAtExit, stopped with SIGTERM once ready. */
    private Path train(Path war) throws Exception {
        Path archive = temp.resolve("tabserve.jsa");
        TabserveProcess training = TabserveProcess.start(
                war, options("-XX:ArchiveClassesAtExit=" + archive), List.of("--port", "0"), environment());
        try {
            training.awaitReady(Duration.ofSeconds(90));
        } finally {
            assertEquals(0, training.terminate(Duration.ofSeconds(60)), String.join("\n", training.output()));
        }
        assertTrue(
                Files.isRegularFile(archive) && Files.size(archive) > 1 << 20,
                "no archive written:\n" + String.join("\n", training.output()));
        return archive;
    }

    private static List<String> options(String... more) {
        List<String> options = new ArrayList<>(TabserveProcess.SHIPPED_JVM_OPTIONS);
        options.addAll(List.of(more));
        return options;
    }

    /** README's environment, and a WAR cache of the test's own. */
    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(TabserveProcess.SHIPPED_ENVIRONMENT);
        environment.put("XDG_CACHE_HOME", temp.resolve("cache").toString());
        return environment;
    }
}
