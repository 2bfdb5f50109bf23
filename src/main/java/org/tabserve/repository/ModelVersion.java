package org.tabserve.repository;

import java.util.OptionalLong;

/**
 * The one rule for what text is a model version, for every place that reads one (a version directory of the
 * repository, a {@code /versions/{v}} path segment of the web routes and of the v2 protocol), so that a version has
 * one spelling: {@code [1-9][0-9]*} in ASCII digits. {@code Long.parseLong} would also take {@code +1}, {@code 01}
 * and non-ASCII digits such as {@code １} as version 1, letting one version answer under many names (and two
 * directories, {@code 1/} and {@code 01/}, claim the same version).
 */
public final class ModelVersion {

    /** The longest version taken: 18 digits always fit a {@code long}. */
    static final int MAX_DIGITS = 18;

    /** What a version looks like, in words for messages. */
    public static final String RULE = "a version is a whole number from 1, written in the digits 0-9 with no sign or"
            + " leading zero (at most " + MAX_DIGITS + " digits)";

    private ModelVersion() {}

    /** @return the version {@code text} spells, or empty when it spells none (see {@link #RULE}) */
    public static OptionalLong parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_DIGITS || text.charAt(0) == '0') {
            return OptionalLong.empty();
        }
        long version = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            version = version * 10 + (c - '0');
        }
        return OptionalLong.of(version);
    }
}
