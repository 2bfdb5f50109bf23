package org.tabserve.rows.read;

import java.io.IOException;
import java.io.Reader;
import org.tabserve.rows.field.NumberText;

/**
 * Splits the plain lines of a CSV upload (no quote character, no carriage return but a CRLF line end, not blank)
 * into cells in place, without a string per cell, because commons-csv's record and string per cell were most of an
 * upload's parsing cost. Anything else is left to commons-csv: at the first line that is not plain, {@link #rest()}
 * gives the text from that line on, so one parser reads the rest of the upload and both agree on every line.
 * Cells are trimmed as commons-csv's {@code ignoreSurroundingSpaces} trims them.
 */
final class CsvTokenizer {

    /** A line longer than this is not plain: commons-csv reads it, within {@link CsvRowLimits}. */
    static final int MAX_LINE_CHARS = 1 << 20;

    private final Reader in;
    private final char delimiter;
    private char[] buffer = new char[1 << 16];
    private int start; // first char of the current line
    private int end; // one past the current line's last char (before its line end)
    private int next; // first char after the current line's line end
    private int limit; // chars in the buffer
    private boolean eof;
    private long lineEnds; // line ends consumed before the current line
    private long charsBefore; // characters consumed before the current line
    /** The current line's cells: starts and ends, trimmed; only the first {@code capacity} are kept. */
    private int[] cellStart = new int[0];

    private int[] cellEnd = new int[0];
    private int cells;

    CsvTokenizer(Reader in, char delimiter) {
        this.in = in;
        this.delimiter = delimiter;
    }

    /** Keeps the first {@code capacity} cells of each following line (the header's width); more are only counted. */
    void keep(int capacity) {
        cellStart = new int[capacity];
        cellEnd = new int[capacity];
    }

    /** @return the current line's text, without its line end */
    String lineText() {
        return new String(buffer, start, end - start);
    }

    /** The outcome of {@link #next()}. */
    enum Line {
        PLAIN,
        OTHER,
        END
    }

    /**
     * Moves to the next line. After {@link Line#OTHER} the tokenizer is done: read the rest with {@link #rest()}.
     */
    Line next() throws IOException {
        lineEnds += next > end ? 1 : 0;
        charsBefore += next - start;
        start = next;
        int newline = find();
        if (newline < 0) {
            return Line.OTHER; // too long a line
        }
        if (newline == start && start == limit) { // at the end of input (find returns the limit only there)
            end = start;
            return Line.END;
        }
        int lineEnd = newline == limit ? limit : newline; // limit: the last line, with no line end
        next = newline == limit ? limit : newline + 1;
        if (lineEnd > start && buffer[lineEnd - 1] == '\r') {
            lineEnd--;
        }
        end = lineEnd;
        return split() ? Line.PLAIN : Line.OTHER;
    }

    /** The index of the current line's '\n', {@code limit} at the end of input, or -1 past the longest line. */
    private int find() throws IOException {
        int i = start;
        while (true) {
            for (; i < limit; i++) {
                if (buffer[i] == '\n') {
                    return i;
                }
            }
            if (eof) {
                return limit;
            }
            if (limit - start >= MAX_LINE_CHARS) {
                return -1;
            }
            int scanned = i - start;
            fill();
            i = start + scanned;
        }
    }

    /** Moves the current line to the buffer's start (growing it if the line fills it) and reads more. */
    private void fill() throws IOException {
        int kept = limit - start;
        if (kept == buffer.length) {
            char[] larger = new char[Math.min(buffer.length * 2, MAX_LINE_CHARS + 1)];
            System.arraycopy(buffer, start, larger, 0, kept);
            buffer = larger;
        } else if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, kept);
        }
        start = 0;
        end = 0;
        next = 0;
        limit = kept;
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            eof = true;
        } else {
            limit += read;
        }
    }

    /** Finds the current line's cells; false when the line is not plain. */
    private boolean split() {
        cells = 0;
        boolean blank = true;
        int cell = start;
        for (int i = start; i <= end; i++) {
            char c = i < end ? buffer[i] : delimiter;
            if (c == '"' || c == '\r') {
                return false;
            }
            if (c == delimiter) {
                if (cells < cellStart.length) {
                    int s = cell;
                    int e = i;
                    while (s < e && isSpace(buffer[s])) {
                        s++;
                    }
                    while (e > s && isWhitespace(buffer[e - 1])) {
                        e--;
                    }
                    cellStart[cells] = s;
                    cellEnd[cells] = e;
                }
                cells++;
                cell = i + 1;
            } else if (blank && !isWhitespace(c)) {
                blank = false;
            }
        }
        // A blank line: commons-csv skips an empty one and reads one of spaces as it does; it decides.
        return !blank || cells > 1 && end > start;
    }

    /** commons-csv's leading-space test: white space that is not the delimiter. */
    private boolean isSpace(char c) {
        return c != delimiter && isWhitespace(c);
    }

    /**
     * {@link Character#isWhitespace(char)}, answered without its table lookup for the printable ASCII characters
     * (none of them is white space), which are nearly every character of an upload.
     */
    static boolean isWhitespace(char c) {
        return (c <= ' ' || c >= 0x7f) && Character.isWhitespace(c);
    }

    /** @return the current line's cell count */
    int cells() {
        return cells;
    }

    /** @return how many line ends come before the current line (0 on the first) */
    long lineEnds() {
        return lineEnds;
    }

    /**
     * @return how many more characters came before the current line than {@link #rest()} puts before it, for
     *         commons-csv's character positions
     */
    long restPositionOffset() {
        return charsBefore - lineEnds;
    }

    /** @return the trimmed text of cell {@code i} (below the capacity) */
    String text(int i) {
        return new String(buffer, cellStart[i], cellEnd[i] - cellStart[i]);
    }

    /** @return the trimmed length of cell {@code i} (below the capacity) */
    int length(int i) {
        return cellEnd[i] - cellStart[i];
    }

    /**
     * Reads cell {@code i} (below the capacity) when it is a plain decimal this can read exactly: an optional sign,
     * at most 15 digits with an optional point, no exponent; such a value is the integer of its digits divided by a
     * power of ten up to 10^15, both exact in a double, so the one division rounds as {@link Double#parseDouble}
     * does. Anything else (and a decimal comma) is for {@link NumberText}.
     *
     * @return the value, or NaN when this cannot read the cell
     */
    double plainNumber(int i) {
        int p = cellStart[i];
        int e = cellEnd[i];
        if (p == e) {
            return Double.NaN;
        }
        boolean negative = false;
        char c = buffer[p];
        if (c == '-' || c == '+') {
            negative = c == '-';
            p++;
        }
        long digits = 0;
        int count = 0;
        int fraction = -1;
        for (; p < e; p++) {
            c = buffer[p];
            if (c >= '0' && c <= '9') {
                if (++count > 15) {
                    return Double.NaN;
                }
                digits = digits * 10 + (c - '0');
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.NaN;
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        double value = fraction > 0 ? digits / POWERS[fraction] : digits;
        return negative ? -value : value;
    }

    private static final double[] POWERS = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    /**
     * The upload from the current line on, for commons-csv after a line that is not plain: as many empty lines as
     * came before it (which commons-csv skips, but counts), so that its line numbers are the upload's, then the text.
     */
    Reader rest() {
        char[] held = java.util.Arrays.copyOfRange(buffer, start, limit);
        long blankLines = lineEnds;
        Reader source = in;
        boolean ended = eof;
        return new Reader() {
            private long newlines = blankLines;
            private int at;

            @Override
            public int read(char[] into, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                if (newlines > 0) {
                    int n = (int) Math.min(length, newlines);
                    java.util.Arrays.fill(into, offset, offset + n, '\n');
                    newlines -= n;
                    return n;
                }
                if (at < held.length) {
                    int n = Math.min(length, held.length - at);
                    System.arraycopy(held, at, into, offset, n);
                    at += n;
                    return n;
                }
                return ended ? -1 : source.read(into, offset, length);
            }

            @Override
            public void close() throws IOException {
                source.close();
            }
        };
    }
}
