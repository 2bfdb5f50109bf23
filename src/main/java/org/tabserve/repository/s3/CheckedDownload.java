package org.tabserve.repository.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Brings one model object into a {@link CacheFolder}, or refuses it in words: bounded by its listed size before a byte
 * is read ({@link #MAX_FILE_BYTES} at most), written under a hidden name, its SHA-256 checked against the
 * {@code .sha256} object beside it when there is one, then renamed into place. The digest is the one gate: a file
 * serves only when its bytes match the {@code .sha256} published beside them, or, with none published for it, as
 * downloaded. A copy that served unchecked is withdrawn once a {@code .sha256} its bytes do not match is published
 * beside the same object (the model uploaded, then a wrong digest); a
 * copy that matched a published digest keeps serving while a new object or digest is refused, and while its
 * {@code .sha256} is missing (a digest once published is needed from then on). The manifest records the published
 * digest each file matched.
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
     * @param have     what the manifest records of the cache's copy now, if any
     * @param reread   download it again even when the cache's copy already matches its digest (a forced reload)
     * @param withdraw takes the cache's copy out (file and entry) when a published digest shows it should not serve
     * @return what the cache's manifest records of it
     * @throws Refused why it is not in place
     */
    CacheFolder.Entry bring(
            String path,
            S3Objects.Listed object,
            Optional<S3Objects.Listed> digest,
            Optional<CacheFolder.Entry> have,
            boolean reread,
            Runnable withdraw)
            throws Refused {
        if (object.size() > MAX_FILE_BYTES) {
            throw new Refused(
                    true,
                    "it is " + object.size() + " bytes, more than the " + MAX_FILE_BYTES + " a model file may be");
        }
        boolean lastGood = have.map(CacheFolder.Entry::checked).orElse(false);
        if (digest.isEmpty() && lastGood) {
            throw new Refused(
                    true,
                    "its " + ObjectKeys.DIGEST_SUFFIX + " went from the store: once a digest was published for it, a"
                            + " new object serves only when its own matches; the copy that matched the last one"
                            + " keeps serving");
        }
        Optional<String> expected = Optional.empty();
        if (digest.isPresent()) {
            expected = Optional.of(published(digest.get()));
            boolean same = have.isPresent()
                    && object.etag() != null
                    && object.etag().equals(have.get().etag());
            if (same && !lastGood && !expected.get().equals(have.get().sha256())) {
                withdraw.run(); // it served unchecked, and the digest now published beside it says it is not the one
                throw new Refused(
                        true,
                        "its SHA-256 is " + have.get().sha256() + " but its " + ObjectKeys.DIGEST_SUFFIX + " says "
                                + expected.get() + "; it does not serve (it had served with no digest published, and"
                                + " is withdrawn)");
            } else if (same && !reread && expected.get().equals(have.get().sha256())) {
                CacheFolder.Entry h = have.get();
                return new CacheFolder.Entry(
                        h.etag(), h.sha256(), h.size(), digest.get().etag(), expected.get());
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
                                + expected.get() + "; "
                                + (have.isPresent() ? "the last good version keeps serving" : "it does not serve"));
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
                digest.map(S3Objects.Listed::etag).orElse(""),
                expected.orElse(""));
    }

    /** @return the SHA-256 a {@code .sha256} object publishes, lower case */
    private String published(S3Objects.Listed digest) throws Refused {
        String text;
        try {
            text = objects.text(digest).strip();
        } catch (S3Objects.StoreFailure e) {
            throw new Refused(false, "its " + ObjectKeys.DIGEST_SUFFIX + " could not be read: " + e.getMessage());
        }
        String first = text.isEmpty() ? "" : text.split("\\s+", 2)[0];
        if (!SHA256.matcher(first).matches()) {
            throw new Refused(
                    true,
                    "its " + ObjectKeys.DIGEST_SUFFIX + " does not start"
                            + " with a SHA-256 (64 hex digits), as sha256sum writes it");
        }
        return first.toLowerCase(Locale.ROOT);
    }
}
