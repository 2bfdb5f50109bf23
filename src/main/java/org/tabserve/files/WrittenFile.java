package org.tabserve.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The checks a file the server writes gets (the audit log, the prediction log and its rolled files), as the files it
 * reads get theirs ({@link OwnerOnly}): it is made owner-only ({@code rw-------}), never opened through a symbolic
 * link, and sits in a folder owned by the server's user or root that others cannot write (unless the folder is
 * sticky, where the caller allows it); an existing file must be a regular file of the server's user, and one its group
 * or others may read or write is made owner-only, which is said. Anything else is {@link Refused}, in words naming
 * the file and why (issue 76: the prediction log, every input value, was made readable by everyone, and the audit log
 * was appended to through another user's link).
 */
public final class WrittenFile {

    /** A file's permissions: only its owner may read and write it. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** A folder's permissions: only its owner may list, enter and write it. */
    public static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** A file or folder the server will not write, in words naming it and why. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private WrittenFile() {}

    /** @return the attribute that makes a new file owner-only */
    public static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }

    /** @return the attribute that makes a new folder owner-only */
    public static FileAttribute<Set<PosixFilePermission>> ownerOnlyFolder() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER);
    }

    /**
     * Refuses {@code folder} (as it is, a link not followed) unless it is a folder owned by the server's user or root
     * that its group and others cannot write; with {@code stickyAllowed}, a sticky folder others may write (as
     * {@code /tmp}) passes, since there no one but a file's owner may rename or remove it.
     *
     * @param what the file it holds, for the words ("the audit log /var/log/audit.jsonl")
     */
    public static void checkFolder(Path folder, String what, boolean stickyAllowed) throws IOException {
        PosixFileAttributes attributes = posix(folder, what);
        if (!attributes.isDirectory()) {
            throw new Refused("the folder " + folder + " of " + what + " is not a folder (a link or a file)");
        }
        Optional<UserPrincipal> me = OwnerOnly.me(folder);
        if (!OwnerOnly.ownedByMeOrRoot(attributes, me)) {
            throw new Refused("the folder " + folder + " of " + what + " is owned by "
                    + attributes.owner().getName()
                    + ", neither the server's user (" + me.get().getName() + ") nor root: whoever owns it can put"
                    + " another file in its place; name a folder of the server's user");
        }
        if (OwnerOnly.othersMayWrite(attributes.permissions()) && !(stickyAllowed && OwnerOnly.sticky(folder))) {
            throw new Refused("the folder " + folder + " of " + what + " can be written by other users (its"
                    + " permissions are " + PosixFilePermissions.toString(attributes.permissions()) + "): whoever"
                    + " can write it can put a link or a file of theirs in the place of what the server writes; name"
                    + " a folder only the server's user can write (chmod go-w " + folder + ")");
        }
    }

    /**
     * Checks an existing {@code file} the server will write: refused when it is a symbolic link, not a regular file,
     * or owned by another user; made owner-only when its group or others may read or write it, which {@code fixed} is
     * told. Nothing when there is no such file.
     *
     * @param what the file, for the words ("the audit log")
     * @return whether the file exists
     */
    public static boolean checkExisting(Path file, String what, Consumer<String> fixed) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = OwnerOnly.attributes(file);
        } catch (NoSuchFileException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            throw new Refused(what + " " + file + " is on a file system without POSIX permissions, where tabserve"
                    + " cannot tell who may read it");
        }
        if (attributes.isSymbolicLink()) {
            throw new Refused(what + " " + file + " is a symbolic link; tabserve never writes through a link (it"
                    + " could lead to another user's file): remove it");
        }
        if (!attributes.isRegularFile()) {
            throw new Refused(what + " " + file + " is not a regular file; remove it, or name another file");
        }
        Optional<UserPrincipal> me = OwnerOnly.me(file);
        if (me.isPresent() && !attributes.owner().equals(me.get())) {
            throw new Refused(
                    what + " " + file + " is owned by " + attributes.owner().getName() + ", not the"
                            + " server's user (" + me.get().getName() + "): tabserve writes only into files of its own"
                            + " user; remove it, or name another file");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (OwnerOnly.othersMayRead(permissions) || OwnerOnly.othersMayWrite(permissions)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            fixed.accept(what + " " + file + " was " + PosixFilePermissions.toString(permissions)
                    + ", which let other users read or write it; made rw-------");
        }
        return true;
    }

    /**
     * Opens {@code file} for appending, as its folder, then the file, pass the checks above: a new file is made
     * owner-only, an existing one is checked ({@link #checkExisting}), and neither is opened through a link. The
     * folder may be sticky ({@link #checkFolder}).
     *
     * @param what  the file, for the words ("the audit log")
     * @param fixed told when an existing file was made owner-only
     * @throws Refused in words, for a file or folder that does not pass
     */
    public static FileChannel openForAppending(Path file, String what, Consumer<String> fixed) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Path real = folder.toRealPath().resolve(file.getFileName()); // the folder may be reached through a link
        checkFolder(real.getParent(), what + " " + file, true);
        try {
            return FileChannel.open(
                    real,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                    ownerOnly());
        } catch (FileAlreadyExistsException e) {
            // there already (a link too: O_CREAT|O_EXCL never follows one): checked, then opened without following
        }
        checkExisting(real, what, fixed); // before opening: opening a planted pipe would wait for a reader forever
        Object checked = OwnerOnly.attributes(real).fileKey();
        FileChannel channel;
        try {
            channel = FileChannel.open(real, StandardOpenOption.WRITE, StandardOpenOption.APPEND, NO_FOLLOW[0]);
        } catch (FileSystemException e) {
            checkExisting(real, what, fixed); // a link planted since: O_NOFOLLOW refused it, say so plainly
            throw e;
        }
        if (!Objects.equals(checked, OwnerOnly.attributes(real).fileKey())) {
            channel.close();
            throw new Refused(what + " " + file + " was replaced while it was opened; start again");
        }
        return channel;
    }

    private static PosixFileAttributes posix(Path path, String what) throws IOException {
        try {
            return OwnerOnly.attributes(path);
        } catch (UnsupportedOperationException e) {
            throw new Refused(what + " is on a file system without POSIX permissions, where tabserve cannot tell who"
                    + " may write it");
        }
    }
}
