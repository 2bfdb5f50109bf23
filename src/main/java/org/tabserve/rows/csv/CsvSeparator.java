package org.tabserve.rows.csv;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import org.tabserve.rows.read.RowMemory;

/**
 * The separators a CSV upload's header row may use (comma; semicolon, as European Excel writes with decimal commas;
 * tab), found from that row before it is split ({@link CsvLexer#separator}), with how messages name them; a tie goes
 * to the first.
 */
public enum CsvSeparator {
    COMMA(',', "comma-separated"),
    SEMICOLON(';', "semicolon-separated (decimal commas allowed)"),
    TAB('\t', "tab-separated");

    final char character;
    final String description;

    CsvSeparator(char character, String description) {
        this.character = character;
        this.description = description;
    }

    /**
     * The separator the header row uses most often outside quotes (a quote toggles), read from the start of the
     * lexer's input, which holds the row until it is split ({@link CsvLimits#MAX_HEADER_CHARS} at most).
     *
     * @param memory reserves the row's heap as it grows
     */
    static CsvSeparator find(CsvLexer text, RowMemory memory) throws IOException {
        int[] counts = new int[values().length];
        boolean quoted = false;
        int reserved = Math.min(memory.checkAt(), CsvLimits.MAX_HEADER_CHARS);
        for (int i = 0, c; (c = text.peek(i)) >= 0; ) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                for (CsvSeparator separator : values()) {
                    counts[separator.ordinal()] += c == separator.character ? 1 : 0;
                }
            }
            if (++i > reserved) {
                if (i > CsvLimits.MAX_HEADER_CHARS) {
                    throw CsvLimits.headerTooLong();
                }
                memory.reach(i);
                reserved = Math.min(memory.checkAt(), CsvLimits.MAX_HEADER_CHARS);
            }
        }
        return of(counts);
    }

    /** The separator counted most often, by ordinal; comma when none is. */
    static CsvSeparator of(int[] counts) {
        CsvSeparator best = COMMA;
        for (CsvSeparator separator : values()) {
            if (counts[separator.ordinal()] > counts[best.ordinal()]) {
                best = separator;
            }
        }
        return best;
    }

    /** The separator used most often, outside quotes, in {@code headerLine}, as an upload's is found. */
    static CsvSeparator of(CharSequence headerLine) {
        try {
            return new CsvLexer(new StringReader(headerLine.toString()), RowMemory.NONE).separator();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
