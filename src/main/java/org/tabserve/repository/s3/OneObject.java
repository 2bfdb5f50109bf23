package org.tabserve.repository.s3;

import java.util.Optional;

/**
 * One model object as a store ({@code --model s3://BUCKET/KEY.onnx}), mirrored as a repository of that one model named
 * by its file ({@code s3://models/prod/banknote.onnx} serves as {@code banknote}). It is looked at rather than listed:
 * each refresh asks for the object with {@code If-None-Match} its recorded ETag (a HEAD request: an unchanged object is
 * answered 304 and costs no download) and for the {@code .sha256} beside it; a changed one is then downloaded and
 * checked as a listed one is. An object the store no longer has is told, and the cache's copy keeps serving.
 *
 * @param folder where the object is ({@code s3://BUCKET/DIR/}), the mirror's location
 * @param file   the object's name there, and its path in the cache ({@code banknote.onnx})
 */
record OneObject(S3Location folder, String file) {

    /** @return whether {@code location} names one model object ({@code s3://BUCKET/KEY.onnx}) rather than a prefix */
    static boolean names(String location) {
        String text = location.strip();
        return S3Location.isS3(text) && text.indexOf('/', S3Location.SCHEME.length()) > 0 && text.endsWith(".onnx");
    }

    /**
     * @throws IllegalArgumentException in words, for a bucket that is not one or a key that would climb out of its
     *         folder ({@code ..}, an absolute or empty part, a backslash) or hold characters a file name may not
     */
    static OneObject parse(String location) {
        String text = location.strip();
        int slash = text.indexOf('/', S3Location.SCHEME.length());
        String key = slash < 0 ? "" : text.substring(slash + 1);
        Optional<String> refusal =
                key.endsWith(".onnx") ? ObjectKeys.refusal(key) : Optional.of("it is not s3://BUCKET/KEY.onnx");
        if (refusal.isPresent()) {
            throw new IllegalArgumentException(
                    "the model object " + S3Location.shown(text) + " is refused: " + refusal.get());
        }
        int cut = key.lastIndexOf('/');
        S3Location folder = S3Location.parse(text.substring(0, slash) + (cut < 0 ? "" : "/" + key.substring(0, cut)));
        return new OneObject(folder, key.substring(cut + 1));
    }

    /** @return the object's key in its bucket */
    String key() {
        return folder.prefix() + file;
    }

    /** @return the object as a user names it, {@code s3://bucket/dir/banknote.onnx} */
    @Override
    public String toString() {
        return folder + file;
    }

    /**
     * Adds the object and its {@code .sha256} to {@code listing} as they are now; when the store has no such object,
     * tells so, and marks the listing partial (so that the cache's copy stays).
     *
     * @param have  what the cache's manifest records of the object, whose ETag the object is asked for conditionally
     * @param force ask unconditionally (a forced reload)
     * @throws S3Objects.StoreFailure when the store refuses or does not answer
     */
    void look(S3Objects objects, StoreListing listing, Optional<CacheFolder.Entry> have, boolean force)
            throws S3Objects.StoreFailure {
        if (!listing.covers(file)) {
            return; // a forced reload of another name
        }
        Optional<S3Objects.Listed> known =
                force ? Optional.empty() : have.map(entry -> new S3Objects.Listed(key(), entry.etag(), entry.size()));
        Optional<S3Objects.Listed> object = objects.head(key(), known);
        if (object.isEmpty()) {
            listing.partial = true;
            listing.refused.add(StoreListing.problem(
                    folder, file, "the store has no such object (404); the cache's last good copy, if any, serves"));
            return;
        }
        objects.head(key() + ObjectKeys.DIGEST_SUFFIX, Optional.empty()).ifPresent(listing::add);
        listing.add(object.get());
    }
}
