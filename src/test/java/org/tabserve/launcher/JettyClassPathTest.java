package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JettyClassPath} lets {@link Main} use the JVM's own class path for Jetty and the launcher only when the
 * WAR's manifest names every jar of its {@code WEB-INF/lib-jetty/} in the WAR exploded beside it, each an exact copy,
 * and the launcher's server class is found there: a WAR copied alone, a changed or missing jar, a jar left out of the
 * manifest, or a server class found elsewhere all mean the WAR's own copies, as before.
 */
class JettyClassPathTest {

    @TempDir
    Path dir;

    private static final String PREFIX = "tabserve/WEB-INF/lib-jetty/";

    /** Small jars standing for Jetty's and the launcher's, by name. */
    private final Map<String, byte[]> jars = new LinkedHashMap<>();

    JettyClassPathTest() throws IOException {
        jars.put("jetty-server-12.1.12.jar", jar(Map.of("org/eclipse/jetty/server/Server.class", "server")));
        jars.put("jetty-util-12.1.12.jar", jar(Map.of("org/eclipse/jetty/util/Jetty.class", "util")));
        jars.put(JettyClassPath.LAUNCHER_JAR, jar(Map.of(JettyClassPath.SERVER_RESOURCE, "launcher")));
    }

    private static byte[] jar(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                jar.putNextEntry(new ZipEntry(entry.getKey()));
                jar.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A WAR in {@code dir} whose lib-jetty holds {@link #jars} and whose manifest names {@code named} beside it. */
    private Path war(List<String> named) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes()
                .put(
                        Attributes.Name.CLASS_PATH,
                        String.join(" ", named.stream().map(n -> PREFIX + n).toList()));
        Path war = dir.resolve("tabserve.war");
        try (OutputStream out = Files.newOutputStream(war);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
            jar.write("<web-app/>".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            for (Map.Entry<String, byte[]> entry : jars.entrySet()) {
                jar.putNextEntry(new ZipEntry(JettyClassPath.LIB_JETTY + entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
        return war;
    }

    /** The WAR exploded beside it: its lib-jetty jars under {@code tabserve/WEB-INF/lib-jetty/}. */
    private Path explodeBeside() throws IOException {
        Path libJetty = Files.createDirectories(dir.resolve(PREFIX));
        for (Map.Entry<String, byte[]> entry : jars.entrySet()) {
            Files.write(libJetty.resolve(entry.getKey()), entry.getValue());
        }
        return libJetty;
    }

    /** A class loader over the exploded jars, as the JVM's own would be with the manifest's Class-Path. */
    private URLClassLoader loaderOver(Path libJetty) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String name : jars.keySet()) {
            urls.add(libJetty.resolve(name).toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), null);
    }

    private List<String> allNames() {
        return List.copyOf(jars.keySet());
    }

    @Test
    void exactCopiesBesideTheWarThatTheLoaderUsesAreTaken() throws Exception {
        Path war = war(allNames());
        try (URLClassLoader loader = loaderOver(explodeBeside())) {
            assertEquals(JettyClassPath.JETTY, JettyClassPath.of(war, loader));
        }
    }

    @Test
    void aWarCopiedAloneUsesItsOwnCopies() throws Exception {
        Path war = war(allNames());
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        try (URLClassLoader loader = loaderOver(explodeBeside())) {
            assertEquals(
                    JettyClassPath.NONE, JettyClassPath.of(Files.copy(war, elsewhere.resolve("tabserve.war")), loader));
        }
    }

    @Test
    void aJarBesideThatDiffersAtTheSameSizeIsNotTaken() throws Exception {
        Path war = war(allNames());
        Path libJetty = explodeBeside();
        byte[] stale = jar(Map.of(JettyClassPath.SERVER_RESOURCE, "launches")); // one letter: an earlier build
        assertEquals(jars.get(JettyClassPath.LAUNCHER_JAR).length, stale.length, "the same size");
        Files.write(libJetty.resolve(JettyClassPath.LAUNCHER_JAR), stale);
        try (URLClassLoader loader = loaderOver(libJetty)) {
            assertEquals(JettyClassPath.NONE, JettyClassPath.of(war, loader));
        }
    }

    @Test
    void aMissingJarBesideIsNotTaken() throws Exception {
        Path war = war(allNames());
        Path libJetty = explodeBeside();
        try (URLClassLoader loader = loaderOver(libJetty)) {
            Files.delete(libJetty.resolve("jetty-util-12.1.12.jar"));
            assertEquals(JettyClassPath.NONE, JettyClassPath.of(war, loader));
        }
    }

    @Test
    void theClassPathNamedByAWarsManifestIsRead() throws IOException {
        Path war = war(List.of("a.jar", "b.jar"));
        Manifest manifest;
        try (JarFile jar = new JarFile(war.toFile())) {
            manifest = jar.getManifest();
        }
        assertEquals(
                List.of(dir.resolve(PREFIX + "a.jar"), dir.resolve(PREFIX + "b.jar")),
                JettyClassPath.named(war, manifest));
    }

    @Test
    void aJarOfTheWarThatTheManifestLeavesOutMeansTheWarsOwnCopies() throws Exception {
        Path war = war(List.of("jetty-server-12.1.12.jar", JettyClassPath.LAUNCHER_JAR));
        try (URLClassLoader loader = loaderOver(explodeBeside())) {
            assertEquals(JettyClassPath.NONE, JettyClassPath.of(war, loader));
        }
    }

    @Test
    void aServerClassFoundElsewhereMeansTheWarsOwnCopies() throws Exception {
        Path war = war(allNames());
        explodeBeside();
        Path other = dir.resolve("other-launcher.jar");
        Files.write(other, jars.get(JettyClassPath.LAUNCHER_JAR));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {other.toUri().toURL()}, null)) {
            assertEquals(JettyClassPath.NONE, JettyClassPath.of(war, loader));
        }
    }

    @Test
    void aWarWithoutAClassPathUsesItsOwnCopies() throws Exception {
        Path war = war(List.of());
        try (URLClassLoader loader = loaderOver(explodeBeside())) {
            assertEquals(JettyClassPath.NONE, JettyClassPath.of(war, loader));
        }
    }
}
