package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What a page shows and sends back of the person signed in (a request the sign-in's filter found a session for): the
 * name shown beside the sign-out button, and the session's CSRF token, which every form the pages post carries as the
 * hidden field {@link #FIELD} (and a page's script as the header {@link #HEADER}), so that a post from a page of
 * another site, which the browser sends with the person's cookie but without the token, is refused in words.
 *
 * @param name the person's name, as the issuer gave it
 * @param csrf the session's CSRF token
 */
public record PageSession(String name, String csrf) {

    /** The request attribute the sign-in's filter sets for a request of a signed-in person. */
    public static final String ATTRIBUTE = "org.tabserve.page-session";
    /** The templates' variable. */
    public static final String VARIABLE = "signedIn";
    /** The hidden field of every form the pages post. */
    public static final String FIELD = "_csrf";
    /** The header a page's script sends the token in. */
    public static final String HEADER = "X-CSRF-Token";

    /** @return the person signed in whose request this is, or null for a request without a session */
    public static PageSession of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof PageSession session ? session : null;
    }

    /**
     * Refuses a post of a signed-in person's session that does not carry its token: a form of another site's.
     *
     * @param sent the token the request sent (its field or header), or null
     * @throws HttpProblem 403 saying why, when the request has a session and {@code sent} is not its token
     */
    public static void requireToken(HttpServletRequest request, String sent) {
        PageSession session = of(request);
        if (session != null && !session.sent(sent)) {
            throw HttpProblem.of(
                    403,
                    "Forbidden",
                    "this form was not sent from a page of this server in your session (its CSRF token, the field "
                            + FIELD + ", is " + (sent == null ? "missing" : "not your session's")
                            + "): a page of another site may have tried to send it for you; open the page here and"
                            + " send the form again");
        }
    }

    /** @return whether {@code sent} is this session's token, compared in constant time */
    public boolean sent(String sent) {
        return sent != null
                && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), csrf.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "PageSession[" + name + "]"; // never the token
    }
}
