package org.tabserve.repository.s3;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.tabserve.repository.SkippedEntry;

/**
 * One refresh's listing: the repository's files and their digests by cache path, and the keys refused. A version
 * folder's files that serve only as an MLflow model's ({@link ObjectKeys.Reading#folderFile()}) are held by folder
 * until the listing is {@linkplain #settle() settled}: a folder holding an {@code MLmodel} is taken whole when it is
 * within {@link #MAX_FOLDER_FILES} files and {@link #MAX_FOLDER_BYTES} bytes, and refused in words past them; the
 * other folders' are passed over, as a local scan passes over what it does not serve.
 */
final class StoreListing {
    /** The most model files a location may hold; past it the rest are not read, and that is told. */
    static final int MAX_OBJECTS = 100_000;
    /**
     * The most files an MLflow model's folder may hold, its {@code .sha256} files not counted (MLflow writes about
     * eight: MLmodel, the model's file, its environments, an input example); past it the folder is refused.
     */
    static final int MAX_FOLDER_FILES = 64;
    /** The most bytes an MLflow model's folder may hold, its files together: the most a model file may be. */
    static final long MAX_FOLDER_BYTES = CheckedDownload.MAX_FILE_BYTES;
    /** The most problems kept to show; the log and the count tell the rest. */
    static final int PROBLEMS_KEPT = 100;

    final Optional<String> name;
    final NavigableMap<String, S3Objects.Listed> files = new TreeMap<>();
    final Map<String, S3Objects.Listed> digests = new HashMap<>();
    final List<SkippedEntry> refused = new ArrayList<>();
    int refusedCount;
    /** The version folders' files held until {@link #settle()}, by folder ({@code notes/1/}). */
    private final Map<String, Folder> folders = new TreeMap<>();
    /** How many files and digests {@link #folders} holds, bounded with the rest by {@link #MAX_OBJECTS}. */
    private int held;
    /** The models that publish a {@code .sha256} for some file, once {@link #waits} has asked. */
    private java.util.Set<String> digested;
    /** Whether it says nothing of what went from the store: cut short, or its one object not found. */
    boolean partial;

    private final S3Location location;

    StoreListing(S3Location location, Optional<String> name) {
        this.location = location;
        this.name = name;
    }

    /** A file the store has that the cache could not take, with why. */
    static SkippedEntry problem(S3Location location, String path, String reason) {
        return new SkippedEntry(
                location + path,
                reason,
                "fix the object in the store; the cache's last good copy" + " serves until then");
    }

    void add(S3Objects.Listed object) {
        if (!object.key().startsWith(location.prefix())) {
            return;
        }
        ObjectKeys.Reading reading =
                ObjectKeys.read(object.key().substring(location.prefix().length()));
        if (reading.refusal().isPresent()) {
            if (refused.size() < PROBLEMS_KEPT) {
                refused.add(new SkippedEntry(
                        S3Location.shown(location
                                + object.key().substring(location.prefix().length())),
                        "refused: " + reading.refusal().get(),
                        "rename the object: its key is a path in the cache, so it must stay under the prefix"));
            }
            refusedCount++;
            return;
        }
        if (reading.path().isEmpty() || !covers(reading.path().get())) {
            return;
        }
        String path = reading.path().get();
        if (files.size() + digests.size() + held >= 2 * MAX_OBJECTS) {
            if (!partial) {
                refused.add(problem(
                        location,
                        path,
                        "more than " + MAX_OBJECTS + " model files under the prefix; the rest are not read"));
            }
            partial = true;
            return;
        }
        if (reading.folderFile()) {
            hold(path, object);
        } else if (ObjectKeys.isDigest(path)) {
            digests.put(path.substring(0, path.length() - ObjectKeys.DIGEST_SUFFIX.length()), object);
        } else {
            files.put(path, object);
        }
    }

    /** A version folder's files that serve only as an MLflow model's, each kept up to one past the bound. */
    private static final class Folder {
        final NavigableMap<String, S3Objects.Listed> files = new TreeMap<>();
        final Map<String, S3Objects.Listed> digests = new HashMap<>();
        int count;
        long bytes;
        boolean mlmodel;
    }

    private void hold(String path, S3Objects.Listed object) {
        Folder folder = folders.computeIfAbsent(ObjectKeys.versionFolder(path).orElseThrow(), f -> new Folder());
        if (ObjectKeys.isDigest(path)) {
            if (folder.digests.size() <= MAX_FOLDER_FILES) {
                folder.digests.put(path.substring(0, path.length() - ObjectKeys.DIGEST_SUFFIX.length()), object);
                held++;
            }
            return;
        }
        folder.count++;
        folder.bytes += Math.max(0, object.size());
        folder.mlmodel |= ObjectKeys.isMlmodel(path);
        if (folder.files.size() <= MAX_FOLDER_FILES) {
            folder.files.put(path, object);
            held++;
        }
    }

    /**
     * Ends the listing: takes the files of each version folder that holds an {@code MLmodel} (with their digests) when
     * the folder, its model files beside them counted, is within {@link #MAX_FOLDER_FILES} files and
     * {@link #MAX_FOLDER_BYTES} bytes; refuses one past them in words, none of its files taken (so that none serves);
     * passes over the other folders' files.
     */
    void settle() {
        for (Map.Entry<String, Folder> entry : folders.entrySet()) {
            Folder folder = entry.getValue();
            if (!folder.mlmodel) {
                continue;
            }
            String prefix = entry.getKey();
            List<String> beside = List.copyOf(
                    files.subMap(prefix, prefix + Character.MAX_VALUE).keySet());
            int count = folder.count + beside.size();
            long bytes = folder.bytes
                    + beside.stream()
                            .mapToLong(p -> Math.max(0, files.get(p).size()))
                            .sum();
            if (count > MAX_FOLDER_FILES || bytes > MAX_FOLDER_BYTES) {
                beside.forEach(p -> {
                    files.remove(p);
                    digests.remove(p);
                });
                if (refused.size() < PROBLEMS_KEPT) {
                    refused.add(
                            new SkippedEntry(
                                    S3Location.shown(location + prefix),
                                    "refused: the MLflow model folder holds "
                                            + (count > MAX_FOLDER_FILES
                                                    ? count + " files, more than the " + MAX_FOLDER_FILES + " it may"
                                                    : bytes + " bytes, more than the " + MAX_FOLDER_BYTES + " it may")
                                            + "; none of its files is downloaded, and its version does not serve",
                                    "keep only the MLmodel, the model's file and MLflow's few files beside them in the folder"));
                }
                refusedCount++;
                continue;
            }
            files.putAll(folder.files);
            digests.putAll(folder.digests);
        }
        folders.clear();
        held = 0;
    }
    /**
     * Why a listed file waits rather than downloads: its {@code .sha256}, when other files of its model publish theirs
     * and its cached copy (if any) matched none; or, an MLflow model folder's {@code MLmodel}, the folder's other
     * files, so that the repository's scan never sees the folder as a model without them.
     *
     * @param checked whether the cache's copy of it matched a published digest
     * @param inPlace whether a path is in the cache as listed (not downloading, failed or yet to be tried)
     * @return why, in words; empty when it may download
     */
    Optional<String> waits(String path, boolean checked, java.util.function.Predicate<String> inPlace) {
        if (digested == null) {
            digested = new java.util.HashSet<>();
            digests.keySet().forEach(p -> digested.add(modelOf(p)));
        }
        if (!digests.containsKey(path)
                && ObjectKeys.isModelFile(path)
                && digested.contains(modelOf(path))
                && !checked) {
            return Optional.of(waiting(path));
        }
        Optional<String> cardFolder = ObjectKeys.versionFolder(path)
                .filter(f -> ObjectKeys.NATIVE_FILES.contains(path.substring(f.length())));
        if (cardFolder.isPresent()) {
            // A model in its library's own file serves with the card beside it, never before it is there.
            String card = cardFolder.get() + ObjectKeys.NATIVE_CARD;
            return files.containsKey(card) && !inPlace.test(card)
                    ? Optional.of("it waits for its card, " + ObjectKeys.NATIVE_CARD + ", to be in the cache, so that"
                            + " it serves with it")
                    : Optional.empty();
        }
        if (!ObjectKeys.isMlmodel(path)) {
            return Optional.empty();
        }
        String folder = ObjectKeys.versionFolder(path).orElseThrow();
        return files.subMap(folder, folder + Character.MAX_VALUE).keySet().stream()
                .filter(p -> !p.equals(path) && !inPlace.test(p))
                .findFirst()
                .map(p -> "it waits for " + p.substring(folder.length()) + " of its MLflow model folder to be in"
                        + " the cache, so that the folder serves only whole");
    }

    /** Whether {@code path} is one of the models this listing is for. */
    boolean covers(String path) {
        return name.map(n -> path.equals(n + ".onnx")
                        || path.equals(n + ".onnx" + ObjectKeys.DIGEST_SUFFIX)
                        || path.startsWith(n + "/"))
                .orElse(true);
    }

    /** @return the model a cache path is of: {@code banknote} for {@code banknote/2/model.onnx} and {@code banknote.onnx} */
    static String modelOf(String path) {
        int slash = path.indexOf('/');
        return slash >= 0 ? path.substring(0, slash) : path.substring(0, path.length() - ".onnx".length());
    }

    static String waiting(String path) {
        return "it waits for its " + ObjectKeys.DIGEST_SUFFIX + ": other files of model " + modelOf(path)
                + " publish one, so it serves only once its own is published and matches its bytes";
    }

    /** @return what a listed file is downloaded at: its ETag and its digest's, which a change of either changes */
    String signature(String path) {
        S3Objects.Listed digest = digests.get(path);
        return files.get(path).etag() + "|" + (digest == null ? "" : digest.etag());
    }

    /** Why a download is refused for the cache's limit. */
    static String full(long maxCacheBytes, long size) {
        return "the model cache would hold more than its limit of " + maxCacheBytes
                + " bytes (tabserve.model-cache-bytes) with its " + size
                + " bytes; the cache's last good copy, if any, serves";
    }

    /** Why a cached file was evicted for {@code path}. */
    static String evicted(String path) {
        return "it was evicted from the model cache (tabserve.model-cache-bytes) to make room for " + path
                + ", being the least recently served of the versions that do not serve; it is downloaded again once"
                + " room is made";
    }
}
