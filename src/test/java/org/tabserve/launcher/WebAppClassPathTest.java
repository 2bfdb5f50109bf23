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
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JettyClassPath#of} says the JVM's class path holds the web app too only when the WAR's manifest names every
 * jar of its {@code WEB-INF/lib/}, each an exact copy beside it, and a jar holding exactly its {@code WEB-INF/classes/}
 * (then {@link Main} has Jetty's web app class loader ask its parent first); a manifest naming Jetty alone holds Jetty
 * alone, as before; an app named but not matching holds nothing, so that no stale class is on the path the app sees.
 */
class WebAppClassPathTest {

    @TempDir
    Path dir;

    private static final String LIB_JETTY = "tabserve/WEB-INF/lib-jetty/";
    private static final String LIB = "tabserve/WEB-INF/lib/";
    private static final String CLASSES_JAR = "tabserve-classes.jar";

    private final Map<String, byte[]> jettyJars = new LinkedHashMap<>();
    private final Map<String, byte[]> appJars = new LinkedHashMap<>();
    private final Map<String, String> classes = new LinkedHashMap<>();

    WebAppClassPathTest() throws IOException {
        jettyJars.put("jetty-server-12.1.12.jar", jar(Map.of("org/eclipse/jetty/server/Server.class", "server")));
        jettyJars.put(JettyClassPath.LAUNCHER_JAR, jar(Map.of(JettyClassPath.SERVER_RESOURCE, "launcher")));
        // The same name on both sides, as SLF4J's jars are.
        jettyJars.put("slf4j-api-2.0.17.jar", jar(Map.of("org/slf4j/Logger.class", "slf4j")));
        appJars.put("slf4j-api-2.0.17.jar", jar(Map.of("org/slf4j/Logger.class", "slf4j")));
        appJars.put("jackson-core-2.22.4.jar", jar(Map.of("com/fasterxml/jackson/core/JsonParser.class", "parser")));
        classes.put("org/tabserve/web/TabserveListener.class", "listener");
        classes.put("org/tabserve/web/version.properties", "version=1");
    }

    private static byte[] jar(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, new Manifest())) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                jar.putNextEntry(new ZipEntry(entry.getKey()));
                jar.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The WAR, its manifest naming {@code classPath}. */
    private Path war(List<String> classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        Path war = dir.resolve("tabserve.war");
        try (OutputStream out = Files.newOutputStream(war);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : jettyJars.entrySet()) {
                jar.putNextEntry(new ZipEntry(JettyClassPath.LIB_JETTY + entry.getKey()));
                jar.write(entry.getValue());
            }
            for (Map.Entry<String, byte[]> entry : appJars.entrySet()) {
                jar.putNextEntry(new ZipEntry(JettyClassPath.LIB + entry.getKey()));
                jar.write(entry.getValue());
            }
            jar.putNextEntry(new ZipEntry(JettyClassPath.CLASSES + "org/"));
            for (Map.Entry<String, String> entry : classes.entrySet()) {
                jar.putNextEntry(new ZipEntry(JettyClassPath.CLASSES + entry.getKey()));
                jar.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return war;
    }

    private List<String> everything() {
        List<String> named = new ArrayList<>();
        jettyJars.keySet().forEach(name -> named.add(LIB_JETTY + name));
        named.add(CLASSES_JAR);
        appJars.keySet().forEach(name -> named.add(LIB + name));
        return named;
    }

    /** The WAR exploded beside it, as {@code mvn package} leaves it, and the jar of its classes. */
    private void explodeBeside() throws IOException {
        Files.createDirectories(dir.resolve(LIB_JETTY));
        Files.createDirectories(dir.resolve(LIB));
        jettyJars.forEach((name, bytes) -> write(dir.resolve(LIB_JETTY + name), bytes));
        appJars.forEach((name, bytes) -> write(dir.resolve(LIB + name), bytes));
        write(dir.resolve(CLASSES_JAR), jar(classes));
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int heldBy(Path war) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String name : jettyJars.keySet()) {
            urls.add(dir.resolve(LIB_JETTY + name).toUri().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), null)) {
            return JettyClassPath.of(war, loader);
        }
    }

    @Test
    void exactCopiesOfTheWebAppBesideTheWarAreHeldWithJetty() throws IOException {
        Path war = war(everything());
        explodeBeside();

        assertEquals(JettyClassPath.JETTY_AND_APP, heldBy(war));
    }

    @Test
    void aManifestNamingJettyAloneHoldsJettyAlone() throws IOException {
        Path war =
                war(everything().stream().filter(n -> n.startsWith(LIB_JETTY)).toList());
        explodeBeside();

        assertEquals(JettyClassPath.JETTY, heldBy(war));
    }

    @Test
    void aLibraryBesideThatDiffersHoldsNothing() throws IOException {
        Path war = war(everything());
        explodeBeside();
        write(
                dir.resolve(LIB + "jackson-core-2.22.4.jar"),
                jar(Map.of("com/fasterxml/jackson/core/JsonParser.class", "parses")));

        assertEquals(JettyClassPath.NONE, heldBy(war));
    }

    @Test
    void aLibraryOfTheWarThatTheManifestLeavesOutHoldsNothing() throws IOException {
        Path war = war(everything().stream()
                .filter(n -> !n.endsWith("jackson-core-2.22.4.jar"))
                .toList());
        explodeBeside();

        assertEquals(JettyClassPath.NONE, heldBy(war));
    }

    @Test
    void aClassesJarOfAnotherBuildHoldsNothing() throws IOException {
        Path war = war(everything());
        explodeBeside();
        Map<String, String> changed = new LinkedHashMap<>(classes);
        changed.put("org/tabserve/web/TabserveListener.class", "listenex"); // same size, another CRC
        write(dir.resolve(CLASSES_JAR), jar(changed));

        assertEquals(JettyClassPath.NONE, heldBy(war));
    }

    @Test
    void aClassesJarWithAClassMoreHoldsNothing() throws IOException {
        Path war = war(everything());
        explodeBeside();
        Map<String, String> more = new LinkedHashMap<>(classes);
        more.put("org/tabserve/web/Stale.class", "left over");
        write(dir.resolve(CLASSES_JAR), jar(more));

        assertEquals(JettyClassPath.NONE, heldBy(war));
    }

    @Test
    void aMissingClassesJarHoldsNothing() throws IOException {
        Path war = war(everything());
        explodeBeside();
        Files.delete(dir.resolve(CLASSES_JAR));

        assertEquals(JettyClassPath.NONE, heldBy(war));
    }
}
