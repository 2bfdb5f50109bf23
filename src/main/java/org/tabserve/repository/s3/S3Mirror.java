package org.tabserve.repository.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.tabserve.repository.ModelStore;
import org.tabserve.repository.SkippedEntry;

/**
 * Mirrors the models under an {@code s3://} location (or one model object, {@link OneObject}) into a
 * {@link CacheFolder}, which the repository scans as its directory. Each refresh lists the location (a page of keys at a time: an unchanged model costs no request of its
 * own, its listed ETag being the one recorded) and downloads what is new or changed, at most
 * {@link #downloads} at once: bounded by the listed size before a byte is read, written under a hidden name, its
 * SHA-256 checked against a {@code .sha256} object beside it when there is one, then renamed into place; what went
 * from the store goes from the cache ({@link CheckedDownload}). A download that fails, a wrong digest or an object too
 * large leaves the last good file in place and is told ({@link #problems()}) until the object or its digest changes.
 * A download past the cache's limit first evicts the files of versions that do not serve, least recently served first
 * ({@link CacheRoom}), and is refused in words only when those would not make room. When the store does
 * not answer, nothing in the cache changes, and polls back off (one passed over after the second failure in a row,
 * then 3, 7, at most 15).
 */
public final class S3Mirror implements ModelStore {

    /** The most model files a location may hold; past it the rest are not read, and that is told. */
    static final int MAX_OBJECTS = 100_000;
    /** The most problems kept to show; the log and the count tell the rest. */
    static final int PROBLEMS_KEPT = 100;

    private static final System.Logger LOG = System.getLogger(S3Mirror.class.getName());
    /** The end of the signature of a download refused for the cache's limit. */
    private static final String FULL = "|full";

    private final S3Location location;
    private final S3Objects objects;
    private final CacheFolder cache;
    private final ExecutorService downloads;
    private final long maxCacheBytes;
    private final CacheRoom room;
    private final CheckedDownload checked;
    /** The one object mirrored, when the location names one ({@code --model s3://BUCKET/KEY.onnx}); else a prefix. */
    private final Optional<OneObject> one;

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

    /**
     * @param maxCacheBytes the most the cache's files may hold together; a download past it is refused in words
     * @param one           the one object mirrored, in {@code location}; empty to mirror the prefix's models
     */
    S3Mirror(
            S3Location location,
            S3Objects objects,
            CacheFolder cache,
            int downloads,
            long maxCacheBytes,
            Optional<OneObject> one) {
        this.maxCacheBytes = maxCacheBytes;
        this.one = one;
        this.location = location;
        this.objects = objects;
        this.cache = cache;
        this.room = new CacheRoom(cache.root());
        this.checked = new CheckedDownload(objects, cache);
        AtomicInteger count = new AtomicInteger();
        this.downloads = Executors.newFixedThreadPool(downloads, task -> {
            Thread thread = new Thread(task, "tabserve-store-download-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        cache.removeLeftovers();
        this.manifest = new TreeMap<>(cache.readManifest());
        cache.dropChanged(manifest); // the cache from a previous run serves only where it is what was recorded
        saveManifest();
    }

    /**
     * Opens the store at {@code location}, mirrored into {@code cacheRoot}: a prefix's models
     * ({@code s3://BUCKET/PREFIX}), or one model object ({@code s3://BUCKET/KEY.onnx}, {@link OneObject}).
     *
     * @param endpoint  another S3 server than AWS's ({@code --s3-endpoint}), addressed path-style; empty for AWS
     * @param downloads     how many objects download at once
     * @param maxCacheBytes the most the cache's files may hold together ({@code tabserve.model-cache-bytes})
     * @throws IllegalArgumentException in words, for a location or endpoint that cannot be used, or a cache folder
     *         anyone but this user could write
     */
    public static S3Mirror open(
            String location, Optional<String> endpoint, Path cacheRoot, int downloads, long maxCacheBytes) {
        Optional<OneObject> one = OneObject.names(location) ? Optional.of(OneObject.parse(location)) : Optional.empty();
        S3Location parsed = one.map(OneObject::folder).orElseGet(() -> S3Location.parse(location));
        Optional<URI> uri =
                endpoint.map(String::strip).filter(e -> !e.isEmpty()).map(S3Objects::endpoint);
        CacheFolder cache = CacheFolder.open(cacheRoot);
        return new S3Mirror(parsed, S3Objects.open(parsed, uri), cache, downloads, maxCacheBytes, one);
    }

    @Override
    public void serving(Serving serving) {
        room.serving(serving);
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
            if (one.isPresent()) {
                one.get()
                        .look(
                                objects,
                                listing,
                                Optional.ofNullable(manifest.get(one.get().file())),
                                force);
            } else {
                objects.list(name.orElse(""), listing::add);
            }
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
        removeGone(listing);
        saveManifest();
        List<SkippedEntry> now = new ArrayList<>(listing.refused);
        failed.values().stream().map(Failure::entry).forEach(now::add);
        problems = now.stream().limit(PROBLEMS_KEPT).toList();
    }

    /** Downloads what the listing has that the cache does not, at most {@link #downloads} at once. */
    private void bring(StoreListing listing, boolean force) {
        Map<String, Future<Failure>> work = new TreeMap<>();
        Optional<Set<String>> served = room.noteServed();
        long[] planned = {
            manifest.values().stream().mapToLong(CacheFolder.Entry::size).sum()
        };
        listing.files.forEach((path, object) -> {
            Optional<S3Objects.Listed> digest = Optional.ofNullable(listing.digests.get(path));
            String signature = signature(listing, path);
            CacheFolder.Entry have = manifest.get(path);
            boolean current = have != null
                    && signature.equals(have.etag() + "|" + have.digestEtag())
                    && java.nio.file.Files.isRegularFile(cache.file(path));
            Failure failure = failed.get(path);
            if (!force && (current || (failure != null && failure.signature().startsWith(signature)))) {
                return;
            }
            long grows = Math.max(0, object.size() - (have == null ? 0 : have.size()));
            if (planned[0] + grows > maxCacheBytes
                    && !makeRoom(listing, served, work.keySet(), path, planned, planned[0] + grows - maxCacheBytes)) {
                // Told once until the object changes or room is made (removeGone forgets these), the old file serving;
                // tried again at once when it was refused only because what serves was not known yet (at start).
                failed.put(
                        path,
                        new Failure(
                                served.isPresent() ? signature + FULL : "",
                                StoreListing.problem(
                                        location,
                                        path,
                                        "the model cache would hold more than its"
                                                + " limit of " + maxCacheBytes
                                                + " bytes (tabserve.model-cache-bytes) with its " + object.size()
                                                + " bytes; the cache's last good copy, if any, serves")));
                LOG.log(System.Logger.Level.WARNING, "Model store: {0}{1}: the model cache is full", location, path);
                return;
            }
            planned[0] += grows;
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
                failure = new Failure(
                        "", StoreListing.problem(location, path, "its download failed (" + e.getCause() + ")"));
            }
            if (failure == null) {
                failed.remove(path);
                room.downloaded(path);
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

    /** @return what a listed file is downloaded at: its ETag and its digest's, which a change of either changes */
    private static String signature(StoreListing listing, String path) {
        S3Objects.Listed digest = listing.digests.get(path);
        return listing.files.get(path).etag() + "|" + (digest == null ? "" : digest.etag());
    }

    /**
     * Evicts the cached files of versions that do not serve, least recently served first ({@link CacheRoom}), so that
     * {@code needed} more bytes fit for {@code path}; each is told, and downloaded again once room is made.
     *
     * @return whether room was made; when it cannot be, nothing is evicted
     */
    private boolean makeRoom(
            StoreListing listing,
            Optional<Set<String>> served,
            Set<String> downloading,
            String path,
            long[] planned,
            long needed) {
        Set<String> busy = new HashSet<>(downloading);
        busy.add(path);
        Optional<List<String>> evict;
        synchronized (manifest) {
            evict = room.toEvict(manifest, served, busy, needed);
        }
        if (evict.isEmpty()) {
            return false;
        }
        for (String gone : evict.get()) {
            try {
                cache.remove(gone);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Model cache: cannot evict " + gone, e);
                return false;
            }
            synchronized (manifest) {
                planned[0] -= manifest.remove(gone).size();
            }
            room.forget(gone);
            if (listing.files.containsKey(gone)) {
                failed.put(
                        gone,
                        new Failure(
                                signature(listing, gone) + FULL,
                                StoreListing.problem(
                                        location,
                                        gone,
                                        "it was evicted from the model cache (tabserve.model-cache-bytes) to make"
                                                + " room for " + path + ", being the least recently served of the"
                                                + " versions that do not serve; it is downloaded again once room"
                                                + " is made")));
            }
            LOG.log(System.Logger.Level.INFO, "Model cache: {0} evicted for {1} (it does not serve)", gone, path);
        }
        return true;
    }

    /** @return null when {@code path} is in place and recorded, else why not */
    private Failure download(
            String path, S3Objects.Listed object, Optional<S3Objects.Listed> digest, String signature) {
        CacheFolder.Entry entry;
        try {
            entry = checked.bring(path, object, digest);
        } catch (CheckedDownload.Refused e) {
            return new Failure(e.lasting ? signature : "", StoreListing.problem(location, path, e.getMessage()));
        }
        synchronized (manifest) {
            manifest.put(path, entry);
        }
        LOG.log(
                System.Logger.Level.INFO,
                "Model store: {0}{1} downloaded ({2} bytes, sha256 {3})",
                location,
                path,
                entry.size(),
                entry.sha256().substring(0, 12));
        return null;
    }

    /** Removes the cached files of the models listed (all, or a forced reload's one) that went from the store. */
    private void removeGone(StoreListing listing) {
        if (listing.partial) {
            return; // a listing cut short, or one object not found, says nothing of what went
        }
        new ArrayList<>(manifest.keySet())
                .stream()
                        .filter(listing::covers)
                        .filter(path -> !listing.files.containsKey(path))
                        .forEach(this::removeCached);
    }

    private void removeCached(String path) {
        try {
            cache.remove(path);
            manifest.remove(path);
            room.forget(path);
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
                one.map(OneObject::toString).orElse(location.toString()),
                unreachable.isEmpty(),
                unreachable,
                models,
                objects.requests(),
                objects.failures(),
                objects.bytes(),
                backoffs,
                one.isPresent());
    }

    @Override
    public void close() {
        downloads.shutdownNow();
        objects.close();
    }
}
