package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.Http;
import org.tabserve.testing.TabserveProcess;

/**
 * Issue 61, finding 1: a jar that another local user plants beside a WAR kept in a shared folder, named as one of the
 * jars the WAR's manifest {@code Class-Path} names, is on the JVM's class path before any of our code runs, and the
 * JDK's service look-ups run what it names (here a {@code FileSystemProvider} whose constructor leaves a mark). The
 * launcher must not go on in that JVM: it says so once and serves from a second JVM that never had the jar, in which
 * no planted code runs; a stop reaches the second JVM through the first and ends both with status 0.
 */
class PlantedJarIT {

    @TempDir
    Path temp;

    private static final String PROVIDER = """
            package planted;
            import java.net.URI;
            import java.nio.channels.SeekableByteChannel;
            import java.nio.file.*;
            import java.nio.file.attribute.*;
            import java.nio.file.spi.FileSystemProvider;
            import java.util.*;
            public class Provider extends FileSystemProvider {
                public Provider() {
                    try {
                        Files.writeString(Path.of(System.getenv("PLANTED_MARK")), "the planted jar ran");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                public String getScheme() { return "planted"; }
                public FileSystem newFileSystem(URI u, Map<String, ?> e) { throw new UnsupportedOperationException(); }
                public FileSystem getFileSystem(URI u) { throw new UnsupportedOperationException(); }
                public Path getPath(URI u) { throw new UnsupportedOperationException(); }
                public SeekableByteChannel newByteChannel(Path p, Set<? extends OpenOption> o, FileAttribute<?>... a) {
                    throw new UnsupportedOperationException();
                }
                public DirectoryStream<Path> newDirectoryStream(Path d, DirectoryStream.Filter<? super Path> f) {
                    throw new UnsupportedOperationException();
                }
                public void createDirectory(Path d, FileAttribute<?>... a) { throw new UnsupportedOperationException(); }
                public void delete(Path p) { throw new UnsupportedOperationException(); }
                public void copy(Path s, Path t, CopyOption... o) { throw new UnsupportedOperationException(); }
                public void move(Path s, Path t, CopyOption... o) { throw new UnsupportedOperationException(); }
                public boolean isSameFile(Path a, Path b) { return false; }
                public boolean isHidden(Path p) { return false; }
                public FileStore getFileStore(Path p) { throw new UnsupportedOperationException(); }
                public void checkAccess(Path p, AccessMode... m) { throw new UnsupportedOperationException(); }
                public <V extends FileAttributeView> V getFileAttributeView(Path p, Class<V> t, LinkOption... o) {
                    return null;
                }
                public <A extends BasicFileAttributes> A readAttributes(Path p, Class<A> t, LinkOption... o) {
                    throw new UnsupportedOperationException();
                }
                public Map<String, Object> readAttributes(Path p, String a, LinkOption... o) {
                    throw new UnsupportedOperationException();
                }
                public void setAttribute(Path p, String a, Object v, LinkOption... o) {
                    throw new UnsupportedOperationException();
                }
            }
            """;

    /** A jar with the provider above, named by the JDK's service file for file system providers. */
    private Path plantedJar(Path jar) throws IOException {
        Path source = Files.createDirectories(temp.resolve("src/planted")).resolve("Provider.java");
        Files.writeString(source, PROVIDER);
        Path classes = Files.createDirectories(temp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), source.toString()));
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("META-INF/services/java.nio.file.spi.FileSystemProvider"));
            zip.write("planted.Provider\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("planted/Provider.class"));
            zip.write(Files.readAllBytes(classes.resolve("planted/Provider.class")));
            zip.closeEntry();
        }
        return jar;
    }

    @Test
    void aJarPlantedBesideAWarInASharedFolderNeverRuns() throws Exception {
        // A shared folder as /tmp is: sticky and world-writable; the WAR kept there, and a jar planted beside it under
        // one of the names its manifest gives.
        Path shared = Files.createDirectories(temp.resolve("shared"));
        assertEquals(
                0,
                new ProcessBuilder("chmod", "1777", shared.toString()).start().waitFor());
        Path war = Files.copy(TabserveProcess.war(), shared.resolve("tabserve.war"));
        List<Path> named;
        try (JarFile jar = new JarFile(war.toFile())) {
            named = JettyClassPath.named(war, jar.getManifest());
        }
        String xml = named.stream()
                .map(Path::toString)
                .filter(name -> name.matches(".*/WEB-INF/lib-jetty/jetty-xml-[^/]*\\.jar"))
                .findFirst()
                .orElseThrow();
        plantedJar(Path.of(xml));
        Path mark = temp.resolve("planted.mark");

        TabserveProcess server = TabserveProcess.start(
                war,
                TabserveProcess.FUNCTIONAL_JVM_OPTIONS,
                List.of("--port", "0"),
                Map.of("XDG_CACHE_HOME", temp.resolve("cache").toString(), "PLANTED_MARK", mark.toString()));
        int status;
        List<String> output;
        try {
            server.awaitReady(Duration.ofSeconds(120));
            Http.Response answer = new Http(server)
                    .postJson(
                            "/api/predict",
                            "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}");
            assertEquals(200, answer.status(), answer.text());
        } finally {
            status = server.terminate(Duration.ofSeconds(60));
            output = server.output();
        }
        String all = String.join("\n", output);
        assertEquals(0, status, all);
        assertFalse(Files.exists(mark), "the planted jar's code ran:\n" + all);
        assertEquals(
                1,
                output.stream()
                        .filter(line -> line.contains("starting a JVM of its own without them"))
                        .count(),
                all);
        assertTrue(all.contains("others may write to " + shared.toRealPath()), all);
    }
}
