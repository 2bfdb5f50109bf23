package org.tabserve.rows.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Refuses a name given twice in one object of a JSON request's rows (the top level, or a row of {@code instances}),
 * as Jackson's strict duplicate detection does, in the same words, without its set of names for every object of
 * three names or more: a feature's name is a bit at its position, and only a name the model does not take goes into
 * a set, made when the first one comes. The objects it checks are read with Jackson's detection off
 * ({@link #off}); every other object of the body keeps it: a value the rows reader only skips or hands on whole (an
 * ignored field's, a feature's that is not a scalar, pandas' arrays) is given a detector of its own ({@link
 * #nested}), which the objects within it inherit.
 */
final class NamesSeen {

    private long features;
    /** The positions past 63, for a model of more features; null until needed. */
    private BitSet more;
    /** The names given that are not features; null until the first. */
    private Set<String> others;

    /** Turns Jackson's detection off for a parser that has read nothing yet: its objects are checked here. */
    static void off(JsonParser parser) {
        parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * Gives the object or array {@code token} has just opened Jackson's detection, for itself and every object within
     * it; any other token is left as it is.
     *
     * @return {@code token}
     */
    static JsonToken nested(JsonParser parser, JsonToken token) {
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
        return token;
    }

    /** Forgets the names of the object before: a new one starts. */
    void clear() {
        features = 0;
        if (more != null) {
            more.clear();
        }
        if (others != null) {
            others.clear();
        }
    }

    /**
     * Notes the name just read, {@code name}: feature {@code position}'s, or with a null position one the model does not
     * take.
     *
     * @throws JsonParseException "Duplicate field 'name'", as Jackson words it, when the object gave it before
     */
    void name(JsonParser parser, String name, Integer position) throws java.io.IOException {
        if (position != null) {
            feature(parser, position);
        } else {
            other(parser, name);
        }
    }

    /**
     * Notes feature {@code position}'s name, the parser's current one.
     *
     * @throws JsonParseException "Duplicate field 'name'", as Jackson words it, when the object gave it before
     */
    void feature(JsonParser parser, int position) throws java.io.IOException {
        boolean seen;
        if (position < Long.SIZE) {
            long bit = 1L << position;
            seen = (features & bit) != 0;
            features |= bit;
        } else {
            more = more == null ? new BitSet() : more;
            seen = more.get(position);
            more.set(position);
        }
        if (seen) {
            throw duplicate(parser, parser.currentName());
        }
    }

    /**
     * Notes a name that is not a feature's, just read.
     *
     * @throws JsonParseException "Duplicate field 'name'" when the object gave it before
     */
    void other(JsonParser parser, String name) throws JsonParseException {
        others = others == null ? new HashSet<>() : others;
        if (!others.add(name)) {
            throw duplicate(parser, name);
        }
    }

    /** Jackson's refusal, placed where it places it: just after the repeated name's closing quote. */
    private static JsonParseException duplicate(JsonParser parser, String name) {
        JsonLocation start = parser.currentTokenLocation(); // the name's opening quote
        int quoted = name.getBytes(StandardCharsets.UTF_8).length + 2; // as sent, unless the name had escapes
        JsonLocation end = new JsonLocation(
                start.contentReference(),
                start.getByteOffset() < 0 ? -1 : start.getByteOffset() + quoted,
                start.getCharOffset() < 0 ? -1 : start.getCharOffset() + quoted,
                start.getLineNr(),
                start.getColumnNr() + quoted);
        return new JsonParseException(parser, "Duplicate field '" + name + "'", end);
    }
}
