package org.tabserve.model.trees.xgboost;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import org.tabserve.model.StrictUtf8;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;

/**
 * An XGBoost UBJSON model ({@code save_model("model.ubj")}) as {@link Tokens}: our own bounded reader of Universal
 * Binary JSON (big-endian, counted and typed containers as XGBoost writes them, {@code ]}/{@code }}-closed ones too).
 * Every declared length is checked against the bytes left before anything is allocated for it, nesting is bounded, and
 * a file that ends inside a value is refused as truncated.
 */
final class UbjsonTokens implements Tokens {

    private final byte[] in;
    private final int maxNesting;
    private int pos;
    private boolean started;

    // The open containers, innermost last.
    private int depth;
    private final boolean[] object;
    private final boolean[] counted;
    private final long[] remaining;
    private final byte[] elementType;
    private final boolean[] wantName;

    private String text;
    private long integer;
    private float number;

    UbjsonTokens(byte[] file, ForestLimits limits) {
        this.in = file;
        this.maxNesting = limits.maxNesting();
        this.object = new boolean[maxNesting];
        this.counted = new boolean[maxNesting];
        this.remaining = new long[maxNesting];
        this.elementType = new byte[maxNesting];
        this.wantName = new boolean[maxNesting];
    }

    @Override
    public Kind next() {
        if (depth == 0) {
            if (started) {
                return Kind.END;
            }
            started = true;
            return value(marker());
        }
        int f = depth - 1;
        if (counted[f] && remaining[f] == 0) {
            depth--;
            return object[f] ? Kind.END_OBJECT : Kind.END_ARRAY;
        }
        if (object[f] && wantName[f]) {
            if (!counted[f] && peekMarker() == '}') {
                pos++;
                depth--;
                return Kind.END_OBJECT;
            }
            text = string(lengthOf(marker()));
            wantName[f] = false;
            return Kind.NAME;
        }
        byte marker;
        if (elementType[f] != 0) {
            marker = elementType[f];
        } else {
            marker = marker();
            if (!counted[f] && !object[f] && marker == ']') {
                depth--;
                return Kind.END_ARRAY;
            }
        }
        if (counted[f]) {
            remaining[f]--;
        }
        if (object[f]) {
            wantName[f] = true;
        }
        return value(marker);
    }

    private Kind value(byte marker) {
        switch (marker) {
            case 'Z':
                return Kind.NULL;
            case 'T':
                return Kind.TRUE;
            case 'F':
                return Kind.FALSE;
            case 'i', 'U', 'I', 'l', 'L':
                integer = integerOf(marker);
                number = integer;
                return Kind.INTEGER;
            case 'd':
                number = Float.intBitsToFloat((int) bigEndian(4));
                return Kind.FLOAT;
            case 'D':
                number = (float) Double.longBitsToDouble(bigEndian(8));
                return Kind.FLOAT;
            case 'C':
                need(1);
                text = String.valueOf((char) (in[pos++] & 0xff));
                return Kind.STRING;
            case 'S':
                text = string(lengthOf(marker()));
                return Kind.STRING;
            case '[', '{':
                open(marker == '{');
                return marker == '{' ? Kind.OBJECT : Kind.ARRAY;
            case 'H':
                throw refuse("holds a high-precision number, which XGBoost does not write");
            default:
                throw refuse("holds an unknown type marker");
        }
    }

    private void open(boolean isObject) {
        if (depth >= maxNesting) {
            throw refuse("nests deeper than " + maxNesting + " levels");
        }
        int f = depth;
        byte type = 0;
        long count = -1;
        if (peekMarker() == '$') {
            pos++;
            need(1);
            type = in[pos++];
            if (sizeOf(type) == 0) {
                throw refuse("declares a typed container of a type XGBoost does not write");
            }
            if (peekMarker() != '#') {
                throw refuse("declares a typed container without its count");
            }
        }
        if (peekMarker() == '#') {
            pos++;
            count = lengthOf(marker());
            long least = type != 0 ? sizeOf(type) : isObject ? 2 : 1;
            if (count > (in.length - pos) / least) {
                throw refuse("declares a container of " + count + " elements, more than the file's bytes can hold");
            }
        }
        object[f] = isObject;
        counted[f] = count >= 0;
        remaining[f] = count;
        elementType[f] = type;
        wantName[f] = isObject;
        depth++;
    }

    private static int sizeOf(byte type) {
        return switch (type) {
            case 'i', 'U' -> 1;
            case 'I' -> 2;
            case 'l', 'd' -> 4;
            case 'L', 'D' -> 8;
            default -> 0;
        };
    }

    private byte marker() {
        while (true) {
            need(1);
            byte b = in[pos++];
            if (b != 'N') {
                return b;
            }
        }
    }

    private byte peekMarker() {
        while (true) {
            need(1);
            if (in[pos] != 'N') {
                return in[pos];
            }
            pos++;
        }
    }

    private long integerOf(byte marker) {
        return switch (marker) {
            case 'i' -> (byte) bigEndian(1);
            case 'U' -> bigEndian(1) & 0xff;
            case 'I' -> (short) bigEndian(2);
            case 'l' -> (int) bigEndian(4);
            case 'L' -> bigEndian(8);
            default -> throw refuse("holds a length that is not an integer");
        };
    }

    private long lengthOf(byte marker) {
        long length = integerOf(marker);
        if (length < 0) {
            throw refuse("declares a negative length");
        }
        return length;
    }

    private String string(long length) {
        if (length > in.length - pos) {
            throw refuse("declares a string of " + length + " bytes, more than the file holds");
        }
        if (length > JsonTokens.MAX_STRING) {
            throw refuse("holds a string longer than " + JsonTokens.MAX_STRING + " bytes");
        }
        int n = (int) length;
        try {
            String s = StrictUtf8.decode(ByteBuffer.wrap(in, pos, n));
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw refuse("holds a string that is not UTF-8");
        }
    }

    private long bigEndian(int bytes) {
        need(bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    private void need(int bytes) {
        if (bytes > in.length - pos) {
            throw new ForestFormatException(
                    "the XGBoost UBJSON file is truncated: it ends in the middle of a value (at byte " + pos + ")");
        }
    }

    private ForestFormatException refuse(String what) {
        return new ForestFormatException("the XGBoost UBJSON file " + what + " (at byte " + pos + ")");
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public long integer() {
        return integer;
    }

    @Override
    public float number() {
        return number;
    }

    @Override
    public String format() {
        return "XGBoost UBJSON";
    }
}
