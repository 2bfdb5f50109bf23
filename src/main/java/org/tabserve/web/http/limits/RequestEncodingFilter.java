package org.tabserve.web.http.limits;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.request.MediaType;

/**
 * Takes request bodies sent with {@code Content-Encoding: gzip}: the app's servlets read them inflated, and count
 * the inflated bytes against their limits ({@code tabserve.max-body-bytes}, {@code tabserve.max-upload-bytes}), so
 * that a gzip bomb is a 413. Any other content coding is a 415 naming it, rather than bytes misread as JSON.
 *
 * <p>Why a filter and not Jetty's {@code GzipHandler}: its request inflation ({@code inflateBufferSize}) would also
 * count inflated bytes, but it exists only where Jetty runs the WAR and is configured so (off in a Jetty base's
 * {@code gzip} module by default; Tomcat has no request inflation at all), and it compresses answers too. A servlet
 * filter with {@link java.util.zip.GZIPInputStream} behaves the same in every container. Its one limit: the
 * container parses multipart and form bodies itself, from the bytes as sent, so a wrapper cannot inflate those: a
 * gzip-encoded multipart or form body is a 415 that says to upload the file gzip-compressed ({@code .csv.gz})
 * instead, which {@code PredictFileHandler} inflates, and any container takes.
 */
public final class RequestEncodingFilter extends HttpFilter {

    /** Request attribute set on a body that is read inflated, for the 413's wording. */
    static final String INFLATED = "org.tabserve.web.inflated";

    private final transient ErrorRenderer errors;

    public RequestEncodingFilter(ErrorRenderer errors) {
        this.errors = errors;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getHeader("Content-Encoding") == null) { // nearly every request: nothing to parse or allocate
            chain.doFilter(request, response);
            return;
        }
        List<String> codings = codings(request);
        if (codings.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        HttpProblem refusal = refusal(codings, request.getHeader("Content-Type"));
        if (refusal != null) {
            errors.render(request, response, refusal);
            return;
        }
        request.setAttribute(INFLATED, Boolean.TRUE);
        chain.doFilter(new Inflated(request), response);
    }

    /** The content codings applied to the body, in order, {@code identity} left out. */
    static List<String> codings(HttpServletRequest request) {
        List<String> codings = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders("Content-Encoding");
                values != null && values.hasMoreElements(); ) {
            for (String coding : values.nextElement().split(",")) {
                String name = coding.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("identity")) {
                    codings.add(name);
                }
            }
        }
        return codings;
    }

    /** Why a body with these codings cannot be read, or null when it is gzip the app can inflate. */
    static HttpProblem refusal(List<String> codings, String contentType) {
        if (!codings.equals(List.of("gzip")) && !codings.equals(List.of("x-gzip"))) {
            return HttpProblem.unsupportedMediaType("Content-Encoding " + String.join(", ", codings)
                    + " is not supported; send the body uncompressed or with Content-Encoding: gzip");
        }
        MediaType type = MediaType.parse(contentType);
        if (type.isMultipart() || type.isForm()) {
            return HttpProblem.unsupportedMediaType("a gzip-encoded " + type.type() + " body cannot "
                    + "be read; send it uncompressed, with the file itself gzip-compressed (a .csv.gz) if it is large");
        }
        return null;
    }

    /** The request as the servlets see it: its body inflated, of unknown length, with no content coding left. */
    private static final class Inflated extends HttpServletRequestWrapper {
        private ServletInputStream body;
        private BufferedReader reader;

        Inflated(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (reader != null) {
                throw new IllegalStateException("getReader() was called on this request");
            }
            if (body == null) {
                body = new BlockingBody(new GzipInput(super.getInputStream()), this);
            }
            return body;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                String charset = getCharacterEncoding();
                reader = new BufferedReader(new InputStreamReader(
                        getInputStream(),
                        charset == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(charset)));
            }
            return reader;
        }

        @Override
        public int getContentLength() {
            return -1;
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }

        @Override
        public String getHeader(String name) {
            return isLengthOrCoding(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return isLengthOrCoding(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        private static boolean isLengthOrCoding(String name) {
            return "Content-Encoding".equalsIgnoreCase(name) || "Content-Length".equalsIgnoreCase(name);
        }
    }
}
