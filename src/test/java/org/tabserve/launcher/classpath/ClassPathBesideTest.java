package org.tabserve.launcher.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClassPathBeside} trusts the jars a WAR's manifest names beside it only where no one but this user or root can
 * have put them, and closes the JVM's class path to jars made there later: each way another user could plant a jar
 * (a folder others may write to, sticky or not; a folder above that others may rename in; a symbolic link; a jar or
 * folder of another user; a name outside the WAR's folder) is refused.
 */
class ClassPathBesideTest {

    @TempDir
    Path temp;

    private static final String LIB_JETTY = "tabserve/WEB-INF/lib-jetty/";

    /** A folder {@code name} under the test's own, with the permissions given, holding the named jar beside a WAR. */
    private Path besideWar(Path folder, String mode) throws IOException {
        Files.createDirectories(folder);
        Files.createDirectories(folder.resolve(LIB_JETTY));
        Files.write(folder.resolve(LIB_JETTY + "jetty-xml-12.1.12.jar"), new byte[] {1});
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString(mode));
        return folder;
    }

    private static void chmod(Path path, String mode) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    private static void chmodSticky(Path path) throws IOException, InterruptedException {
        assertEquals(
                0, new ProcessBuilder("chmod", "1777", path.toString()).start().waitFor());
    }

    private static List<Path> named(Path folder) {
        return List.of(folder.resolve(LIB_JETTY + "jetty-xml-12.1.12.jar"), folder.resolve("tabserve-classes.jar"));
    }

    private static Optional<String> distrust(Path folder) throws IOException {
        return ClassPathBeside.distrust(folder, named(folder), ClassPathBeside.me());
    }

    @Test
    void theUsersOwnFolderIsTrusted() throws IOException {
        Path folder = besideWar(temp.resolve("mine"), "rwxr-xr-x");
        assertEquals(Optional.empty(), distrust(folder));
        assertTrue(ClassPathBeside.anyThere(named(folder)));
    }

    @Test
    void aFolderOthersMayWriteToIsRefusedStickyOrNot() throws Exception {
        Path folder = besideWar(temp.resolve("shared"), "rwxrwxrwx");
        assertTrue(distrust(folder).orElseThrow().startsWith("others may write to " + folder.toRealPath()));
        chmodSticky(folder); // like /tmp: others may not remove what is ours, but may make what is not there
        assertTrue(
                distrust(folder).orElseThrow().contains("mode 1777"),
                distrust(folder).toString());
        chmod(folder, "rwxrwxr-x");
        assertTrue(distrust(folder).isPresent(), "a folder its group may write to");
    }

    @Test
    void aFolderAboveThatOthersMayRenameInIsRefusedUnlessSticky() throws Exception {
        Path above = Files.createDirectories(temp.resolve("above"));
        Path folder = besideWar(above.resolve("war"), "rwxr-xr-x");
        chmod(above, "rwxrwxrwx");
        assertTrue(distrust(folder).orElseThrow().startsWith("others may rename folders in " + above.toRealPath()));
        chmodSticky(above);
        assertEquals(Optional.empty(), distrust(folder));
    }

    @Test
    void aFolderOrJarBelowThatOthersMayWriteIsRefused() throws IOException {
        Path folder = besideWar(temp.resolve("below"), "rwxr-xr-x");
        chmod(folder.resolve(LIB_JETTY), "rwxrwxrwx");
        assertTrue(distrust(folder).orElseThrow().contains("lib-jetty"));
        chmod(folder.resolve(LIB_JETTY), "rwxr-xr-x");
        chmod(folder.resolve(LIB_JETTY + "jetty-xml-12.1.12.jar"), "rw-rw-rw-");
        assertTrue(distrust(folder).orElseThrow().contains("jetty-xml-12.1.12.jar"));
    }

    @Test
    void aSymbolicLinkOnTheWayIsRefused() throws IOException {
        Path folder = besideWar(temp.resolve("linked"), "rwxr-xr-x");
        Path jar = folder.resolve(LIB_JETTY + "jetty-xml-12.1.12.jar");
        Path elsewhere = Files.move(jar, temp.resolve("elsewhere.jar"));
        Files.createSymbolicLink(jar, elsewhere);
        assertTrue(distrust(folder).orElseThrow().endsWith(" is a symbolic link"));
    }

    @Test
    void anotherUsersJarOrFolderIsRefused() throws Exception {
        assumeTrue(ClassPathBeside.me() == 0, "changing a file's owner needs root");
        Path folder = besideWar(temp.resolve("owned"), "rwxr-xr-x");
        Path tabserve = folder.resolve("tabserve");
        assertEquals(
                0,
                new ProcessBuilder("chown", "-R", "65534", tabserve.toString())
                        .start()
                        .waitFor());
        assertTrue(distrust(folder).orElseThrow().contains("belongs to another user (uid 65534)"));
    }

    @Test
    void aNameOutsideTheWarsFolderIsRefused() throws IOException {
        Path folder = besideWar(temp.resolve("outside"), "rwxr-xr-x");
        Optional<String> why = ClassPathBeside.distrust(folder, List.of(temp.resolve("x.jar")), ClassPathBeside.me());
        assertTrue(why.orElseThrow().contains("outside"));
    }

    /**
     * The JDK behaviour {@link ClassPathBeside#closeTheClassPath} rests on: a jar named by a manifest's class path that
     * is not there at the first look-up is dropped for good, so one made there afterwards is never read. Fails on a
     * JDK that opens such a jar again.
     */
    @Test
    void aJarNotThereWhenTheClassPathIsClosedIsNeverReadAfterwards() throws IOException {
        Path war = jarNaming(temp.resolve("closed.war"), "later.jar");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {war.toUri().toURL()}, null)) {
            ClassPathBeside.closeTheClassPath(loader);
            planted(temp.resolve("later.jar"));
            assertNull(loader.getResource("planted.txt"), "a jar made after the class path was closed was read");
        }
        // The same layout with the jar there from the start: it is read (the test above can fail).
        try (URLClassLoader loader = new URLClassLoader(new URL[] {war.toUri().toURL()}, null)) {
            assertNotNull(loader.getResource("planted.txt"));
        }
    }

    private static Path jarNaming(Path jar, String classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // a manifest and nothing else
        }
        return jar;
    }

    private static void planted(Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("planted.txt"));
            zip.write("planted".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }
}
