package org.tabserve.serving.feedback;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Request ids for the prediction log: the caller's own {@code X-Request-Id} when it is a plain token (so that a
 * client, a gateway or KServe's router can find its requests in the log), else a random UUID.
 */
public final class RequestIds {

    /** The header a caller's id comes in, and a logged request's id goes back in. */
    public static final String HEADER = "X-Request-Id";

    /** Letters, digits and {@code . _ : - / + =}, up to 128: what ids look like, and nothing that breaks a log line. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

    private RequestIds() {}

    /** @return whether {@code id} is taken as the request's id (a longer or odd one is replaced, not echoed) */
    public static boolean valid(String id) {
        return id != null && TOKEN.matcher(id).matches();
    }

    /** @return a new id */
    public static String next() {
        return UUID.randomUUID().toString();
    }
}
