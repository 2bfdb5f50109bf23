package org.tabserve.launcher.warcache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Enumeration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The WAR unpacked once per user and per WAR content, so that {@code java -jar} does not unpack 69 MB (and ONNX
 * Runtime extract its 28 MB library) at every start. It lives under {@code $XDG_CACHE_HOME/tabserve} (default
 * {@code ~/.cache/tabserve}), else {@code java.io.tmpdir/tabserve-<user>}; it is used only when that directory is
 * the user's own, not a symbolic link and writable by no one else, and it is filled in a temporary sibling that is
 * renamed into place, so a half-filled directory is never used. Every failure means "no cache": the launcher then
 * unpacks afresh, as before. Bootstrap code: the JDK only.
 *
 * <p>It and its helpers ({@link WarCacheRoots} chooses and checks the root, {@link WarCacheKey} names a WAR's
 * version, {@link WarCacheNatives} takes ONNX Runtime's libraries out, {@link WarCacheCleaner} removes old versions) sit at the WAR's root beside the launcher's {@code Main}:
 * the build copies this package's classes there, and WarContentsIT checks that the root holds exactly the bootstrap's.
 */
public final class WarCache {

    static final String WEBAPP = "webapp";
    static final String ORT_NATIVE = "onnxruntime-native";
    /** The shared lock on the version in use: held for the JVM's lifetime, it keeps other starts from deleting it. */
    private static FileChannel held;

    /** The unpacked web app and, when the WAR has them for this platform, ONNX Runtime's native libraries. */
    public record Unpacked(Path webapp, Optional<Path> ortNatives) {}

    private WarCache() {}

    /**
     * The WAR unpacked under the first usable cache root, unpacking it there first if needed; empty when there is
     * none (read-only file system, no POSIX permissions) or when a root is refused ({@code log} says why).
     */
    public static Optional<Unpacked> open(Path war, Map<String, String> env, Consumer<String> log) {
        for (Path root : WarCacheRoots.roots(env)) {
            Optional<Boolean> safe = WarCacheRoots.secure(root, log);
            if (safe.isEmpty()) {
                continue; // cannot be created or used here (read-only, not POSIX): try the next place quietly
            }
            if (!safe.get()) {
                return Optional.empty(); // refused, and said why: a fresh temporary unpacking, as before
            }
            try {
                return Optional.of(unpacked(war, root));
            } catch (IOException | RuntimeException e) {
                log.accept("cannot use the cache " + root + " (" + e + "); unpacking to a temporary directory");
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The WAR's version directory under {@code root}, unpacked now if no earlier start did; locked while we run. */
    private static Unpacked unpacked(Path war, Path root) throws IOException {
        Path version;
        try (JarFile jar = new JarFile(war.toFile())) {
            version = root.resolve(WarCacheRoots.VERSION_PREFIX + WarCacheKey.of(war));
            for (int attempt = 0; ; attempt++) {
                if (!Files.isDirectory(version, LinkOption.NOFOLLOW_LINKS)) {
                    fill(jar, root, version);
                }
                if (lockShared(version)) {
                    break;
                }
                if (attempt == 2) {
                    throw new IOException("the cache directory " + version + " keeps disappearing");
                }
            }
        }
        Files.setLastModifiedTime(version, FileTime.fromMillis(System.currentTimeMillis())); // in use: newest
        Path natives = version.resolve(ORT_NATIVE);
        return new Unpacked(
                version.resolve(WEBAPP), Files.isDirectory(natives) ? Optional.of(natives) : Optional.empty());
    }

    /**
     * Unpacks the WAR into a temporary sibling of {@code version} and renames it into place atomically; when another
     * start got there first, its directory is used and ours deleted. Old versions are removed afterwards.
     */
    private static void fill(JarFile jar, Path root, Path version) throws IOException {
        Path filling = Files.createDirectory(root.resolve(WarCacheRoots.FILLING_PREFIX + UUID.randomUUID()));
        try (FileChannel lock = FileChannel.open(
                        filling.resolve(WarCacheRoots.LOCK),
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock ignored = lock.lock()) { // a cleaner leaves a directory alone while its filler lives
            Path webapp = Files.createDirectory(filling.resolve(WEBAPP));
            unzip(jar, webapp);
            WarCacheNatives.extractOrtNatives(webapp, filling.resolve(ORT_NATIVE));
            try {
                Files.move(filling, version, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                if (e instanceof AtomicMoveNotSupportedException || !Files.isDirectory(version)) {
                    throw e;
                }
                // "directory not empty": another start renamed its copy into place first; ours goes below
            }
        } finally {
            if (Files.exists(filling)) {
                WarCacheCleaner.deleteTree(filling);
            }
        }
        WarCacheCleaner.clean(root, version);
    }

    /** Copies every file of the WAR under {@code target}, keeping the entries' times (static files' Last-Modified). */
    private static void unzip(JarFile jar, Path target) throws IOException {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            if (entry.isDirectory()) {
                continue;
            }
            Path file = target.resolve(entry.getName()).normalize();
            if (!file.startsWith(target) || file.equals(target)) {
                continue; // an entry that would land outside: not ours to copy
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, file);
            }
            if (entry.getLastModifiedTime() != null) {
                Files.setLastModifiedTime(file, entry.getLastModifiedTime());
            }
        }
    }

    /**
     * Takes a shared lock on {@code version}'s lock file for the JVM's lifetime (released by the OS when the process
     * ends, however it ends). False when the directory was removed or replaced meanwhile, so the caller starts over.
     */
    private static boolean lockShared(Path version) throws IOException {
        Path lockFile = version.resolve(WarCacheRoots.LOCK);
        Object before;
        FileChannel channel;
        try {
            before = Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return false;
        }
        channel.lock(0, Long.MAX_VALUE, true);
        Object after;
        try {
            after = Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (NoSuchFileException e) {
            after = null;
        }
        if (before == null || !before.equals(after)) {
            channel.close();
            return false;
        }
        held = channel;
        return true;
    }
}
