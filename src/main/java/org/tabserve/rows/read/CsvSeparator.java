package org.tabserve.rows.read;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.apache.commons.io.input.SequenceReader;
import org.tabserve.rows.field.RowsException;

/**
 * The separators a CSV upload's header row may use (comma; semicolon, as European Excel writes with decimal commas;
 * tab), found from that row before the parser starts, with how messages name them; a tie goes to the first.
 */
public enum CsvSeparator {
    COMMA(',', "comma-separated"),
    SEMICOLON(';', "semicolon-separated (decimal commas allowed)"),
    TAB('\t', "tab-separated");

    final char character;
    final String description;
    /**
     * Duplicate and empty column names are let through commons-csv and refused by {@link CsvRowsParser}'s header
     * check, whose messages speak of the user's file rather than of the library's builder.
     */
    public final CSVFormat format;
    /** The same format for the rows after a header that was read already. */
    final CSVFormat rowsFormat;

    CsvSeparator(char character, String description) {
        this.character = character;
        this.description = description;
        this.format = CSVFormat.DEFAULT
                .builder()
                .setDelimiter(character)
                .setHeader()
                .setSkipHeaderRecord(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
                .setAllowMissingColumnNames(true)
                .setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true)
                .get();
        this.rowsFormat = format.builder()
                .setHeader((String[]) null)
                .setSkipHeaderRecord(false)
                .get();
    }

    /** The separator used most often, outside quotes, in {@code headerLine}; comma when none is. */
    static CsvSeparator of(CharSequence headerLine) {
        int[] counts = new int[values().length];
        boolean quoted = false;
        for (int i = 0; i < headerLine.length(); i++) {
            char c = headerLine.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                for (CsvSeparator separator : values()) {
                    if (c == separator.character) {
                        counts[separator.ordinal()]++;
                    }
                }
            }
        }
        CsvSeparator best = COMMA;
        for (CsvSeparator separator : values()) {
            if (counts[separator.ordinal()] > counts[best.ordinal()]) {
                best = separator;
            }
        }
        return best;
    }

    /**
     * The longest header row read, in characters: the separator is found in it before the parser starts, and a
     * file whose first line is longer (a binary file, or a gzip bomb of one endless line) is no CSV to us.
     */
    static final int MAX_HEADER_CHARS = 1 << 20;

    /**
     * The separator of an upload's header row, and the upload's text from that row on.
     *
     * @param separator the header row's separator
     * @param text      the text the reader was given, the header row included
     */
    public record Found(CsvSeparator separator, Reader text) {}

    /**
     * Finds the separator of the header row {@code reader} starts with. The row's characters are read and handed
     * back in front of the rest, instead of marking the reader and resetting it: a mark as long as the longest header
     * makes a {@link BufferedReader} allocate a buffer that long (2 MB) on every upload and then read the whole file
     * through it, one more copy of every character.
     *
     * @param reader a buffered reader (the row is read a character at a time)
     * @param memory reserves the header's copy as the header grows
     */
    public static Found of(Reader reader, CsvRowLimits.RowMemory memory) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean quoted = false;
        int checkAt = Math.min(memory.checkAt(), MAX_HEADER_CHARS);
        int c;
        while ((c = reader.read()) != -1) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            }
            line.append((char) c);
            if (line.length() > checkAt) {
                if (line.length() > MAX_HEADER_CHARS) {
                    throw RowsException.malformed("the CSV's first line is longer than " + MAX_HEADER_CHARS
                            + " characters; it must be a header row naming the columns");
                }
                memory.reach(line.length());
                checkAt = Math.min(memory.checkAt(), MAX_HEADER_CHARS);
            }
        }
        CsvSeparator separator = of(line);
        String read = c == -1 ? line.toString() : line.append((char) c).toString();
        return new Found(separator, new SequenceReader(new StringReader(read), reader));
    }
}
