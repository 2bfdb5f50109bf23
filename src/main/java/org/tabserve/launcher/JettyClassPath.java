package org.tabserve.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
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
 * {@link Main} loads the WAR's own copies in a class loader of their own, as before.
 *
 * <p>The manifest names the web app as well: every jar of {@code WEB-INF/lib/} in the exploded WAR and
 * {@code tabserve-classes.jar}, the WAR's {@code WEB-INF/classes/} as a jar beside it (an AppCDS archive takes no
 * directory on the class path). When each is an exact copy (the jars' size and CRC-32; the classes jar holding exactly
 * the WAR's files, each of the same size and CRC-32), {@link Main} has Jetty's web app class loader ask the JVM's
 * first, so that the archive holds the web app's classes linked and their lambdas too (321 lambdas defined at a start
 * before, 9 after: bench/RESULTS.notes.md, "Start to ready, round 3"); when the web app is named but not matched,
 * nothing is used from the class path (no stale class may be where the app would look). Bootstrap code: the JDK only.
 */
final class JettyClassPath {

    // What of the WAR the JVM's own class path holds (ints, not an enum: a nested class would not be at the WAR's root
    // beside this one, where a WAR copied alone finds only the bootstrap).
    /** Nothing: the launcher loads Jetty from the WAR's own copies, in a class loader of their own. */
    static final int NONE = 0;
    /** Jetty and the launcher. */
    static final int JETTY = 1;
    /** Jetty and the launcher, and the web app's classes and libraries, which the web app then takes from it. */
    static final int JETTY_AND_APP = 2;

    // The WAR's layout, as the bootstrap reads it.
    /** Jetty, the servlet API and the launcher, which no container reads. */
    static final String LIB_JETTY = "WEB-INF/lib-jetty/";
    /** The launcher's server, which the bootstrap calls by name once Jetty is on its class loader. */
    static final String SERVER_CLASS = "org.tabserve.launcher.EmbeddedServer";
    /** The web app's own classes and libraries, which the command-line tools run on (no Jetty, no servlet API). */
    static final String CLASSES = "WEB-INF/classes/";
    /** The web app's libraries, beside its classes. */
    static final String LIB = "WEB-INF/lib/";

    /** The class that must come from the checked launcher jar. */
    static final String SERVER_RESOURCE = SERVER_CLASS.replace('.', '/') + ".class";
    /** The launcher's own jar in {@code WEB-INF/lib-jetty/} (the pom's {@code launcher-jar}). */
    static final String LAUNCHER_JAR = "tabserve-launcher.jar";

    private JettyClassPath() {}

    /**
     * @param war    the WAR {@code java -jar} was given (absolute)
     * @param loader the class loader that loaded {@link Main}, whose class path the WAR's manifest extends
     * @return what of the WAR that loader holds as exact copies: {@link #JETTY_AND_APP} when the manifest also
     *     names the web app ({@code WEB-INF/lib/}'s jars and a jar of {@code WEB-INF/classes/}) and every one checks
     *     out; {@link #NONE} on any doubt (an app named but not matching among them), and on any failure to read
     */
    static int of(Path war, ClassLoader loader) {
        try (JarFile jar = new JarFile(war.toFile())) {
            return of(war, jar, loader);
        } catch (IOException | RuntimeException e) {
            return NONE; // unreadable, or a name that is no path: the WAR's own copies, as before
        }
    }

    /** As {@link #of(Path, ClassLoader)}, with the WAR already open as {@code jar}. */
    static int of(Path war, JarFile jar, ClassLoader loader) {
        try {
            Map<String, Path> named = namedJars(war, jar.getManifest());
            if (named.isEmpty()) {
                return NONE;
            }
            if (!copiesOf(jar, LIB_JETTY, named) || !fromLauncherJar(loader, named.get(LIB_JETTY_LAUNCHER))) {
                return NONE;
            }
            if (named.keySet().stream().noneMatch(key -> !key.startsWith(LIB_JETTY))) {
                return JETTY; // a manifest that names Jetty alone
            }
            Path classes = named.get(CLASSES);
            return classes != null && copiesOf(jar, LIB, named) && sameClasses(jar, classes) ? JETTY_AND_APP : NONE;
        } catch (IOException | RuntimeException e) {
            return NONE; // unreadable, or a name that is no path: the WAR's own copies, as before
        }
    }

    private static final String LIB_JETTY_LAUNCHER = LIB_JETTY + LAUNCHER_JAR;

    /**
     * Every jar directly in the WAR's {@code folder} is named, an exact copy, and nothing else under it is named.
     */
    private static boolean copiesOf(JarFile jar, String folder, Map<String, Path> named) throws IOException {
        int jars = 0;
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (!name.startsWith(folder) || !name.endsWith(".jar") || name.indexOf('/', folder.length()) >= 0) {
                continue;
            }
            Path file = named.get(name);
            if (file == null || !sameContent(file, entry)) {
                return false;
            }
            jars++;
        }
        int count = jars;
        return named.keySet().stream().filter(key -> key.startsWith(folder)).count() == count;
    }

    /**
     * The jar holds exactly the WAR's {@code WEB-INF/classes/} files, each of the same size and CRC-32 (as both
     * central directories record them; the jar's own manifest aside).
     */
    private static boolean sameClasses(JarFile war, Path classesJar) throws IOException {
        try (JarFile classes = new JarFile(classesJar.toFile(), false)) {
            int files = 0;
            Enumeration<JarEntry> entries = war.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.startsWith(CLASSES) || entry.isDirectory()) {
                    continue;
                }
                JarEntry copy = classes.getJarEntry(name.substring(CLASSES.length()));
                if (copy == null || copy.getSize() != entry.getSize() || copy.getCrc() != entry.getCrc()) {
                    return false;
                }
                files++;
            }
            long inJar = classes.stream()
                    .filter(e -> !e.isDirectory() && !e.getName().equals(JarFile.MANIFEST_NAME))
                    .count();
            return inJar == files;
        }
    }

    /**
     * The jars the manifest's {@code Class-Path} names, resolved against the WAR's directory, by the WAR entry each
     * copies: {@code WEB-INF/lib-jetty/NAME.jar} and {@code WEB-INF/lib/NAME.jar} for a path that ends so, and
     * {@code WEB-INF/classes/} for the one other jar (the web app's classes).
     */
    private static Map<String, Path> namedJars(Path war, Manifest manifest) {
        Map<String, Path> named = new HashMap<>();
        URI base = war.toAbsolutePath().getParent().toUri();
        for (String relative : classPathOf(manifest)) {
            Path file = Path.of(base.resolve(relative));
            int webInf = relative.lastIndexOf(WEB_INF);
            String key = webInf >= 0 ? relative.substring(webInf) : CLASSES;
            if (named.put(key, file) != null) {
                return Map.of(); // two jars for one entry: not a layout this launcher wrote
            }
        }
        return named;
    }

    /**
     * @return every path the manifest's {@code Class-Path} names, resolved against the WAR's directory as the JVM
     *     resolves them; empty without a manifest or a class path
     */
    static List<Path> named(Path war, Manifest manifest) {
        URI base = war.toAbsolutePath().getParent().toUri();
        List<Path> named = new ArrayList<>();
        for (String relative : classPathOf(manifest)) {
            named.add(Path.of(base.resolve(relative)));
        }
        return named;
    }

    /** The manifest's {@code Class-Path} entries as written (relative URLs), none without one. */
    private static List<String> classPathOf(Manifest manifest) {
        String classPath =
                manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        return classPath == null || classPath.isBlank()
                ? List.of()
                : List.of(classPath.trim().split("\\s+"));
    }

    private static final String WEB_INF = "WEB-INF/";

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
