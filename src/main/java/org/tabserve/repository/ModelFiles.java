package org.tabserve.repository;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Lists the model files in a repository directory, in the layouts tabserve reads:
 * <ul>
 *   <li>{@code DIR/<name>/<version>/model.onnx}, Triton's layout: numeric versions ({@link ModelVersion});</li>
 *   <li>{@code DIR/<name>/model.onnx}, or a directory holding exactly one {@code .onnx} file (what KServe's model
 *       agent writes for a {@code TrainedModel}): version 1;</li>
 *   <li>{@code DIR/<name>.onnx}: version 1. A directory of the same name wins over it.</li>
 * </ul>
 * Names starting with a dot are skipped silently, so that a file being copied under a hidden name and then renamed
 * into place (the safe way to add a model) is never seen half-written; other entries that look meant as models (a
 * folder, an {@code .onnx} file, a version directory) are skipped with a reason and a fix ({@link SkippedEntry}),
 * loose {@code .onnx} files in a folder that serves none of them (several without a {@code model.onnx}, or beside
 * version directories) among them.
 *
 * <p>It also says where an installed model's file goes ({@link #installTarget}): where the scan serves that name
 * from, so that the next scans and a restart serve the upload, and never outside the directory.
 */
final class ModelFiles {

    /** The file name in a version directory (Triton's default). */
    static final String MODEL_FILE = "model.onnx";

    private static final String SUFFIX = ".onnx";

    /**
     * The files a version directory may hold instead of {@link #MODEL_FILE}, a model in its training library's own
     * file: XGBoost's JSON and UBJSON, LightGBM's text; looked for in this order after {@link #MODEL_FILE}.
     */
    static final List<String> NATIVE_FILES = List.of("model.json", "model.ubj", "model.txt");

    /** The file that makes a version directory an MLflow model directory, served as a whole. */
    static final String MLFLOW_FILE = "MLmodel";

    /**
     * The model a version directory serves: its {@link #MODEL_FILE}, else its first {@link #NATIVE_FILES}, else the
     * directory itself when it is an MLflow model ({@link #MLFLOW_FILE}).
     */
    static Optional<Path> versionModel(Path versionDirectory) {
        if (Files.isRegularFile(versionDirectory.resolve(MODEL_FILE))) {
            return Optional.of(versionDirectory.resolve(MODEL_FILE));
        }
        for (String name : NATIVE_FILES) {
            if (Files.isRegularFile(versionDirectory.resolve(name))) {
                return Optional.of(versionDirectory.resolve(name));
            }
        }
        return Files.isRegularFile(versionDirectory.resolve(MLFLOW_FILE))
                ? Optional.of(versionDirectory)
                : Optional.empty();
    }

    /**
     * One scan's result.
     *
     * @param found   every model version found, by key, in name and version order
     * @param skipped entries that look meant as models but are not used, each with the reason and the fix, by path
     * @param pastCeiling how many of those are model versions past the most a scan lists ({@link #pastCeiling})
     */
    record Scan(SortedMap<ModelKey, FileStamp> found, Map<Path, SkippedEntry> skipped, int pastCeiling) {}

    /**
     * Where an install of a model writes its file.
     *
     * @param key  the version the file will serve as
     * @param file where it goes; its directory may not exist yet (a new version's)
     */
    record Target(ModelKey key, Path file) {}

    /** The highest version a directory name may stand for: {@link ModelVersion} reads at most 18 digits. */
    private static final long MAX_VERSION = 999_999_999_999_999_999L;

    private ModelFiles() {}

    /**
     * Where an installed model named {@code name} goes, by how {@code DIR/<name>} is laid out now: in Triton's layout
     * (it holds a version directory, an empty one too) a new version after the highest version directory there ({@code DIR/<name>/<highest+1>/model.onnx}); in
     * KServe's, the file the scan serves ({@code DIR/<name>/model.onnx}, or the one {@code .onnx} file there); else
     * {@code DIR/<name>.onnx}. The directory itself may be reached through a link; the target may not be, or be
     * under, a link that leads outside it.
     *
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_WRITABLE} when the target is outside
     *         the directory, is not a regular file, or no version is left
     * @throws IOException when the directory cannot be read
     */
    static Target installTarget(Path directory, String name) throws IOException {
        Path modelDirectory = directory.resolve(name);
        Target target;
        if (Files.isDirectory(modelDirectory)) {
            Listing listing = Listing.of(modelDirectory);
            if (!listing.versions().isEmpty()) {
                // Every version directory counts, an empty one too: someone may be filling it, and once it holds a
                // model.onnx it hides a KServe file beside it.
                long highest = listing.versions().lastKey();
                if (highest >= MAX_VERSION) {
                    throw refused("model '" + name + "': " + name + "/ already holds version " + highest
                            + ", the highest a version directory"
                            + " may be named; remove or renumber versions to install another");
                }
                target = new Target(
                        new ModelKey(name, highest + 1),
                        modelDirectory.resolve(Long.toString(highest + 1)).resolve(MODEL_FILE));
            } else {
                // KServe's file, which the scan serves; with none (or several) the install is model.onnx.
                target = new Target(
                        new ModelKey(name, 1), listing.servedFile().orElse(modelDirectory.resolve(MODEL_FILE)));
            }
        } else {
            target = new Target(new ModelKey(name, 1), directory.resolve(name + SUFFIX));
        }
        checkInside(directory, target.file(), name);
        if (Files.exists(target.file()) && !Files.isRegularFile(target.file())) {
            throw refused("model '" + name + "' would be written to " + directory.relativize(target.file())
                    + ", which is not a regular file; remove it to install the model");
        }
        return target;
    }

    /**
     * @throws RepositoryException of kind {@link RepositoryException.Kind#NOT_WRITABLE} when {@code file}, or the
     *         directory it goes in, resolves to a place outside {@code directory} (through a symbolic link)
     */
    private static void checkInside(Path directory, Path file, String name) throws IOException {
        Path root = directory.toRealPath();
        Path existing = file.getParent();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent(); // a new version's directory: what holds it decides
        }
        boolean inside;
        try {
            inside = existing != null
                    && existing.toRealPath().startsWith(root)
                    && (!Files.isSymbolicLink(file) || file.toRealPath().startsWith(root));
        } catch (NoSuchFileException e) {
            inside = false; // a link that leads nowhere: where a write would go cannot be told
        }
        if (!inside) {
            throw refused("model '" + name + "' would be written to " + directory.relativize(file) + ", which is, or is"
                    + " under, a symbolic link leading outside the model directory; an install never writes outside"
                    + " --models: replace the file where the link leads, or remove the link");
        }
    }

    private static RepositoryException refused(String message) {
        return new RepositoryException(RepositoryException.Kind.NOT_WRITABLE, message);
    }

    /**
     * Lists {@code directory}, every model version in it.
     *
     * @throws IOException when the directory itself cannot be read
     */
    static Scan scan(Path directory) throws IOException {
        return scan(directory, Integer.MAX_VALUE);
    }

    /**
     * Lists {@code directory}, at most {@code most} model versions: the first by name and version; each one past them
     * is skipped, saying why ({@link #pastCeiling}), so that a folder of thousands of files costs the index one
     * skipped entry each (of which it keeps {@link ModelRepository#SKIPPED_KEPT}) and a count.
     *
     * @throws IOException when the directory itself cannot be read
     */
    static Scan scan(Path directory, int most) throws IOException {
        Scan all = listAll(directory);
        if (all.found().size() <= most) {
            return all;
        }
        SortedMap<ModelKey, FileStamp> found = new TreeMap<>(all.found());
        Skips skipped = new Skips(directory);
        all.skipped().forEach(skipped.entries()::put);
        String reason = pastCeiling(most, all.found().size());
        List<ModelKey> past =
                new ArrayList<>(all.found().keySet()).subList(most, all.found().size());
        for (ModelKey key : past) {
            skipped.add(found.remove(key).path(), reason, CEILING_FIX);
        }
        return new Scan(found, skipped.entries(), past.size());
    }

    /** What fixes a model version past the most a scan lists. */
    static final String CEILING_FIX = "raise " + RepositoryOptions.MAX_MODEL_FILES + " (TABSERVE_MAX_MODEL_FILES, with"
            + " the heap: each version listed is an entry of /api/models and /models), or move models out of the folder";

    /** @return why a model version past the first {@code most} of {@code found} is not listed */
    static String pastCeiling(int most, int found) {
        return "the folder holds " + found + " model versions and a scan lists at most " + most + " ("
                + RepositoryOptions.MAX_MODEL_FILES + "), the first by name and version; this one is past them";
    }

    private static Scan listAll(Path directory) throws IOException {
        SortedMap<ModelKey, FileStamp> found = new TreeMap<>();
        Skips skipped = new Skips(directory);
        List<Path> plainFiles = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String fileName = entry.getFileName().toString();
                if (fileName.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    if (ModelKey.isName(fileName)) {
                        scanModelDirectory(entry, fileName, found, skipped);
                    } else {
                        skipped.add(entry, "'" + fileName + "' is not a usable model name", NAME_FIX);
                    }
                } else if (fileName.endsWith(SUFFIX) && Files.isRegularFile(entry)) {
                    plainFiles.add(entry);
                }
            }
        }
        for (Path file : plainFiles) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - SUFFIX.length());
            if (!ModelKey.isName(name)) {
                skipped.add(file, "'" + name + "' is not a usable model name", NAME_FIX);
            } else if (found.keySet().stream().anyMatch(key -> key.name().equals(name))) {
                skipped.add(
                        file,
                        "the directory " + name + "/ holds this model's versions",
                        "remove it, or make it a version there: " + name + "/<version>/" + MODEL_FILE);
            } else {
                stamp(new ModelKey(name, 1), file, found, skipped);
            }
        }
        return new Scan(found, skipped.entries(), 0);
    }

    /** What fixes a name that is not a model's. */
    private static final String NAME_FIX = "rename it: a model's name is letters, digits, '.', '_' and '-'";

    private static void scanModelDirectory(
            Path modelDirectory, String name, SortedMap<ModelKey, FileStamp> found, Skips skipped) {
        Listing listing;
        try {
            listing = Listing.of(modelDirectory);
        } catch (IOException e) {
            skipped.unreadable(modelDirectory, e);
            return;
        }
        listing.otherDirectories()
                .forEach(d -> skipped.add(
                        d,
                        "not a version directory: " + ModelVersion.RULE,
                        "name it by its version (" + name + "/1/" + MODEL_FILE + "), or move a model in it to the"
                                + " top of --models"));
        boolean versioned = false;
        for (Map.Entry<Long, Path> version : listing.versions().entrySet()) {
            Optional<Path> file = versionModel(version.getValue());
            if (file.isPresent()) {
                versioned |= stamp(new ModelKey(name, version.getKey()), file.get(), found, skipped);
            } else {
                skipped.add(
                        version.getValue(),
                        "no " + MODEL_FILE + " in it (yet)",
                        "put the version's file in it as " + MODEL_FILE + " (" + String.join(", ", NATIVE_FILES)
                                + " for a model in its training library's own file, or an MLflow model's "
                                + MLFLOW_FILE + " and artifacts)");
            }
        }
        if (listing.onnxFiles().isEmpty()) {
            if (!versioned && listing.versions().isEmpty()) {
                // KServe's layout for a model in its library's own file, or an MLflow model: DIR/<name>/model.json,
                // model.ubj, model.txt, or DIR/<name>/MLmodel with its artifacts.
                versionModel(modelDirectory).ifPresent(file -> stamp(new ModelKey(name, 1), file, found, skipped));
            }
            return;
        }
        if (versioned) {
            // Its versions serve the model: a loose file beside them serves nothing, and would otherwise be passed
            // over without a word.
            listing.onnxFiles()
                    .forEach(f -> skipped.add(
                            f,
                            name + "/ serves its version directories, so a .onnx file beside them is not served",
                            looseFix(name)));
            return;
        }
        Optional<Path> only = listing.servedFile();
        if (only.isEmpty()) {
            skipped.add(
                    modelDirectory,
                    "holds " + listing.onnxFiles().size() + " .onnx files ("
                            + String.join(
                                    ", ",
                                    listing.onnxFiles().stream()
                                            .map(f -> f.getFileName().toString())
                                            .sorted()
                                            .limit(3)
                                            .toList())
                            + (listing.onnxFiles().size() > 3 ? ", ..." : "") + ") and no " + MODEL_FILE
                            + ", so none of them is served",
                    looseFix(name));
        } else {
            stamp(new ModelKey(name, 1), only.get(), found, skipped);
        }
    }

    /** What serves loose {@code .onnx} files found in the folder {@code name}. */
    private static String looseFix(String name) {
        return "loose .onnx files belong at the top of --models (each NAME.onnx is served as NAME), or in " + name
                + "/<version>/" + MODEL_FILE + " as versions of " + name;
    }

    /**
     * The entries a scan skips, each with where it is relative to the directory scanned (so that the words carry
     * none of the server's paths), why, and the fix; by path.
     */
    private static final class Skips {

        private final Path root;
        private final Map<Path, SkippedEntry> entries = new TreeMap<>();

        Skips(Path root) {
            this.root = root;
        }

        void add(Path entry, String reason, String fix) {
            String path = root.relativize(entry).toString().replace(java.io.File.separatorChar, '/');
            entries.put(entry, new SkippedEntry(Files.isDirectory(entry) ? path + "/" : path, reason, fix));
        }

        /** {@code entry} could not be read: why in words of its kind, never its message (which holds paths). */
        void unreadable(Path entry, IOException e) {
            String why = e instanceof java.nio.file.AccessDeniedException
                    ? "the server may not read it"
                    : e instanceof NoSuchFileException ? "it went while it was read" : "reading it failed";
            add(entry, "cannot be read: " + why, "let the server's user read it, or remove it");
        }

        Map<Path, SkippedEntry> entries() {
            return entries;
        }
    }

    /**
     * A model's directory as listed, for the scan and for an install alike, so that both read its layout by one
     * rule: its version directories by version, its other directories, and the {@code .onnx} files beside them
     * (names starting with a dot are passed over).
     */
    private record Listing(SortedMap<Long, Path> versions, List<Path> otherDirectories, List<Path> onnxFiles) {

        static Listing of(Path modelDirectory) throws IOException {
            SortedMap<Long, Path> versions = new TreeMap<>();
            List<Path> others = new ArrayList<>();
            List<Path> onnxFiles = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDirectory)) {
                for (Path entry : entries) {
                    String fileName = entry.getFileName().toString();
                    if (fileName.startsWith(".")) {
                        continue;
                    }
                    if (Files.isDirectory(entry)) {
                        java.util.OptionalLong version = ModelVersion.parse(fileName);
                        if (version.isPresent()) {
                            versions.put(version.getAsLong(), entry);
                        } else {
                            others.add(entry);
                        }
                    } else if (fileName.endsWith(SUFFIX) && Files.isRegularFile(entry)) {
                        onnxFiles.add(entry);
                    }
                }
            }
            return new Listing(versions, others, onnxFiles);
        }

        /** The file KServe's layout serves: {@code model.onnx}, else the one {@code .onnx} file; none for several. */
        Optional<Path> servedFile() {
            return onnxFiles.stream()
                    .filter(f -> f.getFileName().toString().equals(MODEL_FILE))
                    .findFirst()
                    .or(() -> onnxFiles.size() == 1 ? Optional.of(onnxFiles.get(0)) : Optional.empty());
        }
    }

    private static boolean stamp(ModelKey key, Path file, Map<ModelKey, FileStamp> found, Skips skipped) {
        try {
            found.put(key, FileStamp.of(file));
            return true;
        } catch (IOException e) {
            skipped.unreadable(file, e); // removed since listed, or not allowed
            return false;
        }
    }
}
