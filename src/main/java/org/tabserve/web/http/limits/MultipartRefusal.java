package org.tabserve.web.http.limits;

import jakarta.servlet.http.Part;
import java.util.List;
import java.util.Map;
import org.tabserve.web.http.HttpProblem;

/**
 * Why a container's multipart parser gave up on an upload (the upload route reads the parts), told apart by what
 * each container throws, and the app's answer for it: too many parts and a part's headers too long are 413s that name that limit (not the upload's size,
 * which Tomcat's and Jetty's exceptions resemble), a body that is not multipart as the form sends it a 400 in words.
 * The app holds every container to the same two limits ({@link #check}), so that a container that reads more parts,
 * or longer part headers, than another still answers as they do.
 */
public enum MultipartRefusal {
    /**
     * More parts than {@link #MAX_PARTS}: Tomcat's maxPartCount, Jetty's maxParts ("Form with too many keys"),
     * Undertow's max-parameters.
     */
    PARTS,
    /** A part's headers longer than {@link #MAX_PART_HEADER_BYTES}: Tomcat's maxPartHeaderSize, Jetty's own. */
    PART_HEADERS,
    /** Not multipart/form-data as a form sends it: no closing boundary, a part that ends in its headers. */
    MALFORMED;

    /** The most parts an upload may have: the CSV and the form's two other fields, with room to spare. */
    public static final int MAX_PARTS = 10;
    /** The most bytes of one part's headers (names and values): a browser's, a long file name included. */
    public static final int MAX_PART_HEADER_BYTES = 1_024;
    /** The connection cannot carry another request once the container stopped reading the body part-way. */
    private static final Map<String, String> CLOSE = Map.of("Connection", "close");

    /** @return the refusal a container's multipart failure (an exception and its causes) stands for, or null */
    public static MultipartRefusal of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String type = cause.getClass().getName();
            String words = cause.getMessage() == null ? "" : cause.getMessage();
            if (type.endsWith(".FileCountLimitExceededException")
                    || type.endsWith(".ParameterLimitException") // Undertow's max-parameters, parts counted
                    || words.startsWith("Form with too many keys")) {
                return PARTS;
            }
            if (words.startsWith("Header section has more than") || words.startsWith("headers max length exceeded")) {
                return PART_HEADERS;
            }
            if (type.endsWith("MalformedStreamException")
                    || type.endsWith(".MalformedMessageException")
                    || words.startsWith("UT000036")) { // Undertow: "Connection terminated parsing multipart data"
                return MALFORMED;
            }
        }
        return null;
    }

    /**
     * Holds the parts a container read to the limits the others refuse them at.
     *
     * @throws HttpProblem 413 past either limit
     */
    public static void check(java.util.Collection<Part> parts) {
        if (parts.size() > MAX_PARTS) {
            throw PARTS.problem();
        }
        for (Part part : parts) {
            long bytes = 0;
            for (String name : part.getHeaderNames()) {
                for (String value : part.getHeaders(name)) {
                    bytes += name.length() + value.length() + 4; // "name: value\r\n"
                }
            }
            if (bytes > MAX_PART_HEADER_BYTES) {
                throw PART_HEADERS.problem();
            }
        }
    }

    /** @return this refusal's answer, in words that name the limit */
    public HttpProblem problem() {
        String form = "an upload has its file and at most the upload form's two other fields";
        return switch (this) {
            case PARTS ->
                new HttpProblem(
                        413,
                        "Content too large",
                        "the multipart body has more parts than the server takes (at most " + MAX_PARTS + "); " + form,
                        List.of(),
                        CLOSE);
            case PART_HEADERS ->
                new HttpProblem(
                        413,
                        "Content too large",
                        "a part of the multipart body has headers longer than the server takes (at most "
                                + MAX_PART_HEADER_BYTES + " bytes a part: its Content-Disposition and Content-Type)",
                        List.of(),
                        CLOSE);
            case MALFORMED ->
                new HttpProblem(
                        400,
                        "Bad request",
                        "the body is not a well-formed multipart/form-data upload (each part a boundary line, its"
                                + " headers, a blank line and its content; the body ends with the closing boundary)",
                        List.of(),
                        CLOSE);
        };
    }
}
