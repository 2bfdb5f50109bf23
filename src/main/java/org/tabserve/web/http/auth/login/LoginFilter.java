package org.tabserve.web.http.auth.login;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.serving.access.SharedSessions;
import org.tabserve.serving.access.oidc.OidcLogin;
import org.tabserve.web.http.ErrorRenderer;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.PageSession;
import org.tabserve.web.http.RateLimitedLog;
import org.tabserve.web.http.RouteServlet;
import org.tabserve.web.http.auth.Access;
import org.tabserve.web.http.auth.AuditLog;

/**
 * A person's sign-in to the pages, a servlet filter of the web app's own (so the same in every container): a browser's
 * navigation to a page that asks a scope, sent with no credential, is sent to the issuer's sign-in (the authorization
 * code flow with PKCE, {@code state} and {@code nonce} sealed in the browser's pre-login cookie itself,
 * {@link PreLogins}, so that a start keeps nothing on the server; at most {@link LoginSettings#MAX_STARTS_PER_ADDRESS}
 * from one address); {@link #CALLBACK} ends it ({@link LoginCallback}, ahead of the concurrency limit by
 * {@link #callbacks()}, its token exchanges bounded apart), checks what came back, once, and opens a
 * {@link Sessions session} under a new id; a request with the session's cookie is then taken as its person
 * ({@link Access#SIGNED_IN}), and must carry the session's CSRF token when it changes anything ({@link PageSession});
 * {@link #LOGOUT} ends the session at once and sends the browser to the issuer's sign-out. The sessions and the marks
 * of sign-ins that came back are kept in the replica's memory, or with {@code --shared-state} in the fleet's store
 * ({@link LoginState}), where a store that does not answer makes a request of a session a 503, never a session. A
 * request with a bearer credential never uses a session, and a program (a request that does not ask for HTML) is never
 * redirected: it gets the route's 401 as before.
 */
public final class LoginFilter implements Filter {

    /** Where a sign-in starts ({@code ?next=PATH}: the page to return to). */
    public static final String LOGIN = "/login";
    /** Where the issuer sends the person back. */
    public static final String CALLBACK = LOGIN + "/callback";
    /** Where the pages' sign-out button posts. */
    public static final String LOGOUT = "/logout";

    private static final Logger LOG = Logger.getLogger(LoginFilter.class.getName());
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String CERTIFICATE = "jakarta.servlet.request.X509Certificate";

    private final OidcLogin login;
    private final Predicate<String> asksScope;
    private final ErrorRenderer errors;
    private final LoginState state;
    private final SessionCookies cookies;
    private final PreLogins preLogins;
    private final LoginStarts starts;
    private final LoginCallback callback;
    private final AuditLog audit;
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, Level.WARNING);

    /**
     * @param asksScope whether a path (within the context) is a route that asks its caller a scope: a navigation
     *                  there without a credential is sent to sign in
     * @param audit     where each sign-in and sign-out is written, by the person's name (never a token or code)
     */
    public LoginFilter(
            OidcLogin login,
            LoginSettings settings,
            Predicate<String> asksScope,
            ErrorRenderer errors,
            AuditLog audit) {
        this(login, settings, Optional.empty(), asksScope, errors, audit);
    }

    /**
     * @param shared the fleet's shared store of sessions ({@code --shared-state}): the sessions and the marks of
     *               sign-ins that came back kept there, so that every replica finds them; empty, in this replica's
     *               memory alone
     */
    public LoginFilter(
            OidcLogin login,
            LoginSettings settings,
            Optional<SharedSessions> shared,
            Predicate<String> asksScope,
            ErrorRenderer errors,
            AuditLog audit) {
        this.login = login;
        this.audit = audit;
        this.asksScope = asksScope;
        this.errors = errors;
        SessionSeal seal = new SessionSeal(login::derive);
        this.state = shared.<LoginState>map(store -> new SharedLoginState(store, seal, settings))
                .orElseGet(() -> new LocalLoginState(settings));
        this.cookies = new SessionCookies(
                login.redirectBase().map(b -> "https".equals(b.getScheme())).orElse(false));
        this.preLogins = new PreLogins(seal);
        this.starts = new LoginStarts(settings.maxStartsPerAddress());
        this.callback = new LoginCallback(login, state, preLogins, cookies, audit);
    }

    /**
     * @return this sign-in's filter of {@link #CALLBACK} alone, passing every other request on: to be mapped ahead of
     *         the API's concurrency limit, so that a callback, which waits on the issuer's token endpoint, never takes
     *         or holds a request slot (its exchanges are bounded apart, {@link LoginCallback#MAX_EXCHANGES})
     */
    public Filter callbacks() {
        return (req, res, chain) -> {
            if (CALLBACK.equals(RouteServlet.pathOf((HttpServletRequest) req))) {
                doFilter(req, res, chain);
            } else {
                chain.doFilter(req, res);
            }
        };
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = RouteServlet.pathOf(request);
        try {
            switch (path) {
                case LOGIN -> start(request, response, localPath(request.getParameter("next")));
                case CALLBACK -> callback.answer(request, response);
                case LOGOUT -> logout(request, response);
                default -> guard(request, response, chain, path);
            }
        } catch (HttpProblem | org.tabserve.serving.budget.ServingException refused) {
            refusals.log(() -> "Refused " + request.getMethod() + " " + path + " from " + request.getRemoteAddr() + ": "
                    + refused.getMessage());
            HttpProblem problem = errors.toProblem(refused, request);
            if (problem.status() == 401 || problem.status() == 403) { // a sign-in's answer, a post without its token
                audit.refusedPerson(
                        request.getAttribute(Access.SIGNED_IN) instanceof org.tabserve.serving.access.Caller person
                                ? person.name()
                                : null,
                        request.getMethod() + " " + request.getRequestURI(),
                        request.getRemoteAddr(),
                        problem.status(),
                        problem.detail());
            }
            errors.render(request, response, problem);
        }
    }

    /** Any other path: its session's person, its CSRF token checked; else, for a navigation, a sign-in. */
    private void guard(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String path)
            throws IOException, ServletException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response); // a program's credential: no session is looked at
            return;
        }
        String id = cookies.read(request, SessionCookies.SESSION);
        Sessions.Session session = state.find(id);
        if (session != null) {
            request.setAttribute(Access.SIGNED_IN, session.person().caller());
            request.setAttribute(
                    PageSession.ATTRIBUTE, new PageSession(session.person().name(), session.csrf()));
            if (!SAFE_METHODS.contains(request.getMethod())) {
                checkToken(request, true);
            }
            chain.doFilter(request, response);
            return;
        }
        if (id != null) {
            cookies.clearSession(request, response); // ended, or never one of this server's
        }
        if (navigation(request) && request.getAttribute(CERTIFICATE) == null && asksScope.test(path)) {
            String query = request.getQueryString();
            start(request, response, path + (query == null ? "" : "?" + query));
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Checks the CSRF token of a request of a session that may change something: in the header a script sends, in a
     * url-encoded form's hidden field; a multipart upload's field is checked where its parts are read.
     *
     * @param partsRead whether a route reads the request's parts after this filter, and checks a multipart's field
     *                  there; false for the sign-out, which reads none, so that a multipart post carries no token
     */
    private static void checkToken(HttpServletRequest request, boolean partsRead) {
        String sent = request.getHeader(PageSession.HEADER);
        String type =
                request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (sent == null && partsRead && type.startsWith("multipart/form-data")) {
            return; // the upload's reader checks its field (PageSession.requireToken), once it reads the parts
        }
        if (sent == null && type.startsWith("application/x-www-form-urlencoded")) {
            try {
                sent = request.getParameter(PageSession.FIELD);
            } catch (RuntimeException unreadable) {
                sent = null; // a body the container cannot read as a form carries no token
            }
        }
        PageSession.requireToken(request, sent);
    }

    /**
     * Sends the browser to the issuer's sign-in, what the start made sealed in its pre-login cookie
     * ({@link PreLogins}): the server keeps nothing of it, and an address starts at most its bound
     * ({@link LoginStarts}).
     */
    private void start(HttpServletRequest request, HttpServletResponse response, String returnTo) throws IOException {
        starts.take(request.getRemoteAddr());
        OidcLogin.Pending started = login.start(URI.create(base(request) + CALLBACK));
        cookies.pending(request, response, preLogins.seal(started, returnTo));
        response.setHeader("Cache-Control", "no-store");
        response.sendRedirect(started.authorization().toString());
    }

    /** Ends the session at once, then sends the browser to the issuer's sign-out, when it has one. */
    private void logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            throw HttpProblem.of(405, "Method not allowed", "sign out with the button of a page (POST " + LOGOUT + ")");
        }
        Sessions.Session session = state.find(cookies.read(request, SessionCookies.SESSION));
        URI home = URI.create(base(request) + "/");
        String location = request.getContextPath() + "/";
        if (session != null) {
            request.setAttribute(
                    PageSession.ATTRIBUTE, new PageSession(session.person().name(), session.csrf()));
            checkToken(request, false); // the sign-out reads no parts: a multipart post's token is never checked later
            state.end(session.id());
            LOG.info("Signed out: " + session.person().caller().name());
            audit.signedOut(session.person().caller().name(), request.getRemoteAddr());
            location = login.endSession(session.person().idToken(), home)
                    .map(URI::toString)
                    .orElse(location);
        }
        cookies.clearSession(request, response);
        response.setHeader("Cache-Control", "no-store");
        response.setStatus(303);
        response.setHeader("Location", location);
    }

    /** @return the web app's address as browsers reach it: the redirect base, else the request's own */
    private String base(HttpServletRequest request) {
        return login.redirectBase().map(URI::toString).orElseGet(() -> {
            String url = request.getRequestURL().toString();
            return url.substring(0, url.length() - request.getRequestURI().length()) + request.getContextPath();
        });
    }

    /** @return whether a request is a browser's navigation to a page: a GET or HEAD that asks for HTML */
    static boolean navigation(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            return false;
        }
        String accept = request.getHeader("Accept");
        return "navigate".equals(request.getHeader("Sec-Fetch-Mode"))
                || (accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html"));
    }

    /** @return {@code next} when it is a path of this server's ({@code /...}, never {@code //host}), else {@code /} */
    static String localPath(String next) {
        if (next == null
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
                || next.length() > 2048) {
            return "/";
        }
        return next;
    }

    /** @return where the sessions and the marks of sign-ins that came back are kept */
    LoginState state() {
        return state;
    }
}
