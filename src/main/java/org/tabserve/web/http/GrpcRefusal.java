package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A refusal as a gRPC client reads it: an answer without a message whose {@code grpc-status} and {@code grpc-message}
 * travel as HTTP/2 trailer fields ({@link #sendsStatusInTrailers}), its code mapped from the HTTP status REST answers
 * with. Here, beside the error
 * renderer, because the filters in front of the gRPC servlet (the concurrency limit) refuse gRPC calls too, where an
 * HTTP error page would reach a gRPC client as UNKNOWN or CANCELLED without its words; the gRPC service maps its
 * statuses through the same table ({@link #code}). Codes are gRPC's numbers, so that this package needs no gRPC.
 */
public final class GrpcRefusal {

    public static final int CANCELLED = 1;
    public static final int INVALID_ARGUMENT = 3;
    public static final int DEADLINE_EXCEEDED = 4;
    public static final int NOT_FOUND = 5;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int FAILED_PRECONDITION = 9;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    /**
     * The longest description sent whole, in characters. {@code grpc-message} travels in an HTTP/2 header, and an
     * answer's headers past the container's limit (Jetty's 8 KiB) are not sent at all: the client would get
     * CANCELLED without a word. A description quoting a huge field (a model name of a megabyte) is cut in its middle,
     * keeping its first and last words; percent-encoded, even all non-ASCII, this stays under 5 KiB.
     */
    public static final int MAX_MESSAGE_CHARS = 512;
    /** Of a cut description, the characters kept from its end (the rest of {@link #MAX_MESSAGE_CHARS} from its start). */
    private static final int KEPT_TAIL_CHARS = 160;

    private GrpcRefusal() {}

    /** Whether the request is a gRPC call (its content type is gRPC's, as gRPC's servlet transport decides it). */
    public static boolean isGrpc(HttpServletRequest request) {
        // The header as sent: Jetty's getContentType() throws on a charset it does not know (charset=latin-1).
        String type = request.getHeader("Content-Type");
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, "application/grpc".length());
    }

    /**
     * The gRPC code for an HTTP status: 400 and 415 INVALID_ARGUMENT, 404 NOT_FOUND, 413 and 429 RESOURCE_EXHAUSTED,
     * a 503 to retry shortly UNAVAILABLE and any other 503 RESOURCE_EXHAUSTED, a server fault INTERNAL.
     *
     * @param unavailable whether a 503 means to try again (UNAVAILABLE) rather than that the server lacks room
     */
    public static int code(int status, boolean unavailable) {
        return switch (status) {
            case 400, 415 -> INVALID_ARGUMENT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 408 -> DEADLINE_EXCEEDED;
            case 409, 422 -> FAILED_PRECONDITION;
            case HttpProblem.CLIENT_GONE -> CANCELLED;
            case 413, 429, 431 -> RESOURCE_EXHAUSTED;
            case 503 -> unavailable ? UNAVAILABLE : RESOURCE_EXHAUSTED;
            default -> INTERNAL;
        };
    }

    /** The name gRPC gives a code this class answers with ({@code UNAVAILABLE}), as the metrics label calls. */
    public static String codeName(int code) {
        return switch (code) {
            case 0 -> "OK";
            case CANCELLED -> "CANCELLED";
            case INVALID_ARGUMENT -> "INVALID_ARGUMENT";
            case DEADLINE_EXCEEDED -> "DEADLINE_EXCEEDED";
            case NOT_FOUND -> "NOT_FOUND";
            case PERMISSION_DENIED -> "PERMISSION_DENIED";
            case RESOURCE_EXHAUSTED -> "RESOURCE_EXHAUSTED";
            case FAILED_PRECONDITION -> "FAILED_PRECONDITION";
            case INTERNAL -> "INTERNAL";
            case UNAVAILABLE -> "UNAVAILABLE";
            case UNAUTHENTICATED -> "UNAUTHENTICATED";
            default -> Integer.toString(code);
        };
    }

    /** {@code description}, cut in its middle when it is longer than {@link #MAX_MESSAGE_CHARS}. */
    public static String bounded(String description) {
        if (description == null || description.length() <= MAX_MESSAGE_CHARS) {
            return description;
        }
        int head = MAX_MESSAGE_CHARS - KEPT_TAIL_CHARS;
        int tail = description.length() - KEPT_TAIL_CHARS;
        return description.substring(0, head) + "… (" + (tail - head) + " characters left out) …"
                + description.substring(tail);
    }

    /**
     * Answers the refusal of a call whose answer has not begun. A 503 with {@code Retry-After} (the server is busy)
     * is UNAVAILABLE, for clients to retry.
     */
    static void write(HttpServletRequest request, HttpServletResponse response, HttpProblem problem) {
        write(
                request,
                response,
                code(problem.status(), problem.headers().containsKey("Retry-After")),
                problem.detail());
    }

    /**
     * Answers a call, whose answer has not begun, with {@code code} and {@code description} (bounded): as trailer
     * fields on HTTP/2, else in the headers.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, int code, String description) {
        response.resetBuffer();
        response.setStatus(200);
        response.setContentType("application/grpc");
        Map<String, String> status = new LinkedHashMap<>();
        status.put("grpc-status", Integer.toString(code));
        if (description != null) {
            status.put("grpc-message", percentEncoded(bounded(description)));
        }
        request.setAttribute(REFUSED_WITH, Integer.toString(code));
        if (sendsStatusInTrailers(request)) {
            Map<String, String> trailers = callMetadata(response);
            trailers.putAll(status);
            response.setTrailerFields(() -> trailers);
        } else {
            status.forEach(response::setHeader);
        }
    }

    /** The request attribute that holds the {@code grpc-status} a call was refused with by {@link #write}. */
    public static final String REFUSED_WITH = GrpcRefusal.class.getName() + ".code";

    /**
     * The response's fields so far that a trailers-only answer would have carried to the client as its trailers (the
     * call's metadata: its request id, its trace), which go out as trailers too when the status does: every field but
     * HTTP's own and gRPC's headers-only ones; in the order of their names, since the Servlet API promises the names
     * in no order, so that the same refusal's trailers come out alike in every container and on every start.
     */
    public static Map<String, String> callMetadata(HttpServletResponse response) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(response.getHeaderNames());
        for (String name : names) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!HEADERS_ONLY.contains(lower) && !isStatusField(lower)) {
                metadata.put(lower, String.join(",", response.getHeaders(name)));
            }
        }
        return metadata;
    }

    private static final Set<String> HEADERS_ONLY = Set.of(
            "content-type",
            "content-length",
            "content-encoding",
            "transfer-encoding",
            "connection",
            "date",
            "server",
            "vary",
            "trailer",
            "grpc-encoding",
            "grpc-accept-encoding");

    /**
     * Whether a call's status goes out as trailer fields ({@code HttpServletResponse.setTrailerFields}) rather than
     * as a trailers-only answer's headers: on HTTP/2, where every container sends trailer fields as the frame that ends
     * the stream. A trailers-only answer is one HEADERS frame ending the stream, which the Servlet API cannot ask for:
     * Tomcat sends the headers, then an empty DATA frame ending the stream, and gRPC clients then lose the status
     * (grpc-java: INTERNAL, "Received unexpected EOS on empty DATA frame from server", grpc/grpc-java#10124). Headers,
     * then the status as trailers, is an answer without messages that every gRPC client reads, from every container.
     */
    public static boolean sendsStatusInTrailers(HttpServletRequest request) {
        return "HTTP/2.0".equals(request.getProtocol());
    }

    /** Whether a field is one of a call's status fields, which gRPC sends as trailers (or in a trailers-only answer). */
    public static boolean isStatusField(String name) {
        return name.equalsIgnoreCase("grpc-status")
                || name.equalsIgnoreCase("grpc-message")
                || name.equalsIgnoreCase("grpc-status-details-bin");
    }

    /** gRPC's encoding of {@code grpc-message}: UTF-8, every byte outside printable ASCII and '%' as %XX. */
    static String percentEncoded(String message) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0x20 && b < 0x7f && b != '%') {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }
}
