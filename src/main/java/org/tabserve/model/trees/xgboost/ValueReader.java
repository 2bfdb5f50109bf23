package org.tabserve.model.trees.xgboost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.xgboost.Tokens.Kind;

/**
 * Reads the values of a model document from its {@link Tokens}: strings, numbers, and arrays that grow only up to the
 * bound their caller gives, so that a long array is refused before it costs more than the bound. A refusal names the
 * field.
 */
final class ValueReader {

    /** The most entries of a small object (a parameter list, the attributes). */
    static final int MAX_ENTRIES = 1_000;

    private final Tokens tokens;

    /** How many values an array may hold, and the bound that says so, in words. */
    record Cap(int values, String bound) {
        static Cap of(int values) {
            return new Cap(values, "past a bound of the reader");
        }
    }

    ValueReader(Tokens tokens) {
        this.tokens = tokens;
    }

    Tokens tokens() {
        return tokens;
    }

    Kind next() {
        return tokens.next();
    }

    /** Reads the next token and refuses it unless it is {@code kind}. */
    void expect(Kind kind, String field) {
        Kind got = tokens.next();
        if (got != kind) {
            throw wrongType(field, got);
        }
    }

    static ForestFormatException wrongType(String field, Kind got) {
        return new ForestFormatException(
                "the model's '" + field + "' is not what XGBoost writes there (found " + describe(got) + ")");
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case INTEGER, FLOAT -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
            default -> "the end of a container";
        };
    }

    /** Skips the value whose first token was just read, however deeply it nests (iteratively). */
    void skip(Kind first) {
        if (first != Kind.OBJECT && first != Kind.ARRAY) {
            if (first == Kind.END || first == Kind.END_OBJECT || first == Kind.END_ARRAY) {
                throw new ForestFormatException("the model document ends where a value was expected");
            }
            return;
        }
        int open = 1;
        while (open > 0) {
            Kind k = tokens.next();
            if (k == Kind.OBJECT || k == Kind.ARRAY) {
                open++;
            } else if (k == Kind.END_OBJECT || k == Kind.END_ARRAY) {
                open--;
            } else if (k == Kind.END) {
                throw new ForestFormatException("the model document ends inside a value");
            }
        }
    }

    /**
     * @return the next field's name in the object being read, or null at its end
     */
    String nextField(String object) {
        Kind k = tokens.next();
        if (k == Kind.END_OBJECT) {
            return null;
        }
        if (k != Kind.NAME) {
            throw wrongType(object, k);
        }
        return tokens.text();
    }

    String string(String field) {
        Kind k = tokens.next();
        if (k != Kind.STRING) {
            throw wrongType(field, k);
        }
        return tokens.text();
    }

    /** An XGBoost parameter: a string holding an integer (as XGBoost writes it), or an integer. */
    long integerParameter(String field) {
        Kind k = tokens.next();
        if (k == Kind.INTEGER) {
            return tokens.integer();
        }
        if (k != Kind.STRING) {
            throw wrongType(field, k);
        }
        try {
            return Long.parseLong(tokens.text().strip());
        } catch (NumberFormatException e) {
            throw new ForestFormatException("the model's '" + field + "' is not a whole number");
        }
    }

    long integer(String field) {
        Kind k = tokens.next();
        if (k != Kind.INTEGER) {
            throw wrongType(field, k);
        }
        return tokens.integer();
    }

    /** An object of parameters (strings, numbers or booleans), as text; nested values skipped. */
    Map<String, String> parameters(String field) {
        expect(Kind.OBJECT, field);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name = nextField(field); name != null; name = nextField(field)) {
            Kind k = tokens.next();
            switch (k) {
                case STRING -> out.put(name, tokens.text());
                case INTEGER -> out.put(name, Long.toString(tokens.integer()));
                case FLOAT -> out.put(name, Float.toString(tokens.number()));
                case TRUE, FALSE -> out.put(name, k == Kind.TRUE ? "1" : "0");
                default -> skip(k);
            }
            if (out.size() > MAX_ENTRIES) {
                throw new ForestFormatException(
                        "the model's '" + field + "' has more than " + MAX_ENTRIES + " entries");
            }
        }
        return out;
    }

    List<String> strings(String field, int cap) {
        return strings(field, Cap.of(cap));
    }

    List<String> strings(String field, Cap limit) {
        int cap = limit.values();
        expect(Kind.ARRAY, field);
        List<String> out = new ArrayList<>();
        for (Kind k = tokens.next(); k != Kind.END_ARRAY; k = tokens.next()) {
            if (k != Kind.STRING) {
                throw wrongType(field, k);
            }
            if (out.size() >= cap) {
                throw tooMany(field, limit);
            }
            out.add(tokens.text());
        }
        return out;
    }

    long[] integers(String field, int cap) {
        return integers(field, Cap.of(cap));
    }

    long[] integers(String field, Cap limit) {
        int cap = limit.values();
        expect(Kind.ARRAY, field);
        long[] out = new long[Math.min(cap, 16)];
        int n = 0;
        for (Kind k = tokens.next(); k != Kind.END_ARRAY; k = tokens.next()) {
            long v = whole(field, k);
            if (n >= cap) {
                throw tooMany(field, limit);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(cap, 2L * n));
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    /** An integer array's element: a whole number, or a boolean as 1 or 0 (as UBJSON may hold one). */
    private long whole(String field, Kind k) {
        if (k == Kind.INTEGER) {
            return tokens.integer();
        }
        if (k == Kind.TRUE || k == Kind.FALSE) {
            return k == Kind.TRUE ? 1 : 0;
        }
        throw wrongType(field, k);
    }

    /** An array of integers that each fit an int, refused otherwise. */
    int[] ints(String field, Cap limit) {
        expect(Kind.ARRAY, field);
        int cap = limit.values();
        int[] out = new int[Math.min(cap, 16)];
        int n = 0;
        for (Kind k = tokens.next(); k != Kind.END_ARRAY; k = tokens.next()) {
            long v = whole(field, k);
            if (v != (int) v) {
                throw new ForestFormatException("the model's '" + field + "' holds a value past 32 bits");
            }
            if (n >= cap) {
                throw tooMany(field, limit);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(cap, 2L * n));
            }
            out[n++] = (int) v;
        }
        return Arrays.copyOf(out, n);
    }

    float[] floats(String field, int cap) {
        return floats(field, Cap.of(cap));
    }

    float[] floats(String field, Cap limit) {
        int cap = limit.values();
        expect(Kind.ARRAY, field);
        float[] out = new float[Math.min(cap, 16)];
        int n = 0;
        for (Kind k = tokens.next(); k != Kind.END_ARRAY; k = tokens.next()) {
            if (k != Kind.FLOAT && k != Kind.INTEGER) {
                throw wrongType(field, k);
            }
            if (n >= cap) {
                throw tooMany(field, limit);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(cap, 2L * n));
            }
            out[n++] = tokens.number();
        }
        return Arrays.copyOf(out, n);
    }

    static ForestFormatException tooMany(String field, int cap) {
        return tooMany(field, Cap.of(cap));
    }

    static ForestFormatException tooMany(String field, Cap limit) {
        return new ForestFormatException(
                "the model's '" + field + "' holds more than " + limit.values() + " values, " + limit.bound());
    }
}
