package org.tabserve.repository.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Brings one model object into a {@link CacheFolder}, or refuses it in words: bounded by its listed size before a byte
 * is read ({@link #MAX_FILE_BYTES} at most), written under a hidden name, its SHA-256 checked against the
 * {@code .sha256} object beside it when there is one, then renamed into place. A refused download leaves the cache's
 * last good file where it was.
 */
final class CheckedDownload {

    /** The largest model file downloaded: the largest a local model file may be (a Java array's length). */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    /** A download refused, in words; {@code lasting} when trying again is no use until the object changes. */
    static final class Refused extends Exception {
        final boolean lasting;

        Refused(boolean lasting, String words) {
            super(words, null, false, false);
            this.lasting = lasting;
        }
    }

    private final S3Objects objects;
    private final CacheFolder cache;

    CheckedDownload(S3Objects objects, CacheFolder cache) {
        this.objects = objects;
        this.cache = cache;
    }

    /**
     * Downloads {@code object} to the cache's {@code path}, checked against {@code digest}'s SHA-256 when given.
     *
     * @return what the cache's manifest records of it
     * @throws Refused why it is not in place
     */
    CacheFolder.Entry bring(String path, S3Objects.Listed object, Optional<S3Objects.Listed> digest) throws Refused {
        if (object.size() > MAX_FILE_BYTES) {
            throw new Refused(
                    true,
                    "it is " + object.size() + " bytes, more than the " + MAX_FILE_BYTES + " a model file may be");
        }
        Optional<String> expected = Optional.empty();
        if (digest.isPresent()) {
            try {
                String text = objects.text(digest.get()).strip();
                String first = text.isEmpty() ? "" : text.split("\\s+", 2)[0];
                if (!SHA256.matcher(first).matches()) {
                    throw new Refused(
                            true,
                            "its " + ObjectKeys.DIGEST_SUFFIX + " does not start"
                                    + " with a SHA-256 (64 hex digits), as sha256sum writes it");
                }
                expected = Optional.of(first.toLowerCase(Locale.ROOT));
            } catch (S3Objects.StoreFailure e) {
                throw new Refused(false, "its " + ObjectKeys.DIGEST_SUFFIX + " could not be read: " + e.getMessage());
            }
        }
        CacheFolder.Written written;
        try {
            written = objects.download(object, cache, path);
        } catch (S3Objects.StoreFailure | IOException e) {
            throw new Refused(false, "its download failed: " + e.getMessage());
        }
        try {
            if (expected.isPresent() && !expected.get().equals(written.sha256())) {
                Files.deleteIfExists(written.temp());
                throw new Refused(
                        true,
                        "its SHA-256 is " + written.sha256() + " but its " + ObjectKeys.DIGEST_SUFFIX + " says "
                                + expected.get() + "; the last good version keeps serving");
            }
            cache.install(written, path);
        } catch (IOException e) {
            throw new Refused(
                    false, "it could not be put in the cache (" + e.getClass().getSimpleName() + ")");
        }
        return new CacheFolder.Entry(
                object.etag(),
                written.sha256(),
                written.size(),
                digest.map(S3Objects.Listed::etag).orElse(""));
    }
}
