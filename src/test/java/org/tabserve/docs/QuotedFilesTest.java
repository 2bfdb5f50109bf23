package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A file the docs quote is the file a test runs: every fenced block after a marker {@code <!-- the file PATH ... -->}
 * (docs/security.md's Python clients, docs/examples/) is that file's text exactly, so that the example a reader copies
 * is the one {@code TlsIT} ran.
 */
class QuotedFilesTest {

    private static final Pattern QUOTE =
            Pattern.compile("<!-- the file (\\S+?),?(?: [^>]*)?-->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyQuotedFileIsQuotedWhole() throws IOException {
        List<String> differ = new ArrayList<>();
        int quotes = 0;
        for (Path page : DocBlocks.pages()) {
            Matcher m = QUOTE.matcher(Files.readString(page, StandardCharsets.UTF_8));
            while (m.find()) {
                quotes++;
                Path file = Path.of(m.group(1));
                if (!Files.isRegularFile(file)) {
                    differ.add(page + ": " + file + " does not exist");
                } else if (!Files.readString(file, StandardCharsets.UTF_8).equals(m.group(2))) {
                    differ.add(page + ": the quote of " + file + " is not the file as it is");
                }
            }
        }
        assertTrue(quotes >= 2, "the check found docs/security.md's quotes: " + quotes);
        assertEquals(List.of(), differ);
    }
}
