package org.tabserve.web.http.auth.login;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
import org.tabserve.serving.access.oidc.OidcLogin;
import org.tabserve.serving.access.oidc.SignedIn;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.auth.AuditLog;

/**
 * The issuer's answer at {@link LoginFilter#CALLBACK}: the sign-in of the browser's sealed pre-login cookie
 * ({@link PreLogins}), its state, its code; then a session. Served before the API's concurrency limit (the listener
 * puts {@link LoginFilter#callbacks()} ahead of it), so that a callback never takes or holds a request slot, however
 * long the issuer's token endpoint takes: its exchanges are bounded apart, at most {@link #MAX_EXCHANGES} at once,
 * and the next is refused at once with a 503 that says when to try again (its cookie kept, so that a reload ends the
 * sign-in). Each sign-in comes back once ({@link LoginState#returned}): a second use of its cookie is refused, and the
 * returns are counted against {@link LoginSettings#MAX_PENDING}, past which a callback is a 503 too.
 */
final class LoginCallback {

    /** The most token exchanges (callbacks past their checks) at once. */
    static final int MAX_EXCHANGES = 8;
    /** When a callback refused for want of an exchange may try again, in seconds. */
    static final String RETRY_AFTER = "5";

    private static final Logger LOG = Logger.getLogger(LoginFilter.class.getName()); // the sign-in's one log

    private final OidcLogin login;
    private final LoginState state;
    private final PreLogins preLogins;
    private final SessionCookies cookies;
    private final AuditLog audit;
    private final Semaphore exchanges = new Semaphore(MAX_EXCHANGES);

    LoginCallback(OidcLogin login, LoginState state, PreLogins preLogins, SessionCookies cookies, AuditLog audit) {
        this.login = login;
        this.state = state;
        this.preLogins = preLogins;
        this.cookies = cookies;
        this.audit = audit;
    }

    /** Ends the sign-in the request comes back with, or refuses it in words. */
    void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PreLogins.Entry entry = preLogins.open(cookies.read(request, SessionCookies.PENDING));
        if (entry == null) {
            cookies.clearPending(request, response);
            throw HttpProblem.of(
                    400,
                    "Bad request",
                    "this sign-in was not started in this browser, was used already, or took longer than "
                            + LoginSettings.PENDING_FOR.toMinutes() + " minutes: open the page you wanted again to"
                            + " sign in");
        }
        if (!same(request.getParameter("state"), entry.pending().state())) {
            cookies.clearPending(request, response);
            throw HttpProblem.of(
                    400,
                    "Bad request",
                    "the sign-in's answer does not carry the state this browser's sign-in sent (an answer of another"
                            + " sign-in, or a forged one): open the page you wanted again to sign in");
        }
        String error = request.getParameter("error");
        if (error != null) {
            cookies.clearPending(request, response);
            throw HttpProblem.of(
                    401,
                    "Unauthorized",
                    "the issuer did not sign you in (" + (error.matches("[A-Za-z0-9_]{1,64}") ? error : "an error")
                            + ")");
        }
        String code = request.getParameter("code");
        if (code == null || code.isEmpty()) {
            cookies.clearPending(request, response);
            throw HttpProblem.badRequest("the sign-in's answer carries no code: open the page you wanted again");
        }
        if (!exchanges.tryAcquire()) {
            throw new HttpProblem(
                    503,
                    "Service unavailable",
                    "the server is ending " + MAX_EXCHANGES + " sign-ins at once already, each waiting on the"
                            + " issuer's token endpoint: reload this page in " + RETRY_AFTER + " s to end yours",
                    List.of(),
                    Map.of("Retry-After", RETRY_AFTER));
        }
        try {
            exchange(request, response, entry, code);
        } finally {
            exchanges.release();
        }
    }

    private void exchange(HttpServletRequest request, HttpServletResponse response, PreLogins.Entry entry, String code)
            throws IOException {
        switch (state.returned(entry.id())) {
            case USED -> {
                cookies.clearPending(request, response);
                throw HttpProblem.badRequest(
                        "this sign-in was used already: open the page you wanted again to sign" + " in");
            }
            case FULL ->
                throw new HttpProblem(
                        503,
                        "Service unavailable",
                        "the server has ended as many sign-ins as it takes in " + LoginSettings.PENDING_FOR.toMinutes()
                                + " minutes (setting " + LoginSettings.MAX_PENDING
                                + "; the fleet's, with shared state):"
                                + " try again in a few minutes",
                        List.of(),
                        Map.of("Retry-After", "60"));
            case FIRST -> cookies.clearPending(request, response);
        }
        SignedIn person = login.finish(entry.pending(), code);
        state.end(cookies.read(request, SessionCookies.SESSION)); // a session fixed before is never kept
        Sessions.Session session = state.open(person); // always a new id
        cookies.session(request, response, session.id());
        LOG.info("Signed in: " + person.caller().name() + " from " + request.getRemoteAddr());
        audit.signedIn(person.caller().name(), request.getRemoteAddr());
        response.setHeader("Cache-Control", "no-store");
        response.setStatus(303);
        response.setHeader("Location", request.getContextPath() + entry.returnTo());
    }

    private static boolean same(String sent, String kept) {
        return sent != null
                && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), kept.getBytes(StandardCharsets.UTF_8));
    }
}
