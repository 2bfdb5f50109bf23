package org.tabserve.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The WAR unpacked once per user and per WAR content, so that {@code java -jar} does not unpack 69 MB (and ONNX
 * Runtime extract its 28 MB library) at every start. It lives under {@code $XDG_CACHE_HOME/tabserve} (default
 * {@code ~/.cache/tabserve}), else {@code java.io.tmpdir/tabserve-<user>}; it is used only when that directory is
 * the user's own, not a symbolic link and writable by no one else, and it is filled in a temporary sibling that is
 * renamed into place, so a half-filled directory is never used. Every failure means "no cache": the launcher then
 * unpacks afresh, as before. Bootstrap code: the JDK only.
 *
 * <p>One class of some 400 lines because it is bootstrap code: it and {@link Main} are the only classes at the WAR's
 * root (the build copies {@code WarCache*.class} there, and the WAR's contents are checked to hold exactly those), so
 * the root's check, the unpacking and the locking and cleaning of versions stay here rather than in more root classes.
 */
final class WarCache {

    /** Versions of the unpacked WAR kept besides the one in use: a few rebuilds, not one per build forever. */
    static final int KEEP = 3;
    /** Where ONNX Runtime's Java binding looks for its native libraries instead of extracting them from its jar. */
    static final String ORT_NATIVE_PATH = "onnxruntime.native.path";
    static final String WEBAPP = "webapp";
    static final String ORT_NATIVE = "onnxruntime-native";
    private static final String VERSION_PREFIX = "war-";
    private static final String FILLING_PREFIX = ".filling-";
    private static final String TRASH_PREFIX = ".trash-";
    private static final String LOCK = ".lock";
    /** A directory being filled by a process that died is removed once it is this old (a live filler holds its lock). */
    private static final Duration ABANDONED = Duration.ofMinutes(10);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /** The shared lock on the version in use: held for the JVM's lifetime, it keeps other starts from deleting it. */
    private static FileChannel held;

    /** The unpacked web app and, when the WAR has them for this platform, ONNX Runtime's native libraries. */
    record Unpacked(Path webapp, Optional<Path> ortNatives) {
    }

    private WarCache() {
    }

    /**
     * The WAR unpacked under the first usable cache root, unpacking it there first if needed; empty when there is
     * none (read-only file system, no POSIX permissions) or when a root is refused ({@code log} says why).
     */
    static Optional<Unpacked> open(Path war, Map<String, String> env, Consumer<String> log) {
        for (Path root : roots(env)) {
            Optional<Boolean> safe = secure(root, log);
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

    /** The candidate roots, in order: $XDG_CACHE_HOME/tabserve, ~/.cache/tabserve, java.io.tmpdir/tabserve-USER. */
    static List<Path> roots(Map<String, String> env) {
        List<Path> roots = new ArrayList<>();
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            roots.add(Path.of(xdg, "tabserve"));
        } else {
            String home = System.getProperty("user.home");
            if (home != null && !home.isBlank() && !home.equals("?")) {
                roots.add(Path.of(home, ".cache", "tabserve"));
            }
        }
        String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
        roots.add(Path.of(System.getProperty("java.io.tmpdir"), "tabserve-" + user));
        return roots;
    }

    /**
     * Whether {@code root} may hold the cache: created owner-only if missing; then it must be a real directory (not a
     * symbolic link), owned by this process's user, writable by no one else. Empty when it cannot be created or
     * checked at all (a read-only file system, a file system without POSIX permissions).
     */
    static Optional<Boolean> secure(Path root, Consumer<String> log) {
        try {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(root.getParent());
                try {
                    Files.createDirectory(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (FileAlreadyExistsException raced) {
                    // another start made it at the same moment: checked below like any existing one
                }
            }
            PosixFileAttributeView view = Files.getFileAttributeView(root, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (view == null) {
                return Optional.empty(); // no owner and permissions to check (Windows): no cache
            }
            PosixFileAttributes attributes = view.readAttributes();
            String why = null;
            if (attributes.isSymbolicLink()) {
                why = "it is a symbolic link";
            } else if (!attributes.isDirectory()) {
                why = "it is not a directory";
            } else if (!ownedByMe(root)) {
                why = "it belongs to " + attributes.owner().getName() + ", not to this process's user";
            } else if (attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                why = "others may write to it (" + PosixFilePermissions.toString(attributes.permissions()) + ")";
            }
            if (why != null) {
                log.accept("not using the cache " + root + ": " + why + "; unpacking to a temporary directory");
                return Optional.of(false);
            }
            if (!Files.isWritable(root)) {
                return Optional.empty();
            }
            return Optional.of(true);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** Whether this process's user owns {@code path}; by uid where /proc tells it (containers often have no user name). */
    private static boolean ownedByMe(Path path) throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return Files.getAttribute(self, "unix:uid").equals(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        }
        return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
    }

    /** The WAR's version directory under {@code root}, unpacked now if no earlier start did; locked while we run. */
    private static Unpacked unpacked(Path war, Path root) throws IOException {
        Path version;
        try (JarFile jar = new JarFile(war.toFile())) {
            version = root.resolve(VERSION_PREFIX + key(war, jar));
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
        return new Unpacked(version.resolve(WEBAPP), Files.isDirectory(natives) ? Optional.of(natives) : Optional.empty());
    }

    /**
     * The WAR's identity: its size and a hash of its central directory's names, CRCs and sizes, which change with
     * any entry's content; cheap, as the JVM has read the central directory anyway. The time is left out, so a copy
     * or a touched file of the same content shares the directory.
     */
    static String key(Path war, JarFile jar) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Long.toString(Files.size(war)).getBytes(StandardCharsets.UTF_8));
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                digest.update((entry.getName() + '\0' + entry.getCrc() + '\0' + entry.getSize() + '\n')
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Unpacks the WAR into a temporary sibling of {@code version} and renames it into place atomically; when another
     * start got there first, its directory is used and ours deleted. Old versions are removed afterwards.
     */
    private static void fill(JarFile jar, Path root, Path version) throws IOException {
        Path filling = Files.createDirectory(root.resolve(FILLING_PREFIX + UUID.randomUUID()));
        try (FileChannel lock = FileChannel.open(filling.resolve(LOCK), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock ignored = lock.lock()) { // a cleaner leaves a directory alone while its filler lives
            Path webapp = Files.createDirectory(filling.resolve(WEBAPP));
            unzip(jar, webapp);
            extractOrtNatives(webapp, filling.resolve(ORT_NATIVE));
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
                deleteTree(filling);
            }
        }
        clean(root, version);
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
     * Extracts this platform's libraries from {@code WEB-INF/lib/onnxruntime-*.jar} (its {@code
     * ai/onnxruntime/native/OS-ARCH/} directory, named as ONNX Runtime names it) into {@code target}; nothing when
     * the jar has none for this platform, and ONNX Runtime then does what it always did.
     */
    static void extractOrtNatives(Path webapp, Path target) throws IOException {
        Path lib = webapp.resolve("WEB-INF/lib");
        if (!Files.isDirectory(lib)) {
            return;
        }
        Optional<Path> ort;
        try (Stream<Path> jars = Files.list(lib)) {
            ort = jars.filter(p -> p.getFileName().toString().matches("onnxruntime-[0-9][^/]*\\.jar")).findFirst();
        }
        Optional<String> platform = ortPlatform();
        if (ort.isEmpty() || platform.isEmpty()) {
            return;
        }
        String prefix = "ai/onnxruntime/native/" + platform.get() + "/";
        try (JarFile jar = new JarFile(ort.get().toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                    Files.createDirectories(target);
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, target.resolve(name.substring(prefix.length())));
                    }
                }
            }
        }
    }

    /** This platform as ONNX Runtime's loader names it (OnnxRuntime.initOsArch): linux-x64, osx-aarch64, win-x64... */
    static Optional<String> ortPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win"
                : os.contains("nux") ? "linux" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
        return o == null || a == null ? Optional.empty() : Optional.of(o + "-" + a);
    }

    /**
     * Takes a shared lock on {@code version}'s lock file for the JVM's lifetime (released by the OS when the process
     * ends, however it ends). False when the directory was removed or replaced meanwhile, so the caller starts over.
     */
    private static boolean lockShared(Path version) throws IOException {
        Path lockFile = version.resolve(LOCK);
        Object before;
        FileChannel channel;
        try {
            before = Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return false;
        }
        channel.lock(0, Long.MAX_VALUE, true);
        Object after;
        try {
            after = Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
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

    /**
     * Removes all but the {@link #KEEP} most recently used versions (never {@code inUse}, never one another process
     * holds), directories left by fillers that died, and the trash of removals that were cut short.
     */
    static void clean(Path root, Path inUse) {
        List<Path> versions = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                if (name.startsWith(VERSION_PREFIX) && !child.equals(inUse)) {
                    versions.add(child);
                } else if (name.startsWith(TRASH_PREFIX)) {
                    deleteTree(child);
                } else if (name.startsWith(FILLING_PREFIX) && olderThan(child, ABANDONED)) {
                    removeUnlessLocked(root, child);
                }
            }
        } catch (IOException e) {
            return; // cleaning is a courtesy; the next start tries again
        }
        versions.sort(Comparator.comparing(WarCache::lastModified).reversed());
        for (Path old : versions.subList(Math.min(KEEP - 1, versions.size()), versions.size())) {
            removeUnlessLocked(root, old);
        }
    }

    /** Renames {@code dir} to the trash while holding its lock exclusively, then deletes it; a held lock means in use. */
    private static void removeUnlessLocked(Path root, Path dir) {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            deleteTree(dir);
            return;
        }
        Path trash = root.resolve(TRASH_PREFIX + UUID.randomUUID());
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
