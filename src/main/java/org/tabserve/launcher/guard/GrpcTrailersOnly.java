package org.tabserve.launcher.guard;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The launcher's refusal of a gRPC call before the web app sees it: a trailers-only answer (HTTP 200 with
 * {@code grpc-status} and {@code grpc-message}), as gRPC refuses a call; an HTTP error status would reach the client as
 * UNKNOWN.
 */
final class GrpcTrailersOnly {

    /** {@code grpc-status} UNAVAILABLE: busy now, which clients may retry. */
    static final String UNAVAILABLE = "14";
    /** {@code grpc-status} RESOURCE_EXHAUSTED: past a limit. */
    static final String RESOURCE_EXHAUSTED = "8";

    private static final String GRPC = "application/grpc";

    private GrpcTrailersOnly() {}

    /** @return whether the request is a gRPC call (its content type is gRPC's, with or without a suffix) */
    static boolean isGrpc(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, GRPC, 0, GRPC.length());
    }

    /** Ends the call with {@code status} and {@code message} (percent-encoded where gRPC asks). */
    static void refuse(Response response, String status, String message, Callback callback) {
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, GRPC);
        response.getHeaders().put("grpc-status", status);
        response.getHeaders().put("grpc-message", message.replace("%", "%25"));
        response.write(true, null, callback);
    }
}
