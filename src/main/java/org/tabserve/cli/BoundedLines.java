package org.tabserve.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines of at most a given number of bytes, skipping past a longer one without holding it: a reader's
 * {@code readLine} keeps any line whole, so one 300 MB line in a prediction log ended {@code log-csv} with an
 * OutOfMemoryError on a 128 MB heap.
 */
final class BoundedLines implements AutoCloseable {

    /** What {@link #next} returns for a line longer than the bound (compare by identity). */
    static final String TOO_LONG = new String("(a line too long)");

    private final InputStream in;
    private final int maxBytes;
    /** What was read from {@code in} and not yet taken: {@code buffer[position, limit)}. */
    private final byte[] buffer = new byte[1 << 16];

    private int position;
    private int limit;
    private byte[] line = new byte[8192];

    BoundedLines(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * @return the next line without its line end ({@code \n} or {@code \r\n}); {@link #TOO_LONG} for a line of more
     *         than the bound's bytes, read past; null at the end
     */
    String next() throws IOException {
        int length = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = Math.max(0, in.read(buffer));
                position = 0;
                if (limit == 0) {
                    if (!any) {
                        return null;
                    }
                    break; // the last line, without a line end
                }
            }
            any = true;
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int piece = end - position;
            if (!tooLong && length + piece > maxBytes) {
                tooLong = true;
            }
            if (!tooLong) {
                if (length + piece > line.length) {
                    line = Arrays.copyOf(line, (int) Math.min(maxBytes, Math.max(length + piece, 2L * line.length)));
                }
                System.arraycopy(buffer, position, line, length, piece);
                length += piece;
            }
            position = end;
            if (end < limit) {
                position++; // past the line end
                break;
            }
        }
        if (tooLong) {
            return TOO_LONG;
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        if (line.length > (1 << 20)) {
            line = new byte[8192]; // a long line's buffer is not kept for the short ones after it
        }
        return text;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
