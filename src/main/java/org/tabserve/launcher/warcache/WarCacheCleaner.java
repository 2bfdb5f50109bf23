package org.tabserve.launcher.warcache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Keeps {@link WarCache}'s root from growing with every build: removes old versions of the unpacked WAR, directories
 * left by starts that died while filling one, and the trash of removals cut short, never one a running server holds
 * (its lock says so). Bootstrap code at the WAR's root: the JDK only.
 */
final class WarCacheCleaner {

    /** Versions of the unpacked WAR kept besides the one in use: a few rebuilds, not one per build forever. */
    static final int KEEP = 3;
    /** A directory being filled by a process that died is removed once it is this old (a live filler holds its lock). */
    private static final Duration ABANDONED = Duration.ofMinutes(10);

    private WarCacheCleaner() {}

    /**
     * Removes all but the {@link #KEEP} most recently used versions (never {@code inUse}, never one another process
     * holds), directories left by fillers that died, and the trash of removals that were cut short.
     */
    static void clean(Path root, Path inUse) {
        List<Path> versions = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                if (name.startsWith(WarCacheRoots.VERSION_PREFIX) && !child.equals(inUse)) {
                    versions.add(child);
                } else if (name.startsWith(WarCacheRoots.TRASH_PREFIX)) {
                    deleteTree(child);
                } else if (name.startsWith(WarCacheRoots.FILLING_PREFIX) && olderThan(child, ABANDONED)) {
                    removeUnlessLocked(root, child);
                }
            }
        } catch (IOException e) {
            return; // cleaning is a courtesy; the next start tries again
        }
        versions.sort(Comparator.comparing(WarCacheCleaner::lastModified).reversed());
        for (Path old : versions.subList(Math.min(KEEP - 1, versions.size()), versions.size())) {
            removeUnlessLocked(root, old);
        }
    }

    /** Renames {@code dir} to the trash while holding its lock exclusively, then deletes it; a held lock means in use. */
    private static void removeUnlessLocked(Path root, Path dir) {
        Path lockFile = dir.resolve(WarCacheRoots.LOCK);
        if (!Files.exists(lockFile)) {
            deleteTree(dir);
            return;
        }
        Path trash = root.resolve(WarCacheRoots.TRASH_PREFIX + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return; // another server runs from it
            }
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            return;
        }
        deleteTree(trash);
    }

    private static boolean olderThan(Path path, Duration age) {
        return lastModified(path).toMillis() < System.currentTimeMillis() - age.toMillis();
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a cache or temporary directory; the next start or the OS cleans it up
        }
    }
}
