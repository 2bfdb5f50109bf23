package org.tabserve.web.pages.plots;

/**
 * Keeps a text from a model's metadata (a class label, a feature or category name) from reordering the words around
 * it where pages join it with others into one string (a list of classes, a picture's tooltip or label): one with
 * right-to-left letters or direction controls (a U+202E RIGHT-TO-LEFT OVERRIDE would reverse all that follows it) is
 * wrapped in U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE, which end whatever it opened. Text the
 * templates show alone is isolated there instead ({@code dir="auto"}, {@code <bdi>}).
 */
public final class BidiIsolate {

    private static final char FIRST_STRONG_ISOLATE = '\u2068';
    private static final char POP_DIRECTIONAL_ISOLATE = '\u2069';

    private BidiIsolate() {}

    /** @return {@code text} isolated when it holds anything that is not plain left-to-right text; else itself */
    public static String of(String text) {
        return needsIsolation(text) ? FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE : text;
    }

    private static boolean needsIsolation(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069') {
                return true; // embeddings, overrides and isolates, which java.text.Bidi does not all count
            }
        }
        return java.text.Bidi.requiresBidi(text.toCharArray(), 0, text.length());
    }
}
