package org.tabserve.rows.field;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.InputStream;

/**
 * JSON text as tabserve reads and writes it: the one configured Jackson factory, the one way a JSON body is opened,
 * and the words for what is wrong with one. Every JSON reader of rows and every JSON answer uses it.
 */
public final class JsonText {

    /**
     * Strict reading: duplicate keys are errors, nesting and string sizes are bounded. Writing never closes the
     * servlet's stream, so the container finishes each response itself (and can keep the connection). Buffers are
     * recycled through a pool of this factory's, not Jackson's default thread-locals: those stay on the container's
     * request threads after an undeploy and keep the old web app's class loader alive (JettyRedeployIT measured it).
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            // An answer that fails half-way must stay visibly unfinished, not be closed into valid JSON.
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            // Leave committing to the container: it can then still close a connection whose body went unread.
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Python's json.dumps writes NaN (and Infinity) by default, and pandas' missing values are NaN: they are
            // read as numbers here, and the readers of cells say what NaN means ({@link #isNaN}).
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Schubfach and FastDoubleParser instead of the JDK's number conversions: the same doubles (both are
            // exact round trips), at a fraction of the cost on batch answers (two probabilities per row).
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(100_000)
                    .maxNumberLength(400)
                    .build())
            .build();

    private JsonText() {}

    /**
     * A parser of a JSON request body, the one way every JSON reader opens one: the body must be UTF-8 (RFC 8259
     * §8.1), checked as it is read ({@link Utf8Input}); Jackson would otherwise guess UTF-16 or UTF-32 from its first
     * bytes and take overlong UTF-8 forms.
     *
     * <p>When the parser reads a byte that is not UTF-8 it throws a {@link java.io.CharConversionException} naming
     * the byte's offset, which {@link #malformed} words as a 400 (a reader that knows the field it reads names it).
     */
    public static JsonParser parser(InputStream body) throws IOException {
        return FACTORY.createParser(new Utf8Input(body));
    }

    /**
     * The refusal of a body Jackson cannot read as JSON: a syntax error (with its line and column), or another fault
     * Jackson reports as an IOException.
     */
    public static RowsException malformed(IOException e) {
        if (e instanceof JsonProcessingException syntax) {
            JsonLocation at = syntax.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return RowsException.malformed(
                    "malformed JSON" + where + ": " + withoutSettings(syntax.getOriginalMessage()));
        }
        return RowsException.malformed("malformed JSON: " + e.getMessage());
    }

    /**
     * Whether the parser is at a bare {@code NaN}, Python's and pandas' word for a missing value, which every JSON
     * reader of cells takes as {@code null} (Infinity is a number out of range, not a missing value).
     */
    public static boolean isNaN(JsonParser parser) throws IOException {
        return parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT
                && parser.isNaN()
                && Double.isNaN(parser.getDoubleValue());
    }

    /** Jackson's advice to enable one of its features: a setting of this server, which a caller cannot change. */
    private static final java.util.regex.Pattern SETTING = java.util.regex.Pattern.compile(
            "[:;,]?\\s*\\(?(?:enable|use)\\s+(?:`|')?(?:JsonReadFeature|JsonParser\\.Feature|StreamReadFeature)\\.[A-Z_]+"
                    + "(?:`|')?\\s+(?:to allow|to accept)[^)]*\\)?|\\s*\\(JSON ?Feature[^)]*\\)");

    /** Jackson's message without the names of its Java settings, which tell a caller nothing it can do. */
    static String withoutSettings(String message) {
        return message == null ? "" : SETTING.matcher(message).replaceAll("");
    }

    /**
     * Counts the items of the array a parser has just started, skipping each without keeping it, and leaves the
     * parser on the array's end.
     *
     * @param check told how many items were counted before each next one (a bound on the rows refuses past it)
     */
    public static int countItems(JsonParser parser, java.util.function.IntConsumer check) throws IOException {
        int count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            check.accept(count);
            parser.skipChildren();
            count++;
        }
        return count;
    }

    /** What a JSON token is, in words for an error message: "a string", "a number", "null", … */
    public static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> token.toString();
        };
    }

    /** Names as a JSON-like list, {@code ["a", "b"]}; a hostile body's thousands of names are cut after the first twenty. */
    public static String quotedNames(java.util.Collection<String> names) {
        StringBuilder text = new StringBuilder("[");
        int shown = 0;
        for (String name : names) {
            if (shown == 20) {
                text.append(", … (").append(names.size() - shown).append(" more)");
                break;
            }
            text.append(shown++ > 0 ? ", " : "").append('"').append(name).append('"');
        }
        return text.append(']').toString();
    }
}
