package org.tabserve.rows.field;

import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A JSON body's bytes, checked as they are read to be well-formed UTF-8 (RFC 8259 §8.1: JSON exchanged between
 * systems is UTF-8), so that every JSON route refuses the same bodies with a 400 naming the byte offset and the fault.
 *
 * <p>Why not Jackson alone: its byte parser decodes multi-byte sequences without checking their range, so it reads
 * the overlong {@code C0 AF} and {@code E0 80 AF} as '/', and code points past U+10FFFF; and it guesses UTF-16 or
 * UTF-32 from a byte-order mark or zero bytes among the first four and then reads that. Here the well-formed
 * sequences are those of the Unicode standard's table 3-7 (no overlong form, no surrogate, nothing past U+10FFFF),
 * and a zero byte is refused too: JSON text never holds a raw U+0000 (it must be escaped), and zero bytes near the
 * start are what a UTF-16 or UTF-32 body looks like, which Jackson would otherwise decode. A UTF-8 byte-order mark is
 * well-formed and left to Jackson, which skips it. The check looks at ASCII eight bytes at a time, on bytes the
 * parser reads anyway; the parser keeps reading raw bytes (its fastest path).
 *
 * <p>A fault is reported as a {@link CharConversionException}, the exception Jackson itself throws for text it
 * cannot decode, so every JSON reader answers it as it answers Jackson's (a 400, "malformed JSON: ..."). The bytes
 * before a fault are handed to the parser first and the fault is thrown at the next read: the parser then stands
 * where the bad bytes are, so that a bad byte inside a string value is refused naming that value's field.
 */
final class Utf8Input extends FilterInputStream {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bytes read so far: the offset of the next byte. */
    private long offset;
    /** Continuation bytes still needed by the sequence that started at {@link #start}. */
    private int needed;
    /** Where the unfinished sequence started, and its first byte. */
    private long start;

    private int lead;
    /** The range the next continuation byte must be in (narrower than 0x80-0xBF right after some leads). */
    private int low = 0x80;

    private int high = 0xBF;
    /** A fault found after bytes that were handed on: thrown at the next read. */
    private CharConversionException pending;

    Utf8Input(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        if (pending != null) {
            throw pending;
        }
        int b = super.read();
        if (b < 0) {
            end();
        } else {
            check(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int from, int length) throws IOException {
        if (pending != null) {
            throw pending;
        }
        int n = super.read(buffer, from, length);
        if (n < 0) {
            end();
            return n;
        }
        int i = from;
        int to = from + n;
        if (needed == 0) { // the common case, most often the whole read: ASCII other than NUL, 8 bytes at a time
            while (i + Long.BYTES <= to && plainAscii((long) LONGS.get(buffer, i))) {
                i += Long.BYTES;
            }
            while (i < to && buffer[i] > 0) {
                i++;
            }
            offset += i - from;
        }
        for (; i < to; i++) {
            try {
                check(buffer[i] & 0xFF);
            } catch (CharConversionException fault) {
                if (i == from) {
                    throw fault;
                }
                pending = fault; // the good bytes first: the parser reaches the fault where it is
                return i - from;
            }
        }
        return n;
    }

    /**
     * Whether all eight bytes of {@code word} are in 0x01-0x7F: none has its high bit set, and none is zero (a zero
     * byte minus one borrows into its high bit; with no zero byte nothing borrows).
     */
    private static boolean plainAscii(long word) {
        return ((word | (word - 0x0101010101010101L)) & 0x8080808080808080L) == 0;
    }

    @Override
    public long skip(long n) throws IOException { // read, so that skipped bytes are checked too
        if (n <= 0) {
            return 0;
        }
        byte[] skipped = new byte[(int) Math.min(n, 512)];
        int read = read(skipped, 0, skipped.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check(int b) throws CharConversionException {
        if (needed > 0) {
            if (b < low || b > high) {
                throw refused(start, describe(lead, b));
            }
            low = 0x80;
            high = 0xBF;
            needed--;
        } else if (b == 0) {
            throw refused(
                    offset,
                    "a zero byte, which JSON text never holds; a body with zero bytes is likely "
                            + "UTF-16 or UTF-32, which must be sent as UTF-8");
        } else if (b >= 0x80) {
            begin(b);
        }
        offset++;
    }

    /** Starts a multi-byte sequence at its lead byte, or refuses a byte that cannot lead one. */
    private void begin(int b) throws CharConversionException {
        start = offset;
        lead = b;
        if (b >= 0xC2 && b <= 0xDF) {
            needed = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            needed = 2;
            low = b == 0xE0 ? 0xA0 : 0x80; // E0 80-9F: an overlong form of U+0000-U+07FF
            high = b == 0xED ? 0x9F : 0xBF; // ED A0-BF: a surrogate, U+D800-U+DFFF
        } else if (b >= 0xF0 && b <= 0xF4) {
            needed = 3;
            low = b == 0xF0 ? 0x90 : 0x80; // F0 80-8F: an overlong form of U+0000-U+FFFF
            high = b == 0xF4 ? 0x8F : 0xBF; // F4 90-BF: past U+10FFFF
        } else if (b == 0xC0 || b == 0xC1) {
            throw refused(
                    offset,
                    "0x" + hex(b) + " starts an overlong (non-shortest) encoding of an ASCII character,"
                            + " which UTF-8 forbids");
        } else if ((b == 0xFE || b == 0xFF) && offset < 2) {
            throw refused(
                    offset,
                    "0x" + hex(b) + " begins a UTF-16 or UTF-32 byte-order mark; the body must be sent" + " as UTF-8");
        } else if (b < 0xC0) {
            throw refused(offset, "0x" + hex(b) + " is a continuation byte where a character should start");
        } else {
            throw refused(offset, "0x" + hex(b) + " is never part of UTF-8");
        }
    }

    /** What is wrong with the byte after lead byte {@code lead} (or a later continuation byte). */
    private String describe(int lead, int b) {
        String bytes = "0x" + hex(lead) + " then 0x" + hex(b);
        if (b >= 0x80 && b <= 0xBF) { // a continuation byte, but out of the range this lead allows
            return bytes
                    + (lead == 0xE0 || lead == 0xF0
                            ? " is an overlong (non-shortest) encoding"
                            : lead == 0xED
                                    ? " encodes a UTF-16 surrogate (U+D800-U+DFFF)"
                                    : " encodes a code point past U+10FFFF")
                    + ", which UTF-8 forbids";
        }
        return "0x" + hex(lead) + " starts a sequence of " + (sequenceLength(lead)) + " bytes, but byte " + offset
                + " (0x" + hex(b) + ") is not a continuation byte";
    }

    private static int sequenceLength(int lead) {
        return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    }

    /** At the end of the body: a sequence cut short is refused. */
    private void end() throws CharConversionException {
        if (needed > 0) {
            throw refused(
                    start,
                    "0x" + hex(lead) + " starts a sequence of " + sequenceLength(lead)
                            + " bytes, but the body ends first");
        }
    }

    private static String hex(int b) {
        return String.format("%02X", b);
    }

    private static CharConversionException refused(long at, String why) {
        return new CharConversionException("invalid UTF-8 at byte offset " + at + " (counted from 0): " + why
                + "; JSON must be UTF-8 (RFC 8259, section 8.1)");
    }
}
