package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Holds a doc's quote of the server's words to the words a test got, so that the docs say what the server says. */
public final class QuotedWords {

    private QuotedWords() {}

    /**
     * @param page    the doc, such as {@code docs/routes.md}; its line breaks and indents read as one space
     * @param message a message the server gave
     * @param from    where the quoted part starts in it (the text before, such as a feature's name, differs by case)
     */
    public static void assertQuoted(String page, String message, String from) {
        int at = message.indexOf(from);
        assertTrue(at >= 0, "'" + from + "' in " + message);
        String words = message.substring(at);
        try {
            String doc = Files.readString(Path.of(page), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
            assertTrue(doc.contains(words), page + " quotes the server's words: " + words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
