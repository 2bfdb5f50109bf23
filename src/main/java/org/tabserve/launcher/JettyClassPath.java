package org.tabserve.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;

/**
 * Whether the JVM's own class path already holds this WAR's Jetty and launcher, so that {@link Main} needs no class
 * loader of its own for them. {@code mvn package} leaves the WAR exploded beside it ({@code target/tabserve/}), and
 * the WAR's manifest names that copy's {@code WEB-INF/lib-jetty/} jars in its {@code Class-Path}: {@code java -jar
 * target/tabserve.war} then loads Jetty and the launcher with the JVM's application class loader, whose classes an
 * AppCDS archive holds linked and whose lambdas it holds at all (Java 17 archives lambdas of the built-in loaders
 * only; bench/RESULTS.notes.md, "Start to ready, round 2"). They are used only when every jar of the WAR's
 * {@code WEB-INF/lib-jetty/} is named there, each file beside the WAR has the size and CRC-32 of the WAR's copy, and
 * the launcher's server class is found in that copy; otherwise (a WAR copied alone, a stale directory beside it)
 * {@link Main} loads the WAR's own copies in a class loader of their own, as before. Bootstrap code: the JDK only.
 */
final class JettyClassPath {

    /** The class that must come from the checked launcher jar. */
    static final String SERVER_RESOURCE = Main.SERVER_CLASS.replace('.', '/') + ".class";
    /** The launcher's own jar in {@code WEB-INF/lib-jetty/} (the pom's {@code launcher-jar}). */
    static final String LAUNCHER_JAR = "tabserve-launcher.jar";

    private JettyClassPath() {}

    /**
     * @param war    the WAR {@code java -jar} was given (absolute)
     * @param loader the class loader that loaded {@link Main}, whose class path the WAR's manifest extends
     * @return true when {@code loader} loads the launcher and Jetty from exact copies of the WAR's
     *     {@code WEB-INF/lib-jetty/} jars; false on any doubt, and on any failure to read
     */
    static boolean holdsTheWarsJetty(Path war, ClassLoader loader) {
        try (JarFile jar = new JarFile(war.toFile())) {
            Map<String, Path> named = namedJars(war, jar.getManifest());
            if (named.isEmpty()) {
                return false;
            }
            int jettyJars = 0;
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.startsWith(Main.LIB_JETTY)
                        || !name.endsWith(".jar")
                        || name.indexOf('/', Main.LIB_JETTY.length()) >= 0) {
                    continue;
                }
                Path file = named.get(name.substring(Main.LIB_JETTY.length()));
                if (file == null || !sameContent(file, entry)) {
                    return false;
                }
                jettyJars++;
            }
            return jettyJars == named.size() && fromLauncherJar(loader, named.get(LAUNCHER_JAR));
        } catch (IOException | RuntimeException e) {
            return false; // unreadable, or a name that is no path: the WAR's own copies, as before
        }
    }

    /** The jars the manifest's {@code Class-Path} names, by file name, resolved against the WAR's directory. */
    private static Map<String, Path> namedJars(Path war, Manifest manifest) {
        Map<String, Path> named = new HashMap<>();
        String classPath =
                manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (classPath == null || classPath.isBlank()) {
            return named;
        }
        URI base = war.toAbsolutePath().getParent().toUri();
        for (String relative : classPath.trim().split("\\s+")) {
            Path file = Path.of(base.resolve(relative));
            if (named.put(file.getFileName().toString(), file) != null) {
                return Map.of(); // two jars of one name: not a layout this launcher wrote
            }
        }
        return named;
    }

    /** The file has the entry's size and CRC-32 (about 4 MB read for Jetty's 17 jars). */
    private static boolean sameContent(Path file, JarEntry entry) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (size != entry.getSize()) {
            return false;
        }
        CRC32 crc = new CRC32();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue() == entry.getCrc();
    }

    /** The loader finds the launcher's server class in {@code launcherJar}, not anywhere else. */
    private static boolean fromLauncherJar(ClassLoader loader, Path launcherJar) {
        if (launcherJar == null || loader == null) {
            return false;
        }
        URL found = loader.getResource(SERVER_RESOURCE);
        if (found == null || !found.getProtocol().equals("jar")) {
            return false;
        }
        String spec = found.getPath(); // file:/.../tabserve-launcher.jar!/org/tabserve/launcher/EmbeddedServer.class
        int separator = spec.indexOf("!/");
        return separator > 0
                && Path.of(URI.create(spec.substring(0, separator)))
                        .normalize()
                        .equals(launcherJar.toAbsolutePath().normalize());
    }
}
