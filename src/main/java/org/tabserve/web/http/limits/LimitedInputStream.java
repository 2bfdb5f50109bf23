package org.tabserve.web.http.limits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.tabserve.rows.read.RowFootprint;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;

/**
 * Reads at most a set number of bytes and answers 413 past it, for bodies that come without a Content-Length and for
 * gzip data, whose inflated bytes it counts. A body
 * that cannot be read to its end (the client went silent past the idle timeout, hung up, or broke the chunked
 * encoding) is the client's fault: a 408 or 400, never a 500 logged as a server failure.
 */
public final class LimitedInputStream extends FilterInputStream {

    /** How a timeout that is a minimum body rate's words for the client begins. */
    private static final String SLOW_BODY = "the request body ";

    private final long limit;
    private final String setting;
    private final String what;
    private long count;

    /**
     * @param setting the setting the limit comes from ({@link WebConfig#MAX_BODY_BYTES}, ...), named in the 413
     * @param what    what is read, for the 413's message ("the body", "the file inflated")
     */
    LimitedInputStream(InputStream in, long limit, String setting, String what) {
        super(in);
        this.limit = limit;
        this.setting = setting;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        count += n;
        if (count > limit) {
            throw HttpProblem.tooLarge(
                    what + " is larger than the limit of " + limit + " bytes; " + WebConfig.raisedBy(setting));
        }
    }

    /** The problem for a request body that broke off: 408 when it timed out, 400 otherwise (or broken gzip). */
    public static HttpProblem unreadable(IOException failure) {
        if (failure instanceof GzipInput.Corrupt corrupt) {
            return HttpProblem.badRequest("the gzip-compressed data could not be inflated: " + corrupt.getMessage());
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof java.net.SocketTimeoutException) {
                // The launcher's minimum body rate (--min-request-rate) fails a body with words for the client, which
                // say what it sent and name the setting; they begin "the request body". Other timeouts (the idle
                // timeout's "Idle timeout expired: ...") get the words below.
                String words = cause.getMessage();
                return HttpProblem.of(
                        408,
                        "Request timeout",
                        words != null && words.startsWith(SLOW_BODY)
                                ? words
                                : "the request body stopped arriving before its end; the server closes connections that stay "
                                        + "silent");
            }
        }
        return HttpProblem.badRequest(
                "the request body could not be read to its end (the client hung up or sent a " + "broken encoding)");
    }

    /**
     * Opens a request body, refusing it up front when its declared length is over the limit. A gzip-encoded body
     * ({@link RequestEncodingFilter}) has no declared length: its inflated bytes are counted instead.
     *
     * @param setting the setting {@code limit} comes from ({@link WebConfig#MAX_BODY_BYTES}, ...), named in the 413
     */
    public static InputStream body(jakarta.servlet.http.HttpServletRequest request, long limit, String setting)
            throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw HttpProblem.declaredTooLarge("the body", declared, limit, setting);
        }
        boolean inflated = request.getAttribute(RequestEncodingFilter.INFLATED) != null;
        return new LimitedInputStream(
                request.getInputStream(), limit, setting, inflated ? "the body inflated" : "the body");
    }

    /**
     * Opens a JSON request body within the body limit ({@link WebConfig#MAX_BODY_BYTES}), metered by the request's
     * reservation as its parsed rows hold it ({@link RowFootprint#PER_BODY_BYTE} a byte past the first
     * {@link Json#UNMETERED_BYTES}), its declared length reserved up front where the budget has room
     * ({@link MemoryBudget.Reservation#meteredUpFront}).
     */
    public static InputStream meteredJsonBody(
            jakarta.servlet.http.HttpServletRequest request, WebConfig config, MemoryBudget.Reservation held)
            throws IOException {
        return held.meteredUpFront(
                body(request, config.maxBodyBytes(), WebConfig.MAX_BODY_BYTES),
                request.getContentLengthLong(),
                Json.UNMETERED_BYTES,
                RowFootprint.PER_BODY_BYTE);
    }
}
