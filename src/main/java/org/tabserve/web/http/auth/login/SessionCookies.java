package org.tabserve.web.http.auth.login;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The sign-in's two cookies and their rules: the session's ({@link #SESSION}) and the pre-login one of a sign-in under
 * way ({@link #PENDING}), {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} when the request came over HTTPS,
 * through a proxy that says so ({@code X-Forwarded-Proto: https}, {@code Forwarded: proto=https}), or when the
 * server's address for browsers is an https one. A {@code Secure} cookie is named with the {@code __Host-} prefix
 * ({@link #HOST_PREFIX}), {@code Path=/} and no {@code Domain}, so that no other host (a sibling subdomain) and no page
 * over plain HTTP can set one in its place (OWASP's session management, cookie tossing); over plain HTTP, where the
 * prefix cannot be, each keeps its plain name and its narrow path (the web app's; the sign-in's own). A request that
 * sends a cookie of these names more than once is taken as sending none: which one the browser put first is no one's
 * to choose.
 */
final class SessionCookies {

    /** The session's cookie. */
    static final String SESSION = "tabserve_session";
    /** The cookie of a sign-in under way. */
    static final String PENDING = "tabserve_login";
    /** The prefix of a {@code Secure} cookie's name: a browser keeps it only from HTTPS, {@code Path=/}, no Domain. */
    static final String HOST_PREFIX = "__Host-";

    private final boolean httpsBase;

    /** @param httpsBase whether the server's address for browsers ({@code --oidc-redirect-base}) is an https one */
    SessionCookies(boolean httpsBase) {
        this.httpsBase = httpsBase;
    }

    /**
     * @return the value of the request's cookie {@code name} (by the name it goes by for this request,
     *         {@link #named}), or null when it sends none, or more than one (cookie tossing)
     */
    String read(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        String wanted = named(request, name);
        String value = null;
        for (Cookie cookie : cookies) {
            if (wanted.equals(cookie.getName())) {
                if (value != null) {
                    return null; // twice: one of them set by someone else, and which is which cannot be told
                }
                value = cookie.getValue();
            }
        }
        return value;
    }

    /** @return the name the cookie {@code name} goes by for this request: prefixed with {@code __Host-} when Secure */
    String named(HttpServletRequest request, String name) {
        return secure(request) ? HOST_PREFIX + name : name;
    }

    /** Sets the session's cookie: it lasts as long as the browser does, the server ends the session itself. */
    void session(HttpServletRequest request, HttpServletResponse response, String id) {
        response.addCookie(cookie(request, SESSION, id, contextPath(request), -1));
    }

    /** Sets the pre-login cookie of a sign-in under way, for its callback's path alone (over plain HTTP). */
    void pending(HttpServletRequest request, HttpServletResponse response, String value) {
        response.addCookie(cookie(request, PENDING, value, request.getContextPath() + LoginFilter.LOGIN, (int)
                LoginSettings.PENDING_FOR.toSeconds()));
    }

    /** Tells the browser to forget the session's cookie. */
    void clearSession(HttpServletRequest request, HttpServletResponse response) {
        response.addCookie(cookie(request, SESSION, "", contextPath(request), 0));
    }

    /** Tells the browser to forget the pre-login cookie. */
    void clearPending(HttpServletRequest request, HttpServletResponse response) {
        response.addCookie(cookie(request, PENDING, "", request.getContextPath() + LoginFilter.LOGIN, 0));
    }

    /** @param path the cookie's path over plain HTTP; a Secure one's is {@code /}, as its {@code __Host-} name asks */
    private Cookie cookie(HttpServletRequest request, String name, String value, String path, int maxAge) {
        boolean secure = secure(request);
        Cookie cookie = new Cookie(secure ? HOST_PREFIX + name : name, value);
        cookie.setPath(secure ? "/" : path);
        cookie.setHttpOnly(true);
        cookie.setSecure(secure);
        cookie.setMaxAge(maxAge);
        cookie.setAttribute("SameSite", "Lax");
        return cookie;
    }
    /** @return whether the browser reached the server over HTTPS, as far as the server can tell */
    boolean secure(HttpServletRequest request) {
        if (httpsBase || request.isSecure()) {
            return true;
        }
        String proto = request.getHeader("X-Forwarded-Proto");
        String forwarded = request.getHeader("Forwarded");
        // Only ever makes the cookie stricter: a client that lies gets a cookie it cannot send back over plain HTTP.
        return "https".equalsIgnoreCase(proto == null ? null : proto.strip())
                || (forwarded != null
                        && forwarded.toLowerCase(java.util.Locale.ROOT).contains("proto=https"));
    }

    private static String contextPath(HttpServletRequest request) {
        return request.getContextPath().isEmpty() ? "/" : request.getContextPath();
    }
}
