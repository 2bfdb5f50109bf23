package org.tabserve.web.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.read.RowFootprint;
import org.tabserve.serving.budget.MemoryBudget;

/**
 * The web layer's JSON: the answers' media type, the mapper over the one Jackson factory ({@link JsonText}), and what a
 * body may hold before it costs the {@link MemoryBudget}.
 */
public final class Json {

    /**
     * Body bytes that take nothing from the budget (at {@link RowFootprint#PER_BODY_BYTE} a byte): single rows and
     * batches of about a hundred, the hot path, never wait. Small enough that all the requests served at once (64 by default) hold only a few MB unbudgeted.
     */
    public static final long UNMETERED_BYTES = 8 << 10;
    /**
     * The Content-Type of every JSON answer, charset included, set in one call: Jetty knows this exact value (one
     * cached, pre-encoded header), where {@code application/json} then {@code setCharacterEncoding} costs it a
     * second lookup and a rebuilt header on every answer.
     */
    public static final String MEDIA_TYPE = "application/json;charset=utf-8";

    public static final ObjectMapper MAPPER =
            new ObjectMapper(JsonText.FACTORY).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    /** Starts a 200 JSON answer and returns its generator; the caller closes it. */
    public static JsonGenerator start(HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType(MEDIA_TYPE);
        return JsonText.FACTORY.createGenerator(response.getOutputStream());
    }
}
