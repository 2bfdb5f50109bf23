package org.tabserve.launcher.warcache;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.tabserve.launcher.classpath.ClassPathBeside;

/**
 * Where {@link WarCache} may keep the unpacked WAR: the candidate roots in order, the check that one is this user's
 * own real directory that no one else may write to, since the server runs code from it, and the names of what lies
 * under a root, which the cache makes and {@code WarCacheCleaner} clears. Bootstrap code at the WAR's root: the JDK
 * only.
 */
final class WarCacheRoots {

    /** The names under a root: unpacked versions, directories being filled, removals under way, and the lock file. */
    static final String VERSION_PREFIX = "war-";

    static final String FILLING_PREFIX = ".filling-";
    static final String TRASH_PREFIX = ".trash-";
    static final String LOCK = ".lock";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private WarCacheRoots() {}

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
            PosixFileAttributeView view =
                    Files.getFileAttributeView(root, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
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

    /** Whether this process's user owns {@code path} (by uid: containers often have no user name). */
    private static boolean ownedByMe(Path path) throws IOException {
        return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(ClassPathBeside.me());
    }
}
