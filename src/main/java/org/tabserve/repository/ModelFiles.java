package org.tabserve.repository;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * into place (the safe way to add a model) is never seen half-written; other files are skipped with a reason.
 */
final class ModelFiles {

    /** The file name in a version directory (Triton's default). */
    static final String MODEL_FILE = "model.onnx";
    private static final String SUFFIX = ".onnx";

    /**
     * One scan's result.
     *
     * @param found   every model version found, by key, in name and version order
     * @param skipped entries that look meant as models but are not used, each with the reason
     */
    record Scan(SortedMap<ModelKey, FileStamp> found, Map<Path, String> skipped) {
    }

    private ModelFiles() {
    }

    /**
     * Lists {@code directory}.
     *
     * @throws IOException when the directory itself cannot be read
     */
    static Scan scan(Path directory) throws IOException {
        SortedMap<ModelKey, FileStamp> found = new TreeMap<>();
        Map<Path, String> skipped = new TreeMap<>();
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
                        skipped.put(entry, "not a usable model name (letters, digits, '.', '_', '-')");
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
                skipped.put(file, "'" + name + "' is not a usable model name (letters, digits, '.', '_', '-')");
            } else if (found.keySet().stream().anyMatch(key -> key.name().equals(name))) {
                skipped.put(file, "the directory " + name + "/ holds this model's versions");
            } else {
                stamp(new ModelKey(name, 1), file, found, skipped);
            }
        }
        return new Scan(found, skipped);
    }

    private static void scanModelDirectory(Path modelDirectory, String name, SortedMap<ModelKey, FileStamp> found,
                                           Map<Path, String> skipped) throws IOException {
        boolean versioned = false;
        List<Path> onnxFiles = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDirectory)) {
            for (Path entry : entries) {
                String fileName = entry.getFileName().toString();
                if (fileName.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    java.util.OptionalLong version = ModelVersion.parse(fileName);
                    Path file = entry.resolve(MODEL_FILE);
                    if (version.isEmpty()) {
                        skipped.put(entry, "not a version directory: " + ModelVersion.RULE);
                    } else if (Files.isRegularFile(file)) {
                        versioned |= stamp(new ModelKey(name, version.getAsLong()), file, found, skipped);
                    } else {
                        skipped.put(entry, "no " + MODEL_FILE + " in it (yet)");
                    }
                } else if (fileName.endsWith(SUFFIX) && Files.isRegularFile(entry)) {
                    onnxFiles.add(entry);
                }
            }
        } catch (IOException e) {
            skipped.put(modelDirectory, "cannot be read (" + e.getMessage() + ")");
            return;
        }
        if (versioned || onnxFiles.isEmpty()) {
            return;
        }
        Path only = onnxFiles.stream().filter(f -> f.getFileName().toString().equals(MODEL_FILE)).findFirst()
                .orElse(onnxFiles.size() == 1 ? onnxFiles.get(0) : null);
        if (only == null) {
            skipped.put(modelDirectory, "holds " + onnxFiles.size() + " .onnx files and no " + MODEL_FILE
                    + ": put each version in its own numbered directory");
        } else {
            stamp(new ModelKey(name, 1), only, found, skipped);
        }
    }

    private static boolean stamp(ModelKey key, Path file, Map<ModelKey, FileStamp> found, Map<Path, String> skipped) {
        try {
            found.put(key, FileStamp.of(file));
            return true;
        } catch (IOException e) {
            skipped.put(file, "cannot be read (" + e.getMessage() + ")"); // removed since listed, or not allowed
            return false;
        }
    }
}
