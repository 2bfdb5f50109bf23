package org.tabserve.web.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one configured Jackson setup of the web layer: strict on what it reads, plain in what it writes. */
public final class Json {

    /**
     * Heap a parsed JSON request holds per byte of its body, over-estimated (names and boxed numbers per row, the rows,
     * the predictions and their answer), for the {@link MemoryBudget}: a 70-byte object row becomes about 600 bytes.
     */
    public static final int HEAP_BYTES_PER_BODY_BYTE = 16;
    /**
     * Body bytes that take nothing from the budget: single rows and batches of about a hundred, the hot path, never
     * wait. Small enough that all the requests served at once (64 by default) hold only a few MB unbudgeted.
     */
    public static final long UNMETERED_BYTES = 8 << 10;
    /**
     * The Content-Type of every JSON answer, charset included, set in one call: Jetty knows this exact value (one
     * cached, pre-encoded header), where {@code application/json} then {@code setCharacterEncoding} costs it a
     * second lookup and a rebuilt header on every answer.
     */
    public static final String MEDIA_TYPE = "application/json;charset=utf-8";

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
            // Schubfach and FastDoubleParser instead of the JDK's number conversions: the same doubles (both are
            // exact round trips), at a fraction of the cost on batch answers (two probabilities per row).
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64).maxStringLength(100_000).maxNumberLength(400).build())
            .build();

    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /**
     * A parser of a JSON request body, the one way every JSON route opens one: the body must be UTF-8 (RFC 8259
     * §8.1), checked as it is read ({@link Utf8Input}); Jackson would otherwise guess UTF-16 or UTF-32 from its first
     * bytes and take overlong UTF-8 forms.
     *
     * <p>When the parser reads a byte that is not UTF-8 it throws a {@link java.io.CharConversionException} naming
     * the byte's offset, which {@link #malformed} answers as a 400 (a reader that knows the field it reads names it).
     */
    public static com.fasterxml.jackson.core.JsonParser parser(java.io.InputStream body) throws java.io.IOException {
        return FACTORY.createParser(new Utf8Input(body));
    }

    /**
     * The 400 for a body Jackson cannot read as JSON: a syntax error (with its line and column), or another fault
     * Jackson reports as an IOException.
     */
    public static HttpProblem malformed(java.io.IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException syntax) {
            com.fasterxml.jackson.core.JsonLocation at = syntax.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return HttpProblem.badRequest("malformed JSON" + where + ": " + syntax.getOriginalMessage());
        }
        return HttpProblem.badRequest("malformed JSON: " + e.getMessage());
    }

    /** What a JSON token is, in words for an error message: "a string", "a number", "null", … */
    public static String describe(com.fasterxml.jackson.core.JsonToken token) {
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
}
