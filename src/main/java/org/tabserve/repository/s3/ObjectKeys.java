package org.tabserve.repository.s3;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which object keys under a location are a model repository's files, in the layout of a local {@code --models}
 * directory ({@code NAME.onnx}, {@code NAME/model.onnx} or one {@code NAME/FILE.onnx}, {@code NAME/VERSION/model.onnx}
 * or a model in its training library's own file {@code NAME/VERSION/model.json|model.ubj|model.txt}, the files of an
 * MLflow model's folder {@code NAME/VERSION/MLmodel} and beside it, a {@code .sha256} beside any of them,
 * {@code NAME/rollout.json}), and where each goes in the cache. A key that would climb out of the prefix ({@code ..},
 * an absolute or empty part, a backslash) or holds characters a file name in the cache may not is refused in words;
 * keys of other files (a README) are passed over, as a local scan passes over files it does not serve. A version
 * folder's other files are {@linkplain Reading#folderFile() taken only as an MLflow model's}: {@link StoreListing}
 * keeps them when the folder holds an {@code MLmodel}, and passes over the rest.
 */
final class ObjectKeys {

    /** The file beside a model file that holds its SHA-256, {@code sha256sum}'s output. */
    static final String DIGEST_SUFFIX = ".sha256";

    /** The longest key read: S3's own limit. */
    static final int MAX_KEY_LENGTH = 1024;

    /**
     * The files a version folder may hold instead of {@code model.onnx}, a model in its training library's own file
     * (XGBoost's JSON and UBJSON, LightGBM's text): the repository's scan serves the same names
     * ({@code ModelFiles.NATIVE_FILES}).
     */
    static final List<String> NATIVE_FILES = List.of("model.json", "model.ubj", "model.txt");

    /** The card of a model in its library's own file, beside it in its version folder ({@code CardBeside}). */
    static final String NATIVE_CARD = "model.card.json";

    /** The file that makes a version folder an MLflow model's, served as a whole ({@code ModelFiles.MLFLOW_FILE}). */
    static final String MLFLOW_FILE = "MLmodel";

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    /**
     * What a key is to the repository.
     *
     * @param path       where it goes in the cache, relative, with {@code /}; empty for a key refused or passed over
     * @param refusal    why the key is refused, in words; empty for one taken or passed over
     * @param folderFile whether it is a version folder's file that is kept only when the folder is an MLflow model's
     *                   (its {@code MLmodel} among them): {@code NAME/VERSION/FILE}, or its {@code .sha256}
     */
    record Reading(Optional<String> path, Optional<String> refusal, boolean folderFile) {

        static final Reading PASSED_OVER = new Reading(Optional.empty(), Optional.empty(), false);

        static Reading refused(String why) {
            return new Reading(Optional.empty(), Optional.of(why), false);
        }

        static Reading taken(String path) {
            return new Reading(Optional.of(path), Optional.empty(), false);
        }
    }

    private ObjectKeys() {}

    /** @param relative the key less the location's prefix */
    static Reading read(String relative) {
        if (relative.isEmpty() || relative.endsWith("/")) {
            return Reading.PASSED_OVER; // the prefix itself, or a folder's marker
        }
        Optional<String> climbs = climbs(relative);
        if (climbs.isPresent()) {
            return Reading.refused(climbs.get());
        }
        String[] parts = relative.split("/", -1);
        String last = parts[parts.length - 1];
        if (parts.length == 3 && isVersion(parts[1]) && !meant(last)) {
            return versionFolderFile(relative, parts, last);
        }
        if (!meant(last)) {
            return Reading.PASSED_OVER;
        }
        Optional<String> odd = odd(parts);
        if (odd.isPresent()) {
            return Reading.refused(odd.get());
        }
        String file = last.endsWith(DIGEST_SUFFIX) ? last.substring(0, last.length() - DIGEST_SUFFIX.length()) : last;
        boolean layout = switch (parts.length) {
            case 1 -> file.endsWith(".onnx") && file.length() > ".onnx".length();
            case 2 -> file.endsWith(".onnx") || file.equals("rollout.json");
            case 3 -> file.equals("model.onnx") && parts[1].chars().allMatch(Character::isDigit);
            default -> false;
        };
        if (!layout) {
            return Reading.refused("it is not in a model repository's layout: NAME.onnx, NAME/model.onnx,"
                    + " NAME/VERSION/model.onnx (or model.json, model.ubj, model.txt, or an MLflow model's MLmodel"
                    + " and files; a .sha256 beside any of them) or NAME/rollout.json");
        }
        return Reading.taken(relative);
    }

    /**
     * A version folder's file that is not a {@code model.onnx} (whose rules are {@link #read}'s): a model in its
     * library's own file ({@link #NATIVE_FILES}) and its card ({@link #NATIVE_CARD}) are taken; any other is an MLflow model folder's file, taken only as
     * one ({@link Reading#folderFile()}); one whose name a cache file may not have is passed over, as a local scan
     * passes over what it does not serve, unless it is the {@code MLmodel} meant to make the folder a model.
     */
    private static Reading versionFolderFile(String relative, String[] parts, String last) {
        String file = last.endsWith(DIGEST_SUFFIX) ? last.substring(0, last.length() - DIGEST_SUFFIX.length()) : last;
        Optional<String> odd = odd(parts);
        boolean model = NATIVE_FILES.contains(file) || file.equals(NATIVE_CARD);
        if (odd.isPresent()) {
            return model || file.equals(MLFLOW_FILE) ? Reading.refused(odd.get()) : Reading.PASSED_OVER;
        }
        return model ? Reading.taken(relative) : new Reading(Optional.of(relative), Optional.empty(), true);
    }

    /** @return whether a key's part names a version folder, as the layout's {@code NAME/VERSION/model.onnx} does */
    private static boolean isVersion(String part) {
        return !part.isEmpty() && part.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** @return whether a cache path is of a model's file (anything the cache holds but a {@code rollout.json}) */
    static boolean isModelFile(String path) {
        return !path.equals("rollout.json") && !path.endsWith("/rollout.json");
    }

    /** @return whether a cache path is an MLflow model folder's {@code MLmodel} ({@code NAME/VERSION/MLmodel}) */
    static boolean isMlmodel(String path) {
        return path.endsWith("/" + MLFLOW_FILE) && path.split("/", -1).length == 3;
    }

    /**
     * @return how many models the cache paths are of: each model file, and each version folder once (an MLflow model's
     *         files together)
     */
    static int models(java.util.Collection<String> paths) {
        return (int) paths.stream()
                .filter(ObjectKeys::isModelFile)
                .map(p -> versionFolder(p).orElse(p))
                .distinct()
                .count();
    }

    /**
     * @return the version folder a cache path is in ({@code notes/1/} for {@code notes/1/model.xgb}), empty for a path
     *         that is not in one
     */
    static Optional<String> versionFolder(String path) {
        String[] parts = path.split("/", -1);
        return parts.length == 3 && isVersion(parts[1])
                ? Optional.of(parts[0] + "/" + parts[1] + "/")
                : Optional.empty();
    }

    /**
     * @return why {@code key} may not be a path in the cache (it climbs out of where it is read from, or holds
     *         characters a file name there may not), in words; empty when it may
     */
    static Optional<String> refusal(String key) {
        return climbs(key).or(() -> odd(key.split("/", -1)));
    }

    private static Optional<String> climbs(String relative) {
        if (relative.length() > MAX_KEY_LENGTH) {
            return Optional.of("its key is longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (relative.startsWith("/")) {
            return Optional.of("its key is absolute after the prefix (it starts with '/')");
        }
        if (relative.indexOf('\\') >= 0) {
            return Optional.of("its key holds a backslash");
        }
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty()) {
                return Optional.of("its key has an empty part ('//')");
            }
            if (part.equals("..") || part.equals(".")) {
                return Optional.of("its key climbs out of the prefix ('" + part + "')");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> odd(String[] parts) {
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                return Optional.of("its key has a part that is not letters, digits, '.', '_' and '-' starting"
                        + " with a letter or digit");
            }
        }
        return Optional.empty();
    }

    /** Whether a file of this name is meant for the repository (a model, its digest, a rollout). */
    private static boolean meant(String name) {
        return name.endsWith(".onnx") || name.endsWith(".onnx" + DIGEST_SUFFIX) || name.equals("rollout.json");
    }

    /** @return whether {@code path} is a model's digest file */
    static boolean isDigest(String path) {
        return path.endsWith(DIGEST_SUFFIX);
    }
}
