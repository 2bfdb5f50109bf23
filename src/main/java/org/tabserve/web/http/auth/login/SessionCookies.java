package org.tabserve.web.http.auth.login;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The sign-in's two cookies and their rules: the session's ({@link #SESSION}, its path the web app's) and the pre-login
 * one of a sign-in under way ({@link #PENDING}, its path the sign-in's own), each a random id and nothing else (never a
 * token), {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} when the request came over HTTPS, through a proxy
 * that says so ({@code X-Forwarded-Proto: https}, {@code Forwarded: proto=https}), or when the server's address for
 * browsers is an https one.
 */
final class SessionCookies {

    /** The session's cookie. */
    static final String SESSION = "tabserve_session";
    /** The cookie of a sign-in under way. */
    static final String PENDING = "tabserve_login";

    private final boolean httpsBase;

    /** @param httpsBase whether the server's address for browsers ({@code --oidc-redirect-base}) is an https one */
    SessionCookies(boolean httpsBase) {
        this.httpsBase = httpsBase;
    }

    /** @return the value of the request's cookie {@code name}, or null (the first, when it sends several) */
    static String read(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /** Sets the session's cookie: it lasts as long as the browser does, the server ends the session itself. */
    void session(HttpServletRequest request, HttpServletResponse response, String id) {
        response.addCookie(cookie(request, SESSION, id, contextPath(request), -1));
    }

    /** Sets the pre-login cookie of a sign-in under way, for its callback's path alone. */
    void pending(HttpServletRequest request, HttpServletResponse response, String id) {
        response.addCookie(cookie(request, PENDING, id, request.getContextPath() + LoginFilter.LOGIN, (int)
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

    private Cookie cookie(HttpServletRequest request, String name, String value, String path, int maxAge) {
        Cookie cookie = new Cookie(name, value);
        cookie.setPath(path);
        cookie.setHttpOnly(true);
        cookie.setSecure(secure(request));
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
