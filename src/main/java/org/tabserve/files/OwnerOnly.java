package org.tabserve.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * The one check of a file's owner and permissions that the API keys file, the model cache and the TLS key share: whom
 * the file system says may write or read a path, and whether its owner is the server's user. Each caller refuses in
 * its own words; this only answers.
 */
public final class OwnerOnly {

    private OwnerOnly() {}

    /**
     * The POSIX attributes of {@code path} itself (a link is not followed).
     *
     * @throws UnsupportedOperationException on a file system without POSIX permissions
     */
    public static PosixFileAttributes attributes(Path path) throws IOException {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /** @return whether its group or other users may write it */
    public static boolean othersMayWrite(Set<PosixFilePermission> permissions) {
        return permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** @return whether its group or other users may read it */
    public static boolean othersMayRead(Set<PosixFilePermission> permissions) {
        return permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ);
    }

    /** @return whether a folder is sticky (as /tmp is): there only a file's owner may rename or remove it */
    public static boolean sticky(Path folder) {
        try {
            return (((Integer) Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 01000) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    /** @return the server's user as {@code path}'s file system knows it; empty when it cannot say */
    public static Optional<UserPrincipal> me(Path path) {
        try {
            return Optional.of(path.getFileSystem()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** @return whether {@code attributes}' owner is {@code me} or root (true when the server's user is unknown) */
    public static boolean ownedByMeOrRoot(PosixFileAttributes attributes, Optional<UserPrincipal> me) {
        return me.isEmpty()
                || attributes.owner().equals(me.get())
                || attributes.owner().getName().equals("root");
    }
}
