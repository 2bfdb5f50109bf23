package org.tabserve.serving.access;

import java.util.Optional;
import java.util.function.Function;

/** A whole-number setting of the access settings, within its bounds, else its default; refused in words naming it. */
public final class WholeSetting {

    private WholeSetting() {}

    /**
     * @param unit what the number counts, for the refusal's words ({@code seconds}, {@code sessions})
     * @return the setting's number from {@code min} to {@code max}, else {@code fallback} when it is not given
     * @throws IllegalArgumentException naming the setting, for a value that is not such a number
     */
    public static long of(
            Function<String, Optional<String>> lookup, String setting, long fallback, long min, long max, String unit) {
        Optional<String> text = lookup.apply(setting).map(String::strip).filter(s -> !s.isEmpty());
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("setting " + setting + " must be a whole number of " + unit + " from " + min
                + " to " + max + " (default " + fallback + ")");
    }
}
