package org.tabserve.web.http.limits;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose small body has been read in full before it takes a concurrency slot, served from memory after: a
 * client that trickles a small body waits for it alone and holds no slot meanwhile, as a proxy that buffers request
 * bodies makes it wait. Only for a declared length the filter has room for
 * ({@link ConcurrencyLimitFilter#readsAhead}), so what this holds is bounded.
 */
final class ArrivedBody extends HttpServletRequestWrapper {

    private final byte[] body;
    private ServletInputStream stream;
    private BufferedReader reader;

    private ArrivedBody(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    /** {@code request} with {@code body}, which arrived in full (read without blocking: {@link BodyReadAhead}). */
    static ArrivedBody of(HttpServletRequest request, byte[] body) {
        return new ArrivedBody(request, body);
    }

    /**
     * {@code request} as an answer refusing it sees it: with no body, so that the answer neither reads nor waits for
     * the rest of a body it refuses for being slow (the answer closes the connection).
     */
    static ArrivedBody none(HttpServletRequest request) {
        return new ArrivedBody(request, new byte[0]);
    }

    /**
     * Reads the body of {@code request} to its end, of its declared length {@code declared}, which the caller has read.
     *
     * @throws IOException when the body breaks off (the client went silent, too slow, or hung up)
     */
    static ArrivedBody read(HttpServletRequest request, long declared) throws IOException {
        if (declared < 0 || declared > ConcurrencyLimitFilter.MAX_READ_AHEAD_BYTES) {
            throw new IllegalArgumentException("not a small body: " + declared + " bytes");
        }
        byte[] body = request.getInputStream().readNBytes((int) declared);
        if (body.length < declared) {
            throw new java.io.EOFException("the body ended after " + body.length + " of " + declared + " bytes");
        }
        return new ArrivedBody(request, body);
    }

    /**
     * The body's length, which is the length it was declared with (it was read to exactly that): answered from here,
     * so that the servlet's reads of it do not each walk the container's request wrappers to the header.
     */
    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
        if (reader != null) {
            throw new IllegalStateException("getReader() was called on this request");
        }
        if (stream == null) {
            stream = new BlockingBody(new ByteArrayInputStream(body), this);
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() {
        if (stream != null && reader == null) {
            throw new IllegalStateException("getInputStream() was called on this request");
        }
        if (reader == null) {
            String charset = getCharacterEncoding();
            reader = new BufferedReader(new InputStreamReader(
                    new ByteArrayInputStream(body),
                    charset == null ? StandardCharsets.ISO_8859_1 : Charset.forName(charset)));
        }
        return reader;
    }
}
