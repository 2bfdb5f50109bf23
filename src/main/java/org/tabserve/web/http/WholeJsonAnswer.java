package org.tabserve.web.http;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import org.tabserve.rows.JsonText;

/**
 * A 200 JSON answer that is usually small (a lone row's prediction), sent in one write after its Content-Length when
 * it is: the generator holds the whole answer in its own buffer until it is closed, so its length is known before the
 * first byte leaves, and the container then sends those bytes as the response's last content at once, where an
 * answer of unknown length has the container take a buffer from its pool, copy the answer into it and send it at
 * completion. The same bytes and the same headers either way (the container gives a complete small answer its
 * Content-Length too); an answer longer than the generator's buffer is streamed as any other.
 */
public final class WholeJsonAnswer extends OutputStream {

    private final HttpServletResponse response;
    private final OutputStream out;
    /** The bytes the generator has handed on so far: none while it holds the whole answer. */
    private long written;

    private WholeJsonAnswer(HttpServletResponse response) throws IOException {
        this.response = response;
        this.out = response.getOutputStream();
    }

    /** Starts a 200 JSON answer and returns its generator; the caller calls {@link #complete} then closes it. */
    public static JsonGenerator start(HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType(Json.MEDIA_TYPE);
        return JsonText.FACTORY.createGenerator(new WholeJsonAnswer(response));
    }

    /**
     * Says that {@code json}, made by {@link #start}, has written its whole answer: when the generator still holds all
     * of it, the answer's Content-Length is its length, and closing the generator sends it in one write.
     */
    public static void complete(JsonGenerator json) {
        if (json.getOutputTarget() instanceof WholeJsonAnswer answer
                && answer.written == 0
                && !answer.response.isCommitted()) { // committed: AnswerKeepAlive's spaces went first
            answer.response.setContentLength(json.getOutputBuffered());
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        written += length;
        out.write(bytes, offset, length);
    }

    @Override
    public void write(int b) throws IOException {
        written++;
        out.write(b);
    }
}
