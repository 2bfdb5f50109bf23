package org.tabserve.model.trees.lightgbm;

import java.nio.charset.StandardCharsets;
import org.tabserve.model.trees.ForestFormatException;

/**
 * A cursor over a model file's lines, each bounded in length: a line is a range of the file's bytes (its {@code \n}
 * or {@code \r\n} left out), never copied whole unless asked for as text.
 */
final class ModelLines {

    /** The longest line read: LightGBM's longest real line (a 131,072-leaf tree's array) is about 3.5 MB. */
    static final int MAX_LINE = 8 << 20;

    private final byte[] bytes;
    private int pos;
    private int number;
    private int start;
    private int end;

    ModelLines(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @return whether another line was read; it is then {@link #start()} to {@link #end()} */
    boolean next() {
        if (pos >= bytes.length) {
            return false;
        }
        int limit = (int) Math.min(bytes.length, (long) pos + MAX_LINE + 2);
        int at = pos;
        while (at < limit && bytes[at] != '\n') {
            at++;
        }
        if (at == limit && at < bytes.length) {
            throw new ForestFormatException("line " + (number + 1) + " is longer than " + (MAX_LINE >> 20)
                    + " MiB, longer than any LightGBM writes");
        }
        start = pos;
        end = at > start && bytes[at - 1] == '\r' ? at - 1 : at;
        if (end - start > MAX_LINE) {
            throw new ForestFormatException("line " + (number + 1) + " is longer than " + (MAX_LINE >> 20)
                    + " MiB, longer than any LightGBM writes");
        }
        pos = at + 1;
        number++;
        return true;
    }

    /** @return the byte offset of the next line */
    int position() {
        return pos;
    }

    /** Goes back to the line that began at {@code position}, the {@code lineNumber}th. */
    void rewind(int position, int lineNumber) {
        pos = position;
        number = lineNumber - 1;
    }

    int number() {
        return number;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    byte[] bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return start == end;
    }

    /** @return whether the line is exactly {@code ascii} */
    boolean is(String ascii) {
        return end - start == ascii.length() && startsWith(ascii);
    }

    boolean startsWith(String ascii) {
        if (end - start < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[start + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** @return the offset of the line's first {@code '='}, or -1 */
    int equalsSign() {
        for (int i = start; i < end; i++) {
            if (bytes[i] == '=') {
                return i;
            }
        }
        return -1;
    }

    /** @return bytes {@code from} to {@code to} as UTF-8 text */
    String text(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }
}
