package org.tabserve.repository.s3;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which object keys under a location are a model repository's files, in the layout of a local {@code --models}
 * directory ({@code NAME.onnx}, {@code NAME/model.onnx} or one {@code NAME/FILE.onnx}, {@code NAME/VERSION/model.onnx},
 * a {@code .sha256} beside any of them, {@code NAME/rollout.json}), and where each goes in the cache. A key that
 * would climb out of the prefix ({@code ..}, an absolute or empty part, a backslash) or holds characters a file name
 * in the cache may not is refused in words; keys of other files (a README) are passed over, as a local scan passes
 * over files it does not serve.
 */
final class ObjectKeys {

    /** The file beside a model file that holds its SHA-256, {@code sha256sum}'s output. */
    static final String DIGEST_SUFFIX = ".sha256";

    /** The longest key read: S3's own limit. */
    static final int MAX_KEY_LENGTH = 1024;

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    /**
     * What a key is to the repository.
     *
     * @param path    where it goes in the cache, relative, with {@code /}; empty for a key refused or passed over
     * @param refusal why the key is refused, in words; empty for one taken or passed over
     */
    record Reading(Optional<String> path, Optional<String> refusal) {

        static final Reading PASSED_OVER = new Reading(Optional.empty(), Optional.empty());

        static Reading refused(String why) {
            return new Reading(Optional.empty(), Optional.of(why));
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
                    + " NAME/VERSION/model.onnx (a .sha256 beside any of them) or NAME/rollout.json");
        }
        return new Reading(Optional.of(relative), Optional.empty());
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
