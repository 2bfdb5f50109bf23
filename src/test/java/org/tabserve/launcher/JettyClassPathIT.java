package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.TabserveProcess;

/**
 * {@code java -jar target/tabserve.war} loads Jetty and the launcher from the WAR exploded beside it by {@code mvn
 * package} ({@code target/tabserve/WEB-INF/lib-jetty/}, named by the WAR's manifest {@code Class-Path}), with the
 * JVM's own class loader, so that an AppCDS archive holds their lambdas too ({@link JettyClassPath}); a WAR beside a
 * directory of another build serves with its own copies from the cache in a second JVM that never had the other
 * build's jars on its class path ({@link SecondJvm}); a WAR copied alone serves with its own copies in one JVM.
 */
class JettyClassPathIT {

    @TempDir
    Path temp;

    /** What the last start printed. */
    private List<String> output = List.of();

    /**
     * Starts {@code war} with a class-loading log, awaits the ready line, stops it; the lines of the log of the JVM
     * that served (one log per JVM: a start may run a second, {@link SecondJvm}).
     */
    private List<String> classesLoaded(Path war) throws Exception {
        Path logs = Files.createDirectories(temp.resolve("classes-" + System.nanoTime()));
        TabserveProcess server = TabserveProcess.start(
                war,
                List.of(
                        TabserveProcess.FUNCTIONAL_JVM_OPTIONS.get(0),
                        // The JDK's own class archive alone, not the WAR's (which TabserveProcess maps otherwise):
                        // the log then names the jar each class of Jetty and the app was read from.
                        "-Xshare:auto",
                        "-Xlog:class+load=info:file=" + logs.resolve("%p.log")),
                List.of("--port", "0"),
                Map.of("XDG_CACHE_HOME", temp.resolve("cache").toString()));
        try {
            server.awaitReady(Duration.ofSeconds(90));
        } finally {
            assertEquals(0, server.terminate(Duration.ofSeconds(30)), String.join("\n", server.output()));
            output = server.output();
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(logs)) {
            files = listed.toList();
        }
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            if (!sourceOf(lines, "org.eclipse.jetty.server.Server").equals("not loaded")) {
                return lines;
            }
        }
        throw new AssertionError("no JVM loaded Jetty: " + files);
    }

    /** The source the log gives for {@code className}. */
    private static String sourceOf(List<String> loaded, String className) {
        return loaded.stream()
                .filter(line -> line.contains("] " + className + " source: "))
                .map(line -> line.substring(line.indexOf(" source: ") + 9))
                .findFirst()
                .orElse("not loaded");
    }

    @Test
    void theBuiltWarLoadsJettyAndTheLauncherFromTheWarExplodedBesideIt() throws Exception {
        Path war = TabserveProcess.war();
        Path libJetty = war.resolveSibling("tabserve").resolve(JettyClassPath.LIB_JETTY);
        assertTrue(Files.isDirectory(libJetty), "mvn package left no " + libJetty);

        List<String> loaded = classesLoaded(war);

        String server = sourceOf(loaded, "org.eclipse.jetty.server.Server");
        assertTrue(server.startsWith(libJetty.toUri().toString().replace("file:///", "file:/")), server);
        String launcher = sourceOf(loaded, "org.tabserve.launcher.EmbeddedServer");
        assertTrue(launcher.endsWith("/tabserve/WEB-INF/lib-jetty/" + JettyClassPath.LAUNCHER_JAR), launcher);
        assertTrue(
                loaded.stream().anyMatch(line -> line.contains("] org.eclipse.jetty.") && line.contains("$$Lambda$")),
                "Jetty's lambdas are defined by the JVM's own loader as well");
        // The web app's classes and libraries too, from the jar of its classes and the jars beside the WAR, which
        // Jetty's web app class loader asks for first (JettyClassPath.JETTY_AND_APP).
        String app = sourceOf(loaded, "org.tabserve.web.TabserveListener");
        assertTrue(app.endsWith("/tabserve-classes.jar"), app);
        String model = sourceOf(loaded, "org.tabserve.model.onnx.OnnxModelLoader");
        assertTrue(model.endsWith("/tabserve-classes.jar"), model);
        String jackson = sourceOf(loaded, "com.fasterxml.jackson.databind.ObjectMapper");
        assertTrue(jackson.contains("/tabserve/WEB-INF/lib/jackson-databind-"), jackson);
    }

    @Test
    void aWarBesideTheJarsOfAnotherBuildServesWithItsOwnCopies() throws Exception {
        Path war = Files.copy(TabserveProcess.war(), temp.resolve("tabserve.war"));
        Path built = TabserveProcess.war().resolveSibling("tabserve").resolve(JettyClassPath.LIB_JETTY);
        Path beside = Files.createDirectories(temp.resolve("tabserve").resolve(JettyClassPath.LIB_JETTY));
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(built)) {
            files.forEach(jars::add);
        }
        for (Path jar : jars) {
            Files.copy(jar, beside.resolve(jar.getFileName()));
        }
        Path launcherJar = beside.resolve(JettyClassPath.LAUNCHER_JAR);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + launcherJar.toUri()), Map.of())) {
            Files.writeString(zip.getPath("another-build.txt"), "an earlier launcher");
        }

        List<String> loaded = classesLoaded(war);

        String launcher = sourceOf(loaded, "org.tabserve.launcher.EmbeddedServer");
        String server = sourceOf(loaded, "org.eclipse.jetty.server.Server");
        String cache = temp.resolve("cache").toUri().toString().replace("file:///", "file:/");
        assertTrue(launcher.startsWith(cache), launcher);
        assertTrue(server.startsWith(cache), server);
        // Served by a second JVM, which never had those jars on its class path (ClassPathBeside, SecondJvm).
        assertEquals(
                1,
                output.stream()
                        .filter(line -> line.contains("are not its own copies"))
                        .count(),
                String.join("\n", output));
    }

    @Test
    void aWarCopiedAloneIntoAFolderOfItsOwnStartsInOneJvmAndClosesItsClassPath() throws Exception {
        Path war = Files.copy(TabserveProcess.war(), temp.resolve("alone.war"));

        List<String> loaded = classesLoaded(war);

        String server = sourceOf(loaded, "org.eclipse.jetty.server.Server");
        String cache = temp.resolve("cache").toUri().toString().replace("file:///", "file:/");
        assertTrue(server.startsWith(cache), server);
        assertTrue(output.stream().noneMatch(line -> line.contains("JVM of its own")), String.join("\n", output));
    }
}
