package org.tabserve.repository.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.tabserve.repository.ModelStore;
import org.tabserve.repository.SkippedEntry;

/**
 * Mirrors the models under an {@code s3://} location into a {@link CacheFolder}, which the repository scans as its
 * directory. Each refresh lists the location (a page of keys at a time: an unchanged model costs no request of its
 * own, its listed ETag being the one recorded) and downloads what is new or changed, at most
 * {@link #downloads} at once: bounded by the listed size before a byte is read, written under a hidden name, its
 * SHA-256 checked against a {@code .sha256} object beside it when there is one, then renamed into place; what went
 * from the store goes from the cache. A download that fails, a wrong digest or an object too large leaves the last
 * good file in place and is told ({@link #problems()}) until the object or its digest changes. When the store does
 * not answer, nothing in the cache changes, and polls back off (one passed over after the second failure in a row,
 * then 3, 7, at most 15).
 */
public final class S3Mirror implements ModelStore {

    /** The most model files a location may hold; past it the rest are not read, and that is told. */
    static final int MAX_OBJECTS = 100_000;
    /** The largest model file downloaded: the largest a local model file may be (a Java array's length). */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE;
    /** The most problems kept to show; the log and the count tell the rest. */
    static final int PROBLEMS_KEPT = 100;

    private static final System.Logger LOG = System.getLogger(S3Mirror.class.getName());
    /** The end of the signature of a download refused for the cache's limit. */
    private static final String FULL = "|full";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final S3Location location;
    private final S3Objects objects;
    private final CacheFolder cache;
    private final ExecutorService downloads;
    private final long maxCacheBytes;

    // Guarded by the one refresh that runs at a time (the repository's store lock).
    private final Map<String, CacheFolder.Entry> manifest;
    /** Paths whose last download failed, with the signature it was tried at (ETag and digest's ETag) and why. */
    private final Map<String, Failure> failed = new HashMap<>();

    private int failuresInARow;
    private int pollsToPass;

    private volatile List<SkippedEntry> problems = List.of();
    private volatile Optional<String> unreachable = Optional.empty();
    private volatile long backoffs;

    private record Failure(String signature, SkippedEntry entry) {}

    S3Mirror(S3Location location, S3Objects objects, CacheFolder cache, int downloads) {
        this(location, objects, cache, downloads, Long.MAX_VALUE);
    }

    /** @param maxCacheBytes the most the cache's files may hold together; a download past it is refused in words */
    S3Mirror(S3Location location, S3Objects objects, CacheFolder cache, int downloads, long maxCacheBytes) {
        this.maxCacheBytes = maxCacheBytes;
        this.location = location;
        this.objects = objects;
        this.cache = cache;
        AtomicInteger count = new AtomicInteger();
        this.downloads = Executors.newFixedThreadPool(downloads, task -> {
            Thread thread = new Thread(task, "tabserve-store-download-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        cache.removeLeftovers();
        this.manifest = new TreeMap<>(cache.readManifest());
        checkCached();
    }

    /**
     * Opens the store at {@code location}, mirrored into {@code cacheRoot}.
     *
     * @param endpoint  another S3 server than AWS's ({@code --s3-endpoint}), addressed path-style; empty for AWS
     * @param downloads     how many objects download at once
     * @param maxCacheBytes the most the cache's files may hold together ({@code tabserve.model-cache-bytes})
     * @throws IllegalArgumentException in words, for a location or endpoint that cannot be used, or a cache folder
     *         anyone but this user could write
     */
    public static S3Mirror open(
            String location, Optional<String> endpoint, Path cacheRoot, int downloads, long maxCacheBytes) {
        S3Location parsed = S3Location.parse(location);
        Optional<URI> uri =
                endpoint.map(String::strip).filter(e -> !e.isEmpty()).map(S3Mirror::endpoint);
        CacheFolder cache = CacheFolder.open(cacheRoot);
        return new S3Mirror(parsed, S3Objects.open(parsed, uri), cache, downloads, maxCacheBytes);
    }

    private static URI endpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the S3 endpoint is not a URL: http(s)://HOST[:PORT]", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("the S3 endpoint must be http(s)://HOST[:PORT], without credentials"
                    + " (they come from the environment, a profile or a web identity)");
        }
        return uri;
    }

    /** The cache from a previous run serves only where its files are what the manifest recorded. */
    private void checkCached() {
        List<String> changed = new ArrayList<>();
        manifest.forEach((path, entry) -> {
            if (!cache.digestOf(path).map(entry.sha256()::equals).orElse(false)) {
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
                cache.remove(path);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Model cache: cannot remove " + path, e);
            }
        }
        saveManifest();
    }

    @Override
    public Path cache() {
        return cache.root();
    }

    @Override
    public void refresh(boolean force, Optional<String> name) {
        if (!force && pollsToPass > 0) {
            pollsToPass--;
            backoffs++;
            return;
        }
        StoreListing listing = new StoreListing(location, name);
        try {
            objects.list(name.orElse(""), listing::add);
        } catch (S3Objects.StoreFailure e) {
            failuresInARow++;
            pollsToPass = Math.min((1 << Math.min(failuresInARow - 1, 4)) - 1, 15);
            if (unreachable.isEmpty()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Model store {0}: {1}; the cached models keep serving",
                        location,
                        e.getMessage());
            }
            unreachable = Optional.of(e.getMessage() + "; the cached models keep serving");
            return;
        }
        if (unreachable.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "Model store {0} answers again", location);
        }
        failuresInARow = 0;
        unreachable = Optional.empty();
        bring(listing, force);
        if (name.isEmpty()) {
            removeGone(listing);
        } else {
            // A forced reload of one model: its files gone from the store go from the cache too.
            new ArrayList<>(manifest.keySet())
                    .stream()
                            .filter(listing::covers)
                            .filter(path -> !listing.files.containsKey(path))
                            .forEach(this::removeCached);
        }
        saveManifest();
        List<SkippedEntry> now = new ArrayList<>(listing.refused);
        failed.values().stream().map(Failure::entry).forEach(now::add);
        problems = now.stream().limit(PROBLEMS_KEPT).toList();
    }

    /** Downloads what the listing has that the cache does not, at most {@link #downloads} at once. */
    private void bring(StoreListing listing, boolean force) {
        Map<String, Future<Failure>> work = new TreeMap<>();
        long[] planned = {
            manifest.values().stream().mapToLong(CacheFolder.Entry::size).sum()
        };
        listing.files.forEach((path, object) -> {
            Optional<S3Objects.Listed> digest = Optional.ofNullable(listing.digests.get(path));
            String signature =
                    object.etag() + "|" + digest.map(S3Objects.Listed::etag).orElse("");
            CacheFolder.Entry have = manifest.get(path);
            boolean current = have != null
                    && signature.equals(have.etag() + "|" + have.digestEtag())
                    && java.nio.file.Files.isRegularFile(cache.file(path));
            Failure failure = failed.get(path);
            if (!force && (current || (failure != null && failure.signature().startsWith(signature)))) {
                return;
            }
            long grows = object.size() - (have == null ? 0 : have.size());
            if (planned[0] + Math.max(0, grows) > maxCacheBytes) {
                // Told once until the object changes or room is made (removeGone forgets these), the old file serving.
                failed.put(
                        path,
                        new Failure(
                                signature + FULL,
                                problem(
                                        path,
                                        "the model cache would hold more than its"
                                                + " limit of " + maxCacheBytes
                                                + " bytes (tabserve.model-cache-bytes) with its " + object.size()
                                                + " bytes; the cache's last good copy, if any, serves")));
                LOG.log(System.Logger.Level.WARNING, "Model store: {0}{1}: the model cache is full", location, path);
                return;
            }
            planned[0] += Math.max(0, grows);
            work.put(path, downloads.submit(() -> download(path, object, digest, signature)));
        });
        work.forEach((path, future) -> {
            Failure failure;
            try {
                failure = future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                failure = new Failure("", problem(path, "its download failed (" + e.getCause() + ")"));
            }
            if (failure == null) {
                failed.remove(path);
            } else {
                failed.put(path, failure);
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Model store: {0}: {1}",
                        failure.entry().path(),
                        failure.entry().reason());
            }
        });
        failed.keySet().removeIf(path -> !listing.files.containsKey(path) && listing.covers(path));
    }

    /** @return null when {@code path} is in place and recorded, else why not */
    private Failure download(
            String path, S3Objects.Listed object, Optional<S3Objects.Listed> digest, String signature) {
        if (object.size() > MAX_FILE_BYTES) {
            return new Failure(
                    signature,
                    problem(
                            path,
                            "it is " + object.size() + " bytes, more than the " + MAX_FILE_BYTES
                                    + " a model file may be"));
        }
        Optional<String> expected = Optional.empty();
        if (digest.isPresent()) {
            try {
                String text = objects.text(digest.get()).strip();
                String first = text.isEmpty() ? "" : text.split("\\s+", 2)[0];
                if (!SHA256.matcher(first).matches()) {
                    return new Failure(
                            signature,
                            problem(
                                    path,
                                    "its " + ObjectKeys.DIGEST_SUFFIX + " does not start"
                                            + " with a SHA-256 (64 hex digits), as sha256sum writes it"));
                }
                expected = Optional.of(first.toLowerCase(Locale.ROOT));
            } catch (S3Objects.StoreFailure e) {
                return new Failure(
                        "", problem(path, "its " + ObjectKeys.DIGEST_SUFFIX + " could not be read: " + e.getMessage()));
            }
        }
        CacheFolder.Written written;
        try {
            written = objects.download(object, cache, path);
        } catch (S3Objects.StoreFailure e) {
            return new Failure("", problem(path, "its download failed: " + e.getMessage()));
        } catch (IOException e) {
            return new Failure("", problem(path, "its download failed: " + e.getMessage()));
        }
        try {
            if (expected.isPresent() && !expected.get().equals(written.sha256())) {
                java.nio.file.Files.deleteIfExists(written.temp());
                return new Failure(
                        signature,
                        problem(
                                path,
                                "its SHA-256 is " + written.sha256() + " but its "
                                        + ObjectKeys.DIGEST_SUFFIX + " says " + expected.get()
                                        + "; the last good version keeps serving"));
            }
            cache.install(written, path);
        } catch (IOException e) {
            return new Failure(
                    "",
                    problem(
                            path,
                            "it could not be put in the cache (" + e.getClass().getSimpleName() + ")"));
        }
        synchronized (manifest) {
            manifest.put(
                    path,
                    new CacheFolder.Entry(
                            object.etag(),
                            written.sha256(),
                            written.size(),
                            digest.map(S3Objects.Listed::etag).orElse("")));
        }
        LOG.log(
                System.Logger.Level.INFO,
                "Model store: {0}{1} downloaded ({2} bytes, sha256 {3})",
                location,
                path,
                written.size(),
                written.sha256().substring(0, 12));
        return null;
    }

    private void removeGone(StoreListing listing) {
        if (listing.truncated) {
            return; // a listing cut short says nothing of what went
        }
        new ArrayList<>(manifest.keySet())
                .stream().filter(path -> !listing.files.containsKey(path)).forEach(this::removeCached);
    }

    private void removeCached(String path) {
        try {
            cache.remove(path);
            manifest.remove(path);
            failed.values().removeIf(f -> f.signature().endsWith(FULL)); // room made: those are tried again
            LOG.log(System.Logger.Level.INFO, "Model store: {0}{1} went from the store; removed", location, path);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Model cache: cannot remove " + path, e);
        }
    }

    private void saveManifest() {
        try {
            synchronized (manifest) {
                cache.writeManifest(manifest);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Model cache: cannot write its manifest", e);
        }
    }

    private SkippedEntry problem(String path, String reason) {
        return new SkippedEntry(
                location + path,
                reason,
                "fix the object in the store; the cache's last good copy" + " serves until then");
    }

    @Override
    public List<SkippedEntry> problems() {
        return problems;
    }

    @Override
    public State state() {
        int models;
        synchronized (manifest) {
            models = (int)
                    manifest.keySet().stream().filter(p -> p.endsWith(".onnx")).count();
        }
        return new State(
                location.toString(),
                unreachable.isEmpty(),
                unreachable,
                models,
                objects.requests(),
                objects.failures(),
                objects.bytes(),
                backoffs);
    }

    @Override
    public void close() {
        downloads.shutdownNow();
        objects.close();
    }
}
