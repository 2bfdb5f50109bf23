package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.launcher.classpath.ClassPathBeside;

/** When the launcher says that the class archive it was given is not mapped, and when it keeps quiet. */
class ClassArchiveNoticeTest {

    @Test
    void anArchiveGivenButNotMappedIsNamed() {
        Optional<String> line = ClassArchiveNotice.of(Optional.of("target/tabserve.jsa"), "mixed mode");

        assertTrue(line.orElseThrow().startsWith("the class archive target/tabserve.jsa was not found"), line.get());
    }

    @Test
    void noArchiveGivenOrOneMappedSaysNothing() {
        assertEquals(Optional.empty(), ClassArchiveNotice.of(Optional.empty(), "mixed mode"));
        assertEquals(Optional.empty(), ClassArchiveNotice.of(Optional.of("tabserve.jsa"), "mixed mode, sharing"));
    }

    @TempDir
    Path temp;

    @Test
    void aMappedArchiveOthersMayRewriteIsNamed() throws Exception {
        Path archive = Files.writeString(temp.resolve("tabserve.jsa"), "an archive");
        int me = ClassPathBeside.me();
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("r--r--r--"));
        assertEquals(Optional.empty(), ClassArchiveNotice.ofMapped(archive, me));
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), ClassArchiveNotice.ofMapped(archive, me), "its owner may write to it");

        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));
        String line = ClassArchiveNotice.ofMapped(archive, me).orElseThrow();
        assertTrue(line.startsWith("the class archive " + archive + " others may write to it (mode 0666)"), line);
        assertTrue(line.contains("replace it by a rename"), line);
    }

    @Test
    void aMappedArchiveOfAnotherUserIsNamed() throws Exception {
        Path archive = Files.writeString(temp.resolve("tabserve.jsa"), "an archive");
        int me = ClassPathBeside.me();
        assumeTrue(me == 0, "changing a file's owner needs root");
        assertEquals(
                0,
                new ProcessBuilder("chown", "65534", archive.toString()).start().waitFor());
        String line = ClassArchiveNotice.ofMapped(archive, me).orElseThrow();
        assertTrue(line.contains("belongs to another user (uid 65534)"), line);
        // Root's own is as trusted as the JDK the server runs on.
        assertEquals(
                0, new ProcessBuilder("chown", "0", archive.toString()).start().waitFor());
        assertEquals(Optional.empty(), ClassArchiveNotice.ofMapped(archive, 1000));
    }

    /** The tests' JVM is given no archive. */
    @Test
    void thisJvmHasNothingToSay() {
        assertEquals(Optional.empty(), ClassArchiveNotice.ofThisJvm());
    }
}
