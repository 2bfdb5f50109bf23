package org.tabserve.model;

import java.util.regex.Pattern;

/**
 * The one reading of a whole number that a setting, a flag or an environment value spells: an optional sign and ASCII
 * digits. {@link Long#parseLong} also takes any script's digits (a full-width {@code ３０} is 30), which a reader of
 * the configuration would not take for a number. The launcher, which may not use this package, holds the same rule.
 */
public final class WholeNumbers {

    /** An optional sign, then ASCII digits. */
    public static final Pattern ASCII = Pattern.compile("[+-]?[0-9]+");

    private WholeNumbers() {}

    /**
     * @param text the value, surrounding spaces allowed
     * @throws NumberFormatException when it is not ASCII digits with an optional sign, or is beyond a long
     */
    public static long parse(String text) {
        String stripped = text.strip();
        if (!ASCII.matcher(stripped).matches()) {
            throw new NumberFormatException("not ASCII digits: '" + text + "'");
        }
        return Long.parseLong(stripped);
    }
}
