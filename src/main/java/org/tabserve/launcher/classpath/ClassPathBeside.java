package org.tabserve.launcher.classpath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether the jars that the WAR's manifest {@code Class-Path} names beside it may stay on the JVM's class path. The
 * JVM puts them there before any of our code runs and its own service look-ups search them for the life of the
 * process (a {@code java.nio.file.spi.FileSystemProvider} named in a planted jar is constructed at the first file
 * system look-up), so they are trusted only where no one but this process's user (or root) can have put them: the
 * WAR's folder, and every folder and jar below it that the manifest names, belong to this user or root and no one
 * else may write to them; each folder above it is either such a folder or sticky (as /tmp is, where others may not
 * rename what is ours). The launcher's {@code Main} asks before anything else, and before the JVM has had a reason to open a jar
 * beyond the WAR (it finds its own classes in the WAR, the first entry). Bootstrap code at the WAR's root: the JDK
 * only.
 */
public final class ClassPathBeside {

    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final int ROOT = 0;

    private ClassPathBeside() {}

    /**
     * @param folder the WAR's folder
     * @param named  the jars the manifest names, resolved against {@code folder}
     * @param me     this process's user id
     * @return why the jars beside the WAR cannot be trusted, or empty when no one but {@code me} or root can have put
     *     anything where the manifest points
     */
    public static Optional<String> distrust(Path folder, List<Path> named, int me) throws IOException {
        Path real = folder.toRealPath();
        String why = folderProblem(real, me);
        if (why != null) {
            return Optional.of(why);
        }
        for (Path above = real.getParent(); above != null; above = above.getParent()) {
            int mode = mode(above, true);
            int owner = owner(above, true);
            if (owner != me && owner != ROOT) {
                return Optional.of(above + " belongs to another user (uid " + owner + "), who may rename " + real);
            }
            if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
                return Optional.of("others may rename folders in " + above + " (" + modeText(mode) + ")");
            }
        }
        Path base = folder.toAbsolutePath().normalize();
        for (Path jar : named) {
            Path relative = base.relativize(jar.toAbsolutePath().normalize());
            if (relative.startsWith("..") || relative.toString().isEmpty()) {
                return Optional.of("the manifest names " + jar + ", outside " + real);
            }
            // Each folder on the way down and the jar itself, as far as they exist (below a trusted folder, what does
            // not exist only this user or root can make).
            Path at = real;
            for (int i = 0; i < relative.getNameCount(); i++) {
                at = at.resolve(relative.getName(i));
                boolean last = i == relative.getNameCount() - 1;
                if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                    break;
                }
                String problem = entryProblem(at, last, me);
                if (problem != null) {
                    return Optional.of(problem);
                }
            }
        }
        return Optional.empty();
    }

    /** @return whether any of the jars is there (a file, a link or anything else at its path) */
    public static boolean anyThere(List<Path> named) {
        return named.stream().anyMatch(jar -> Files.exists(jar, LinkOption.NOFOLLOW_LINKS));
    }

    private static String folderProblem(Path folder, int me) throws IOException {
        int owner = owner(folder, true);
        int mode = mode(folder, true);
        if (owner != me && owner != ROOT) {
            return folder + " belongs to another user (uid " + owner + ")";
        }
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            return "others may write to " + folder + " (" + modeText(mode) + ")";
        }
        return null;
    }

    private static String entryProblem(Path path, boolean jar, int me) throws IOException {
        int mode = mode(path, false);
        int owner = owner(path, false);
        if (Files.isSymbolicLink(path)) {
            return path + " is a symbolic link";
        }
        if (jar
                ? !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                : !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return path + " is not a " + (jar ? "regular file" : "folder");
        }
        if (owner != me && owner != ROOT) {
            return path + " belongs to another user (uid " + owner + ")";
        }
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            return "others may write to " + path + " (" + modeText(mode) + ")";
        }
        return null;
    }

    /** This process's user id: the owner of /proc/self, else of a file it makes (the JDK has no call for it). */
    public static int me() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return owner(self, true);
        }
        Path probe = Files.createTempFile("tabserve-uid", "");
        try {
            return owner(probe, true);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static int owner(Path path, boolean follow) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", options(follow));
    }

    private static int mode(Path path, boolean follow) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", options(follow));
    }

    private static LinkOption[] options(boolean follow) {
        return follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    }

    private static String modeText(int mode) {
        return String.format("mode %04o", mode & 07777);
    }

    /**
     * Makes the JVM's class loader give up every jar of its class path that is not there now, for good: it opens
     * them in order at the first look-up that the WAR cannot answer, and one it cannot open it drops and never tries
     * again (the JDK's URL class path, behind every built-in class loader; ClassPathBesideTest fails on a JDK that stops doing so). A
     * jar made beside the WAR later is then never read.
     */
    public static void closeTheClassPath(ClassLoader loader) {
        loader.getResource("META-INF/tabserve/no-such-resource");
    }
}
