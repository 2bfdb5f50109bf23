package org.tabserve.serving.access;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.tabserve.files.OwnerOnly;
import org.tabserve.model.StrictUtf8;

/**
 * The API keys file read and checked: one client a line, {@code NAME SCOPES SHA256HEX [RATE]} separated by
 * whitespace, {@code #} starting a comment; the file holds each key's SHA-256, never a key. It is refused, in words
 * that never quote a digest, when it is not a regular file only the server's user can write (owned by that user or
 * root, neither group- nor other-writable, in a folder others cannot write unless it is sticky), when it is larger
 * than {@link #MAX_BYTES}, or for any line that is not a client. A link is followed, and its target checked.
 */
final class KeysFile {

    /** The largest keys file read: far more than {@link #MAX_CLIENTS} lines need. */
    static final int MAX_BYTES = 1 << 20;
    /** The most clients one file may name. */
    static final int MAX_CLIENTS = 10_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");

    /**
     * One client of the file.
     *
     * @param digest the SHA-256 of its key; null for a client without a key ({@code -}: named by other means)
     * @param rate   its request rate as written ({@code 20/s}), or null
     * @param kind   what names it when no name's spelling says ({@link Caller.Kind}: a token a setting gives); null
     */
    record Client(String name, List<Grant> grants, byte[] digest, String rate, Caller.Kind kind) {}

    private KeysFile() {}

    /**
     * The file's bytes, once its ownership and permissions are checked.
     *
     * @throws IllegalArgumentException in words, for a file that is missing, not a regular file, writable by another
     *                                  user or too large
     */
    static byte[] read(Path file) {
        return read(file, "the API keys file", "give themselves any scope", false);
    }

    /**
     * A file of the server's own, once its ownership and permissions are checked as the keys file's are.
     *
     * @param what   what the refusals call it ({@code the API keys file})
     * @param harm   what whoever could write it could do, as the refusal says it ({@code give themselves any scope})
     * @param secret whether it holds a secret, which then no other user may read either
     * @throws IllegalArgumentException in words, for a file that is missing, not a regular file, writable (or, for a
     *                                  secret, readable) by another user, or too large
     */
    static byte[] read(Path file, String what, String harm, boolean secret) {
        Path real;
        try {
            real = file.toRealPath(); // a link is followed (a Kubernetes Secret's file is one): its target is checked
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage());
        }
        PosixFileAttributes attributes = attributes(real, file, what);
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(
                    what + " " + file + " is not a regular file (a folder or a device); name the file");
        }
        if (OwnerOnly.othersMayWrite(attributes.permissions())) {
            throw new IllegalArgumentException(what + " " + file + " can be written by other users (its"
                    + " permissions are " + PosixFilePermissions.toString(attributes.permissions()) + "): whoever can"
                    + " write it can " + harm + "; tabserve reads it only from a file only its own user"
                    + " can write (chmod go-w " + file + ")");
        }
        if (secret && OwnerOnly.othersMayRead(attributes.permissions())) {
            throw new IllegalArgumentException(what + " " + file + " can be read by other users (its permissions are "
                    + PosixFilePermissions.toString(attributes.permissions()) + "): it holds a secret; tabserve reads"
                    + " it only from a file only its own user can read (chmod 600 " + file + ")");
        }
        Optional<UserPrincipal> me = OwnerOnly.me(file);
        if (!OwnerOnly.ownedByMeOrRoot(attributes, me)) {
            String name = me.get().getName();
            throw new IllegalArgumentException(what + " " + file + " is owned by "
                    + attributes.owner().getName() + ", neither the server's user (" + name + ") nor root:"
                    + " tabserve reads it only from a file its own user owns (chown " + name + " " + file + ")");
        }
        Path folder = real.getParent();
        if (folder != null) {
            PosixFileAttributes around = attributes(folder, file, what);
            if (OwnerOnly.othersMayWrite(around.permissions()) && !OwnerOnly.sticky(folder)) {
                throw new IllegalArgumentException("the folder " + folder + " that holds " + what + " " + file
                        + " can be written by other users (its permissions are "
                        + PosixFilePermissions.toString(around.permissions()) + "): whoever can write it can put"
                        + " another file in its place; keep it in a folder only the server's user can write");
            }
        }
        if (attributes.size() > MAX_BYTES) {
            throw new IllegalArgumentException(
                    what + " " + file + " has " + attributes.size() + " bytes; tabserve reads at most " + MAX_BYTES);
        }
        try (InputStream in = Files.newInputStream(real)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException(
                        what + " " + file + " has more than " + MAX_BYTES + " bytes; tabserve reads at most that");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** The POSIX attributes of {@code path}, which {@code file}'s refusal names. */
    private static PosixFileAttributes attributes(Path path, Path file, String what) {
        try {
            return OwnerOnly.attributes(path);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(what + " " + file + " is on a file system without POSIX"
                    + " permissions, where tabserve cannot tell who may write it");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The clients the file names.
     *
     * @param file what the refusals call it
     * @throws IllegalArgumentException naming the line and what is wrong with it (never quoting a digest)
     */
    static List<Client> parse(byte[] bytes, Path file) {
        String text;
        try {
            text = StrictUtf8.decode(java.nio.ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the API keys file " + file + " is not UTF-8 text");
        }
        List<Client> clients = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String content = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (content.isEmpty()) {
                continue;
            }
            String where = "the API keys file " + file + ", line " + (i + 1) + ": ";
            String[] fields = content.split("\\s+");
            if (fields.length < 3 || fields.length > 4) {
                throw new IllegalArgumentException(where + "a client's line is NAME SCOPES SHA256HEX [RATE], four"
                        + " fields at most separated by whitespace; this one has " + fields.length);
            }
            String name = fields[0];
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + "a client's name is 1 to 128 letters, digits and . _ @ -,"
                        + " beginning with a letter or digit");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + "the client '" + name + "' is named twice");
            }
            List<Grant> grants = new ArrayList<>();
            for (String one : fields[1].split(",", -1)) {
                try {
                    grants.add(Grant.parse(one));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + e.getMessage(), e);
                }
            }
            byte[] digest = null;
            if (!fields[2].equals("-")) {
                if (!DIGEST.matcher(fields[2]).matches()) {
                    throw new IllegalArgumentException(where + "the third field is the SHA-256 of the client's key,"
                            + " 64 hex digits (sha256sum prints it), or - for a client without a key; this one has "
                            + fields[2].length() + " characters");
                }
                digest = HexFormat.of().parseHex(fields[2].toLowerCase(Locale.ROOT));
            }
            String rate = fields.length == 4 ? fields[3] : null;
            if (rate != null) {
                try {
                    Quota.parse(rate);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + e.getMessage(), e);
                }
            }
            clients.add(new Client(name, grants, digest, rate, null));
            if (clients.size() > MAX_CLIENTS) {
                throw new IllegalArgumentException(
                        "the API keys file " + file + " names more than " + MAX_CLIENTS + " clients");
            }
        }
        return clients;
    }
}
