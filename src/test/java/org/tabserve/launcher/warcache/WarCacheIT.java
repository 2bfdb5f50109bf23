package org.tabserve.launcher.warcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.testing.TabserveProcess;

/**
 * {@code java -jar tabserve.war} unpacks the WAR once into the user's cache ({@code $XDG_CACHE_HOME/tabserve} here)
 * and starts from it again, ONNX Runtime's library included; a cache directory it cannot trust is refused with one
 * line, and the server still starts, from a fresh temporary unpacking.
 */
class WarCacheIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration EXIT = Duration.ofSeconds(40);

    /** Starts the WAR with the cache under {@code cacheHome}, waits for the ready line; returns the process's lines. */
    private static List<String> startAndStop(Path war, Path cacheHome, Check whileRunning) throws Exception {
        try (TabserveProcess process =
                TabserveProcess.start(war, List.of("--port", "0"), Map.of("XDG_CACHE_HOME", cacheHome.toString()))) {
            process.awaitReady(READY);
            whileRunning.check(process);
            assertEquals(0, process.terminate(EXIT));
            return process.output();
        }
    }

    private interface Check {
        void check(TabserveProcess process) throws Exception;
    }

    private static List<Path> versions(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(p -> p.getFileName().toString().startsWith("war-"))
                    .sorted()
                    .toList();
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }

    /** The files the process has mapped (its native libraries among them), from /proc. */
    private static String mappedFiles(TabserveProcess process) throws IOException {
        Path maps = Path.of("/proc", Long.toString(process.process().pid()), "maps");
        return Files.exists(maps) ? Files.readString(maps) : "";
    }

    @Test
    void aSecondStartReusesTheUnpackedWarAndOnnxRuntimesLibrary(@TempDir Path cacheHome) throws Exception {
        Path root = cacheHome.resolve("tabserve");
        startAndStop(TabserveProcess.war(), cacheHome, process -> {});
        List<Path> first = versions(root);
        assertEquals(1, first.size(), () -> "one unpacked version: " + first);
        Path webXml = first.get(0).resolve("webapp/WEB-INF/web.xml");
        Object unpackedOnce = fileKey(webXml);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)), "owner-only");

        startAndStop(TabserveProcess.war(), cacheHome, process -> {
            String maps = mappedFiles(process);
            if (!maps.isEmpty() && WarCacheNatives.ortPlatform().isPresent()) {
                assertTrue(
                        maps.contains(first.get(0).resolve(WarCache.ORT_NATIVE).toString()),
                        "ONNX Runtime's library is loaded from the cache, not extracted to a temporary file");
            }
        });
        assertEquals(first, versions(root), "the same directory");
        assertEquals(unpackedOnce, fileKey(webXml), "not unpacked again (the same file, not a new copy)");
    }

    @Test
    void aChangedWarGetsADirectoryOfItsOwn(@TempDir Path cacheHome, @TempDir Path temp) throws Exception {
        Path changed = temp.resolve("tabserve.war");
        Files.copy(TabserveProcess.war(), changed);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + changed.toUri()), Map.of())) {
            Files.writeString(zip.getPath("WEB-INF/changed.txt"), "a rebuilt WAR");
        }
        Path root = cacheHome.resolve("tabserve");
        startAndStop(TabserveProcess.war(), cacheHome, process -> {});
        List<Path> before = versions(root);
        startAndStop(changed, cacheHome, process -> {});
        List<Path> after = versions(root);
        assertEquals(1, before.size(), before::toString);
        assertEquals(2, after.size(), after::toString);
        Path fresh = after.stream().filter(p -> !before.contains(p)).findFirst().orElseThrow();
        assertTrue(Files.exists(fresh.resolve("webapp/WEB-INF/changed.txt")), "the changed WAR's own content");
        assertTrue(Files.notExists(before.get(0).resolve("webapp/WEB-INF/changed.txt")));
    }

    /** A start with an untrusted cache root: it serves anyway, says why in one line, and writes nothing there. */
    private static void refused(Path cacheHome, Path root, String why) throws Exception {
        List<String> output = startAndStop(TabserveProcess.war(), cacheHome, process -> {
            String maps = mappedFiles(process);
            assertTrue(
                    !maps.contains(root.toString())
                            && !maps.contains(root.toRealPath().toString()),
                    "nothing loaded from the refused directory");
        });
        List<String> lines = output.stream()
                .filter(l -> l.startsWith("tabserve: not using the cache"))
                .toList();
        assertEquals(1, lines.size(), () -> String.join("\n", output));
        assertTrue(lines.get(0).contains(root.toString()) && lines.get(0).contains(why), lines.get(0));
        assertEquals(List.of(), versions(root.toRealPath()), "nothing unpacked into it");
    }

    @Test
    void aCacheDirectoryOthersMayWriteToIsRefused(@TempDir Path cacheHome) throws Exception {
        Path root = Files.createDirectory(cacheHome.resolve("tabserve"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        refused(cacheHome, root, "others may write to it");
    }

    @Test
    void aCacheDirectoryThatIsASymbolicLinkIsRefused(@TempDir Path cacheHome, @TempDir Path elsewhere)
            throws Exception {
        Path target = Files.createDirectory(
                elsewhere.resolve("planted"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path root = Files.createSymbolicLink(cacheHome.resolve("tabserve"), target);
        refused(cacheHome, root, "symbolic link");
    }

    @Test
    void aCacheDirectoryOwnedBySomeoneElseIsRefused(@TempDir Path cacheHome) throws Exception {
        Path root = Files.createDirectory(
                cacheHome.resolve("tabserve"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Files.setAttribute(root, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            assumeTrue(false, "giving a directory away needs root: " + e);
        }
        assertNotEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), Files.getAttribute(root, "unix:uid"));
        refused(cacheHome, root, "not to this process's user");
    }

    /** An old version directory as an earlier WAR's start would have left it, last used {@code hoursAgo}. */
    private static Path oldVersion(Path root, String name, int hoursAgo) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name).resolve("webapp/WEB-INF"));
        Files.writeString(dir.resolve("web.xml"), "<web-app/>");
        Files.createFile(root.resolve(name).resolve(".lock"));
        FileTime when = FileTime.fromMillis(System.currentTimeMillis() - hoursAgo * 3_600_000L);
        Files.setLastModifiedTime(root.resolve(name), when);
        return root.resolve(name);
    }

    @Test
    void unpackingANewWarKeepsTheNewestVersionsAndAnyARunningServerHolds(@TempDir Path cacheHome) throws Exception {
        Path root = Files.createDirectory(
                cacheHome.resolve("tabserve"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path newest = oldVersion(root, "war-00000000000000000001", 1);
        Path second = oldVersion(root, "war-00000000000000000002", 2);
        Path third = oldVersion(root, "war-00000000000000000003", 3);
        Path held = oldVersion(root, "war-00000000000000000004", 4);
        Path fourth = oldVersion(root, "war-00000000000000000005", 5);
        Path abandoned = oldVersion(root, ".filling-killed-mid-way", 1);
        Path filling = oldVersion(root, ".filling-just-now", 0);
        List<Path> remaining;
        // A shared lock, as a server running from that version holds one: this JVM stands in for it.
        try (FileChannel channel =
                        FileChannel.open(held.resolve(".lock"), StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.lock(0, Long.MAX_VALUE, true)) {
            startAndStop(TabserveProcess.war(), cacheHome, process -> {});
            try (Stream<Path> children = Files.list(root)) {
                remaining = children.sorted().toList();
            }
        }
        List<Path> versions = versions(root);
        assertEquals(4, versions.size(), versions::toString);
        assertTrue(versions.containsAll(List.of(newest, second, held)), () -> "kept: " + versions);
        assertTrue(Files.notExists(third) && Files.notExists(fourth), "the least recently used, unheld, are gone");
        assertTrue(Files.notExists(abandoned), "a directory whose filler died is removed");
        assertTrue(remaining.contains(filling), "one being filled right now is left alone");
    }

    @Test
    void twoServersStartingAtOnceShareOneCompleteDirectory(@TempDir Path cacheHome) throws Exception {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cacheHome.toString());
        try (TabserveProcess one = TabserveProcess.start(TabserveProcess.war(), List.of("--port", "0"), env);
                TabserveProcess two = TabserveProcess.start(TabserveProcess.war(), List.of("--port", "0"), env)) {
            one.awaitReady(READY);
            two.awaitReady(READY);
            Path root = cacheHome.resolve("tabserve");
            List<Path> versions = versions(root);
            assertEquals(1, versions.size(), () -> "one version: " + versions);
            try (Stream<Path> children = Files.list(root)) {
                List<Path> left = children.filter(
                                p -> !p.getFileName().toString().startsWith("war-"))
                        .toList();
                assertEquals(List.of(), left, "the loser's copy is deleted, nothing half-filled remains");
            }
            assertEquals(0, one.terminate(EXIT));
            assertEquals(0, two.terminate(EXIT));
        }
    }
}
