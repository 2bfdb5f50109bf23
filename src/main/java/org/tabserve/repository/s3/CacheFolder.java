package org.tabserve.repository.s3;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.tabserve.files.OwnerOnly;

/**
 * The local folder a store's objects are mirrored into, which the repository scans as its directory: created
 * owner-only and refused when anyone else may write it (what the server loads must come from a place only its user
 * can write); each object written under a hidden temporary name (which the repository's scan passes over), bounded,
 * hashed as it is written, flushed, then renamed into place; and a manifest ({@value #MANIFEST}) recording each
 * file's object ETag and the published SHA-256 it was checked against (its {@code .sha256}'s), by which the next start
 * checks what a previous run left before serving it.
 */
final class CacheFolder {

    /** The manifest's file name: hidden, so the repository's scan passes over it. */
    static final String MANIFEST = ".tabserve-store";

    private static final System.Logger LOG = System.getLogger(CacheFolder.class.getName());

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /**
     * What the manifest records of one cached file.
     *
     * @param etag       the object's ETag when it was downloaded
     * @param sha256     the file's SHA-256, as written
     * @param size       its size in bytes
     * @param digestEtag the ETag of the {@code .sha256} object it was checked against; empty when there was none
     * @param published  the SHA-256 that {@code .sha256} published, which the file matched; empty when none was
     *                   published for it (then it serves unchecked, as the store's docs say)
     */
    record Entry(String etag, String sha256, long size, String digestEtag, String published) {

        /** An entry checked against no {@code .sha256}. */
        Entry(String etag, String sha256, long size, String digestEtag) {
            this(etag, sha256, size, digestEtag, "");
        }

        /** @return whether the file matched a published {@code .sha256} */
        boolean checked() {
            return !published.isEmpty();
        }

        /** @return what the file must hash to: the published digest it was checked against, else as written */
        String vouched() {
            return checked() ? published : sha256;
        }
    }

    private final Path root;

    private CacheFolder(Path root) {
        this.root = root;
    }

    /**
     * Opens (creating, owner-only) the cache folder {@code root}.
     *
     * @throws IllegalArgumentException in words, when it cannot be made or anyone but this user could write it
     */
    static CacheFolder open(Path root) {
        try {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(root.getParent());
                try {
                    Files.createDirectory(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (FileAlreadyExistsException e) {
                    // made by another start at the same moment: checked below as any existing folder
                }
            }
            check(root);
            return new CacheFolder(root.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(
                    "cannot make the model cache folder " + root + " ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    /** Refuses a folder that is a link, not this user's, or writable by its group or others. */
    static void check(Path root) throws IOException {
        PosixFileAttributes attributes = OwnerOnly.attributes(root);
        if (!attributes.isDirectory()) {
            throw new IllegalArgumentException("the model cache " + root + " is not a folder (a link or a file);"
                    + " name a folder only this user can write");
        }
        UserPrincipal me = root.getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (!attributes.owner().equals(me) || OwnerOnly.othersMayWrite(permissions)) {
            throw new IllegalArgumentException("the model cache " + root + " is "
                    + PosixFilePermissions.toString(permissions) + " and owned by "
                    + attributes.owner().getName()
                    + ": what the server loads must come from a folder only its user (" + me.getName()
                    + ") can write; chmod 700 it, or name another");
        }
    }

    /** @return the folder */
    Path root() {
        return root;
    }

    /** @return the manifest's entries by cache path; empty when there is none (a first start) */
    Map<String, Entry> readManifest() {
        Map<String, Entry> entries = new TreeMap<>();
        Path file = root.resolve(MANIFEST);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f.length == 6 && ObjectKeys.read(f[0]).path().isPresent()) {
                    entries.put(f[0], new Entry(f[1], f[2], Long.parseLong(f[3]), f[4], f[5]));
                } else if (f.length == 5 && ObjectKeys.read(f[0]).path().isPresent()) {
                    // An earlier run's line: checked against a .sha256 exactly when it names that object's ETag.
                    entries.put(f[0], new Entry(f[1], f[2], Long.parseLong(f[3]), f[4], f[4].isEmpty() ? "" : f[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            entries.clear(); // an unreadable manifest vouches for nothing: every file is downloaded again
        }
        return entries;
    }

    /** Writes the manifest whole, under a temporary name then renamed over the old one. */
    void writeManifest(Map<String, Entry> entries) throws IOException {
        Path temp = root.resolve(MANIFEST + ".part");
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry v = e.getValue();
                out.write(String.join(
                        "\t",
                        e.getKey(),
                        clean(v.etag()),
                        v.sha256(),
                        Long.toString(v.size()),
                        clean(v.digestEtag()),
                        clean(v.published())));
                out.write('\n');
            }
        }
        move(temp, root.resolve(MANIFEST));
    }

    /**
     * Removes the cached files that are not what {@code manifest} vouches for (their SHA-256 is not the published
     * digest they were checked against, or with none published not what was downloaded; or they are missing), and
     * their entries: what a previous run left serves only where it passed the digest's gate.
     */
    void dropChanged(Map<String, Entry> manifest) {
        List<String> changed = new ArrayList<>();
        manifest.forEach((path, entry) -> {
            if (!digestOf(path).map(entry.vouched()::equals).orElse(false)) {
                changed.add(path);
            }
        });
        for (String path : changed) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Model cache: {0} is not what was downloaded (its SHA-256 differs or"
                            + " it is missing); it is not served, and is downloaded again",
                    path);
            manifest.remove(path);
            try {
                remove(path);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Model cache: cannot remove " + path, e);
            }
        }
    }

    /**
     * Removes the model files the manifest does not record (a run that ended between putting a file in place and
     * recording it), an MLflow model folder's files among them: what the manifest does not vouch for never serves.
     */
    void dropUnrecorded(Set<String> recorded) {
        try (var files = Files.walk(root, 3)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String path = root.relativize(file).toString();
                if ((path.endsWith(".onnx") || servable(path))
                        && !file.getFileName().toString().startsWith(".")
                        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && !recorded.contains(path)) {
                    LOG.log(System.Logger.Level.WARNING, "Model cache: {0} is not in its manifest; removed", path);
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "Model cache: cannot look for files not in its manifest", e);
        }
    }

    /**
     * @return whether a file at {@code path} could serve: a model in its library's own file, or any file of a version
     *         folder (an MLflow model's MLmodel names the file it loads)
     */
    private static boolean servable(String path) {
        ObjectKeys.Reading reading = ObjectKeys.read(path);
        return reading.path().isPresent() && ObjectKeys.isModelFile(path);
    }

    /**
     * @param have      what the manifest records of {@code path}, or null
     * @param signature the listed object's ETag and its digest's ({@link StoreListing#signature})
     * @return whether the cache holds {@code path} as listed: the object and digest its manifest entry records
     */
    boolean holds(String path, Entry have, String signature) {
        return have != null
                && signature.equals(have.etag() + "|" + have.digestEtag())
                && Files.isRegularFile(file(path));
    }

    /** @return the cached file at {@code path} (a path {@link ObjectKeys} gave) */
    Path file(String path) {
        return root.resolve(path);
    }

    /**
     * @return the SHA-256 of the cached file at {@code path}, empty when it is missing or cannot be read
     */
    Optional<String> digestOf(String path) {
        Path file = file(path);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(OutputStream.nullOutputStream());
            return Optional.of(HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes {@code in}'s bytes to a hidden temporary file beside {@code path}'s place, at most {@code size} bytes.
     *
     * @return the written file and its SHA-256
     * @throws IOException when the copy fails or the object is longer or shorter than {@code size}
     */
    Written write(String path, InputStream in, long size) throws IOException {
        Path target = file(path);
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        MessageDigest digest = sha256();
        long copied = 0;
        try (FileChannel channel = FileChannel.open(
                        temp,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                copied += n;
                if (copied > size) {
                    throw new IOException("the object is longer than the " + size + " bytes its listing gave");
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            if (copied != size) {
                throw new IOException("the download ended after " + copied + " of " + size + " bytes");
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return new Written(temp, HexFormat.of().formatHex(digest.digest()), copied);
    }

    /**
     * A downloaded file not yet in place.
     *
     * @param temp   its hidden temporary file
     * @param sha256 its SHA-256
     * @param size   its size
     */
    record Written(Path temp, String sha256, long size) {}

    /** Renames a written file into {@code path}'s place, over the old one. */
    void install(Written written, String path) throws IOException {
        move(written.temp(), file(path));
    }

    /** Removes the cached file at {@code path} (its object went from the store), and its folders left empty. */
    void remove(String path) throws IOException {
        Path file = file(path);
        Files.deleteIfExists(file);
        for (Path dir = file.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    break;
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Removes the folders left empty (a version folder whose download was refused, or that the store dropped), so that
     * the repository's scan does not list them as versions waiting for a model; {@code busy} keeps those a download
     * in flight writes in.
     */
    void removeEmptyFolders(java.util.function.Predicate<String> busy) {
        List<Path> folders = new ArrayList<>();
        try (var files = Files.walk(root, 3)) {
            files.filter(p -> !p.equals(root) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(folders::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            return; // tried again at the next refresh
        }
        folders.sort(java.util.Comparator.comparingInt(Path::getNameCount).reversed()); // the deepest first
        for (Path folder : folders) {
            if (busy.test(root.relativize(folder) + "/")) {
                continue;
            }
            try (var entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    continue;
                }
            } catch (IOException e) {
                continue;
            }
            try {
                Files.deleteIfExists(folder);
            } catch (IOException e) {
                // not empty after all (a download began in it): kept
            }
        }
    }

    /** Removes the temporary files a download killed mid-way left (at start), and the manifest's. */
    void removeLeftovers() {
        try (var files = Files.walk(root, 4)) {
            for (Path entry : (Iterable<Path>) files::iterator) {
                if (entry.getFileName().toString().endsWith(".part")
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a folder gone or unreadable while walked: what is left is cleaned at the next start
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String clean(String text) {
        return text == null ? "" : text.replaceAll("[\\t\\n\\r]", "");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
