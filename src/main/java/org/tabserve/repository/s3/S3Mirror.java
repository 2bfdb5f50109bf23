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
import java.util.concurrent.ConcurrentSkipListMap;
import org.tabserve.repository.ModelStore;
import org.tabserve.repository.SkippedEntry;

/**
 * Mirrors the models under an {@code s3://} location (or one model object, {@link OneObject}) into a
 * {@link CacheFolder}, which the repository scans as its directory. Each refresh lists the location (a page of keys at
 * a time: an unchanged model costs no request of its own, its listed ETag being the one recorded) and hands what is new
 * or changed to its downloads ({@link StoreDownloads}), which run beside the polls, each bounded ({@link StoreReads}):
 * a slow object holds up neither the listing, nor the other models, nor the start (which waits only for models the
 * cache has no copy of). Each is bounded by the listed size before a byte is read, written under a hidden name, its
 * SHA-256 checked against a {@code .sha256} object beside it ({@link CheckedDownload}, the one gate), then renamed
 * into place; what went from the store goes from the cache, its folders too. A model file without a {@code .sha256}
 * waits for one while other files of its model publish theirs; an MLflow model folder's files are each one such file,
 * its {@code MLmodel} put in place last, once the others are. A download that fails or is abandoned, a wrong digest or
 * an object too large leaves the last good file in place and is told ({@link #problems()}) until the object or its
 * digest changes. A download past the cache's limit first evicts the files of versions that do not serve, least
 * recently served first ({@link CacheRoom}), and is refused in words only when those would not make room. When the
 * store does not answer, nothing in the cache changes, and polls back off (one passed over after the second failure
 * in a row, then 3, 7, at most 15).
 */
public final class S3Mirror implements ModelStore {

    private static final System.Logger LOG = System.getLogger(S3Mirror.class.getName());
    /** The end of the signature of a download refused for the cache's limit. */
    private static final String FULL = "|full";

    private final S3Location location;
    private final S3Objects objects;
    private final CacheFolder cache;
    private final StoreDownloads<MirrorFailure> downloads;
    private final long maxCacheBytes;
    private final CacheRoom room;
    private final CheckedDownload checked;
    private final DownloadRecorder recorder;
    /** The one object mirrored, when the location names one ({@code --model s3://BUCKET/KEY.onnx}); else a prefix. */
    private final Optional<OneObject> one;

    // Guarded by the one refresh that runs at a time (the repository's store lock).
    private final Map<String, CacheFolder.Entry> manifest;
    /** Paths whose last download failed, with the signature it was tried at (ETag and digest's ETag) and why. */
    private final Map<String, MirrorFailure> failed = new HashMap<>();

    private int failuresInARow;
    private int pollsToPass;
    /** Whether no refresh has listed the store yet: the start's, which waits for the models the cache lacks. */
    private boolean starting = true;

    private volatile List<SkippedEntry> problems = List.of();
    /** The objects whose last download was abandoned as too slow, as {@code s3://} names. */
    private volatile List<String> slow = List.of();
    /** The last listing's keys refused. */
    private List<SkippedEntry> refused = List.of();

    private volatile Optional<String> unreachable = Optional.empty();
    private volatile long backoffs;

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
        this.downloads = new StoreDownloads<>(downloads);
        cache.removeLeftovers();
        this.manifest = new ConcurrentSkipListMap<>(cache.readManifest()); // downloads record into it on their threads
        cache.dropChanged(manifest); // the cache from a previous run serves only where it is what was recorded
        cache.dropUnrecorded(manifest.keySet()); // and a model file the manifest does not vouch for never serves
        this.recorder = new DownloadRecorder(LOG, location, checked, cache, manifest);
        recorder.save();
    }

    /**
     * Opens the store at {@code location}, mirrored into {@code cacheRoot}: a prefix's models
     * ({@code s3://BUCKET/PREFIX}), or one model object ({@code s3://BUCKET/KEY.onnx}, {@link OneObject}).
     *
     * @param endpoint  another S3 server than AWS's ({@code --s3-endpoint}), addressed path-style; empty for AWS
     * @param downloads     how many objects download at once
     * @param maxCacheBytes the most the cache's files may hold together ({@code tabserve.model-cache-bytes})
     * @param reads         how long each read from the store may take, and how slowly it may arrive
     * @throws IllegalArgumentException in words, for a location or endpoint that cannot be used, or a cache folder
     *         anyone but this user could write
     */
    public static S3Mirror open(
            String location,
            Optional<String> endpoint,
            Path cacheRoot,
            int downloads,
            long maxCacheBytes,
            StoreReads reads) {
        Optional<OneObject> one = OneObject.names(location) ? Optional.of(OneObject.parse(location)) : Optional.empty();
        S3Location parsed = one.map(OneObject::folder).orElseGet(() -> S3Location.parse(location));
        Optional<URI> uri =
                endpoint.map(String::strip).filter(e -> !e.isEmpty()).map(S3Objects::endpoint);
        CacheFolder cache = CacheFolder.open(cacheRoot);
        return new S3Mirror(parsed, S3Objects.open(parsed, uri, reads), cache, downloads, maxCacheBytes, one);
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
            take(List.of());
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
            listing.settle();
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
            take(List.of());
            starting = false;
            return;
        }
        if (unreachable.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "Model store {0} answers again", location);
        }
        failuresInARow = 0;
        unreachable = Optional.empty();
        take(List.of());
        take(bring(listing, force, path -> !ObjectKeys.isMlmodel(path)));
        // An MLflow model folder's MLmodel last, once the folder's other files are in place (at start and in a forced
        // reload, those just awaited): the repository's scan never sees the folder as a model without its files.
        take(bring(listing, force, ObjectKeys::isMlmodel));
        failed.keySet().removeIf(path -> !listing.files.containsKey(path) && listing.covers(path));
        starting = false;
        removeGone(listing);
        if (!listing.partial) {
            cache.removeEmptyFolders(downloads::writesIn);
        }
        recorder.save();
        refused = List.copyOf(listing.refused);
        tell();
    }

    /**
     * Takes up what the downloads that ended came to, first waiting for those of {@code waitFor} (each bounded by its
     * own read): a download's failure is told until its object or digest changes.
     */
    private void take(List<String> waitFor) {
        try {
            downloads.harvest(waitFor, (path, outcome) -> {
                MirrorFailure failure = outcome.thrown() == null
                        ? outcome.value()
                        : new MirrorFailure(
                                "",
                                StoreListing.problem(
                                        location,
                                        path,
                                        "its download failed ("
                                                + outcome.thrown().getClass().getSimpleName() + ")"));
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tell();
    }

    /** Tells the last listing's refusals, then each path's last failure. */
    private void tell() {
        List<SkippedEntry> now = new ArrayList<>(refused);
        failed.values().stream().map(MirrorFailure::entry).forEach(now::add);
        problems = now.stream().limit(StoreListing.PROBLEMS_KEPT).toList();
        slow = failed.values().stream()
                .filter(MirrorFailure::abandoned)
                .map(f -> f.entry().path())
                .limit(StoreListing.PROBLEMS_KEPT)
                .toList();
    }

    /**
     * Hands what the listing has that the cache does not to the downloads, new models first.
     *
     * @return the paths a refresh waits for: at start those the cache holds no copy of (a cached copy serves while
     *         its store is slow), and in a forced reload all it downloads again
     */
    private List<String> bring(StoreListing listing, boolean force, java.util.function.Predicate<String> which) {
        // which: the paths of this pass (an MLflow model folder's MLmodel comes in a pass after the other files)
        List<String> awaited = new ArrayList<>();
        Optional<Set<String>> served = room.noteServed();
        long[] planned = {
            manifest.values().stream().mapToLong(CacheFolder.Entry::size).sum() + downloads.growing()
        };
        List<String> order =
                new ArrayList<>(listing.files.keySet().stream().filter(which).toList());
        order.sort(java.util.Comparator.comparing(path -> failed.containsKey(path))); // never tried before, first
        for (String path : order) {
            S3Objects.Listed object = listing.files.get(path);
            Optional<S3Objects.Listed> digest = Optional.ofNullable(listing.digests.get(path));
            String signature = listing.signature(path);
            CacheFolder.Entry have = manifest.get(path);
            boolean current = cache.holds(path, have, signature);
            MirrorFailure failure = failed.get(path);
            if (downloads.busy(path)
                    || (!force
                            && (current
                                    || (failure != null
                                            && (failure.signature().equals(signature)
                                                    || failure.signature().equals(signature + FULL)))))) {
                continue;
            }
            Optional<String> waits = listing.waits(
                    path,
                    have != null && have.checked(),
                    p -> !downloads.busy(p) && cache.holds(p, manifest.get(p), listing.signature(p)));
            if (waits.isPresent()) { // told until its digest is published; an MLmodel looked at again each refresh
                failed.put(
                        path,
                        new MirrorFailure(
                                ObjectKeys.isMlmodel(path) ? "" : signature,
                                StoreListing.problem(location, path, waits.get())));
                continue;
            }
            long grows = Math.max(0, object.size() - (have == null ? 0 : have.size()));
            if (planned[0] + grows > maxCacheBytes
                    && !makeRoom(listing, served, path, planned, planned[0] + grows - maxCacheBytes)) {
                // Told once until the object changes or room is made (removeGone forgets these), the old file serving;
                // tried again at once when it was refused only because what serves was not known yet (at start).
                failed.put(
                        path,
                        new MirrorFailure(
                                served.isPresent() ? signature + FULL : "",
                                StoreListing.problem(location, path, StoreListing.full(maxCacheBytes, object.size()))));
                LOG.log(System.Logger.Level.WARNING, "Model store: {0}{1}: the model cache is full", location, path);
                continue;
            }
            planned[0] += grows;
            Optional<CacheFolder.Entry> had = Optional.ofNullable(have);
            downloads.submit(path, grows, () -> recorder.download(path, object, digest, had, force, signature));
            if (force || (starting && (have == null || (!have.checked() && digest.isPresent())))) {
                awaited.add(path);
            }
        }
        return awaited;
    }

    /**
     * Evicts the cached files of versions that do not serve, least recently served first ({@link CacheRoom}), so that
     * {@code needed} more bytes fit for {@code path}; each is told, and downloaded again once room is made.
     *
     * @return whether room was made; when it cannot be, nothing is evicted
     */
    private boolean makeRoom(
            StoreListing listing, Optional<Set<String>> served, String path, long[] planned, long needed) {
        Set<String> busy = new HashSet<>(downloads.paths());
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
                        new MirrorFailure(
                                listing.signature(gone) + FULL,
                                StoreListing.problem(location, gone, StoreListing.evicted(path))));
            }
            LOG.log(System.Logger.Level.INFO, "Model cache: {0} evicted for {1} (it does not serve)", gone, path);
        }
        return true;
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

    @Override
    public List<SkippedEntry> problems() {
        return problems;
    }

    @Override
    public State state() {
        int models;
        synchronized (manifest) {
            models = ObjectKeys.models(manifest.keySet());
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
                one.isPresent(),
                objects.abandoned(),
                slow);
    }

    @Override
    public void close() {
        downloads.close();
        objects.close();
    }
}
