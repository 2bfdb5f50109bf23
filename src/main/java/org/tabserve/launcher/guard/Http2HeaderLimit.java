package org.tabserve.launcher.guard;

import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses, on its own stream, an HTTP/2 request whose headers are past {@code --max-header-bytes}, as HTTP/1.1
 * refuses one with 431: a REST request gets the 431 problem, a gRPC call RESOURCE_EXHAUSTED naming the limit.
 * <p>
 * Jetty's HPACK decoder cannot refuse one stream: past its limit it ends the whole connection (GOAWAY), since the
 * header block must still be decoded to keep the connection's HPACK table in step (jetty/jetty.project#2040, #11822),
 * and every call multiplexed on it fails. So the HTTP/2 factory decodes up to {@link #connectionCap} (a header block
 * past that still ends its connection, so no client makes the server hold more), and this handler, in front of the
 * web app, applies the per-request limit with the count HTTP/2 uses for it (SETTINGS_MAX_HEADER_LIST_SIZE, RFC 9113
 * 6.5.2): each field's name and value plus 32 bytes, the pseudo-headers included. HTTP/1.1 requests are left to
 * Jetty's parser, which refuses them past the same limit, counted in raw bytes, as it always has.
 */
public final class Http2HeaderLimit extends Handler.Wrapper {

    /** How many times the per-request limit an HTTP/2 header block may reach before it ends its connection. */
    static final int CONNECTION_CAP_FACTOR = 4;
    /** RFC 7541's overhead counted for each header field, beside its name and value. */
    private static final int FIELD_OVERHEAD = 32;

    private final int limit;
    private final String variable;
    private final AtomicLong refusals;

    /**
     * @param limit    the largest header list accepted, in bytes ({@code --max-header-bytes})
     * @param variable the environment variable that sets the limit too, named with the flag in a gRPC refusal
     * @param refusals counts the requests refused
     */
    public Http2HeaderLimit(int limit, String variable, AtomicLong refusals, Handler handler) {
        super(handler);
        this.limit = limit;
        this.variable = variable;
        this.refusals = refusals;
    }

    /** The HTTP/2 factory's configuration: {@code http}'s, with the decoder's limit raised to the connection cap. */
    public static HttpConfiguration http2Configuration(HttpConfiguration http) {
        HttpConfiguration http2 = new HttpConfiguration(http);
        http2.setRequestHeaderSize(connectionCap(http.getRequestHeaderSize()));
        return http2;
    }

    /** The largest header block an HTTP/2 connection decodes, for a per-request limit of {@code limit} bytes. */
    static int connectionCap(int limit) {
        return (int) Math.min(Integer.MAX_VALUE, (long) CONNECTION_CAP_FACTOR * limit);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_2) {
            return super.handle(request, response, callback);
        }
        long size = headerListSize(request);
        if (size <= limit) {
            return super.handle(request, response, callback);
        }
        refusals.incrementAndGet();
        if (GrpcTrailersOnly.isGrpc(request)) {
            GrpcTrailersOnly.refuse(
                    response,
                    GrpcTrailersOnly.RESOURCE_EXHAUSTED,
                    "request headers (metadata) of "
                            + size + " bytes are past the limit of " + limit
                            + " bytes; the launcher's --max-header-bytes ("
                            + variable + ") raises it",
                    callback);
        } else {
            Response.writeError(request, response, callback, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431);
        }
        return true;
    }

    /** The request's header list size as HTTP/2 counts it: each field's name and value plus 32, pseudo-headers too. */
    static long headerListSize(Request request) {
        HttpURI uri = request.getHttpURI();
        long size = field(":method", request.getMethod())
                + field(":scheme", uri.getScheme())
                + field(":path", uri.getPathQuery());
        if (uri.hasAuthority()) {
            size += field(":authority", uri.getAuthority());
        }
        for (HttpField header : request.getHeaders()) {
            size += field(header.getName(), header.getValue());
        }
        return size;
    }

    private static long field(String name, String value) {
        return (long) name.length() + (value == null ? 0 : value.length()) + FIELD_OVERHEAD;
    }
}
