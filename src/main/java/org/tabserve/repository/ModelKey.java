package org.tabserve.repository;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * One model version's identity: its name and version.
 *
 * @param name    letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or digit, at most 128
 *                characters: safe as a file name, in a URL path and in a metric label
 * @param version at least 1
 */
record ModelKey(String name, long version) implements Comparable<ModelKey> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Comparator<ModelKey> ORDER =
            Comparator.comparing(ModelKey::name).thenComparingLong(ModelKey::version);

    ModelKey {
        checkName(name);
        if (version < 1) {
            throw new IllegalArgumentException("a model version is at least 1, got " + version);
        }
    }

    /** @throws RepositoryException of kind {@link RepositoryException.Kind#INVALID_NAME} saying what a name may be */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.endsWith(".onnx")) {
            throw new RepositoryException(
                    RepositoryException.Kind.INVALID_NAME,
                    "'" + name + "' cannot be a model's"
                            + " name: use 1 to 128 letters, digits, '.', '_' and '-', starting with a letter or digit (and"
                            + " not ending in .onnx)");
        }
        return name;
    }

    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.endsWith(".onnx");
    }

    @Override
    public int compareTo(ModelKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return name + " version " + version;
    }
}
