package org.tabserve.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import org.tabserve.repository.ModelStore;
import org.tabserve.repository.s3.S3Location;
import org.tabserve.repository.s3.S3Mirror;
import org.tabserve.repository.s3.StoreReads;

/**
 * Opens the store a {@code --models s3://BUCKET/PREFIX} location names (or {@code --model s3://BUCKET/KEY.onnx}'s one
 * object, which the launcher passes as that location), with its settings: the endpoint
 * ({@value #S3_ENDPOINT}, else {@code AWS_ENDPOINT_URL}), the cache folder ({@value #MODEL_CACHE}) and how many
 * objects download at once ({@value #STORE_DOWNLOADS}), and how long its reads may take ({@link StoreReads}). Named only where a location is a store's, so that the store's
 * client (the AWS SDK) loads only then.
 */
final class ModelStores {

    /** Setting (env {@code TABSERVE_S3_ENDPOINT}): another S3 server than AWS's, addressed path-style. */
    static final String S3_ENDPOINT = "tabserve.s3-endpoint";
    /** The AWS SDKs' own variable for another endpoint, read when {@link #S3_ENDPOINT} is not set. */
    static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
    /** Setting (env {@code TABSERVE_MODEL_CACHE}): the folder a store's models are kept in, owner-only. */
    static final String MODEL_CACHE = "tabserve.model-cache";
    /** Setting: how many objects download at once (default {@value #DEFAULT_DOWNLOADS}). */
    static final String STORE_DOWNLOADS = "tabserve.store-downloads";

    /** Setting (env {@code TABSERVE_MODEL_CACHE_BYTES}): the most the cache's files hold together. */
    static final String MODEL_CACHE_BYTES = "tabserve.model-cache-bytes";
    /** Default of {@link #MODEL_CACHE_BYTES}: 64 GiB. */
    static final long DEFAULT_CACHE_BYTES = 64L << 30;

    static final int DEFAULT_DOWNLOADS = 4;
    static final int MAX_DOWNLOADS = 64;

    private ModelStores() {}

    /** @return whether {@code location} is a store's ({@code s3://}) rather than a local folder */
    static boolean isStore(String location) {
        return S3Location.isS3(location);
    }

    /**
     * @throws IllegalArgumentException in words naming the setting, for a location, endpoint, cache folder or count
     *         that cannot be used
     */
    static ModelStore open(String location, Function<String, Optional<String>> lookup) {
        Optional<String> endpoint = lookup.apply(S3_ENDPOINT).or(() -> lookup.apply(AWS_ENDPOINT_URL));
        Path cache = lookup.apply(MODEL_CACHE)
                .map(String::strip)
                .filter(c -> !c.isEmpty())
                .map(Path::of)
                .orElseGet(() -> defaultCache(location, endpoint));
        int downloads = lookup.apply(STORE_DOWNLOADS)
                .map(text -> {
                    try {
                        int n = Integer.parseInt(text.strip());
                        if (n >= 1 && n <= MAX_DOWNLOADS) {
                            return n;
                        }
                    } catch (NumberFormatException ignored) {
                        // said below
                    }
                    throw new IllegalArgumentException("setting " + STORE_DOWNLOADS + " must be a whole number from 1"
                            + " to " + MAX_DOWNLOADS + ", got '" + text + "'");
                })
                .orElse(DEFAULT_DOWNLOADS);
        long cacheBytes = lookup.apply(MODEL_CACHE_BYTES)
                .map(text -> {
                    try {
                        long n = Long.parseLong(text.strip());
                        if (n >= 1) {
                            return n;
                        }
                    } catch (NumberFormatException ignored) {
                        // said below
                    }
                    throw new IllegalArgumentException("setting " + MODEL_CACHE_BYTES
                            + " must be a positive whole number of bytes, got '" + text + "'");
                })
                .orElse(DEFAULT_CACHE_BYTES);
        StoreReads reads = new StoreReads(
                seconds(lookup, StoreReads.READ_DEADLINE, StoreReads.DEFAULTS.readDeadline()),
                seconds(lookup, StoreReads.DOWNLOAD_DEADLINE, StoreReads.DEFAULTS.downloadDeadline()),
                lookup.apply(StoreReads.MIN_READ_RATE)
                        .map(text -> whole(StoreReads.MIN_READ_RATE, text, 0, "bytes a second (0: no rate)"))
                        .orElse(StoreReads.DEFAULTS.minBytesPerSecond()));
        return S3Mirror.open(location, endpoint, cache.toAbsolutePath(), downloads, cacheBytes, reads);
    }

    private static Duration seconds(Function<String, Optional<String>> lookup, String setting, Duration otherwise) {
        return lookup.apply(setting)
                .map(text -> Duration.ofSeconds(whole(setting, text, 1, "seconds")))
                .orElse(otherwise);
    }

    /** @throws IllegalArgumentException naming {@code setting}, when {@code text} is not a whole number from {@code min} */
    private static long whole(String setting, String text, long min, String unit) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw new IllegalArgumentException("setting " + setting + " must be a whole number of " + unit + ", at least "
                + min + ", got '" + text + "'");
    }

    /** The user's cache, a folder per location and endpoint: {@code ~/.cache/tabserve/models/<digest>}. */
    private static Path defaultCache(String location, Optional<String> endpoint) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((location.strip() + "\n" + endpoint.orElse("")).getBytes(StandardCharsets.UTF_8));
            return Path.of(System.getProperty("user.home"), ".cache", "tabserve", "models")
                    .resolve(HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
