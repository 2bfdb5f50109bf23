package org.tabserve.web.http.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.serving.access.ApiKeys;
import org.tabserve.serving.access.Grant;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.RateLimitedLog;
import org.tabserve.web.http.WebConfig;

/**
 * The bearer token that every admin route asks for ({@code /admin/model}, {@code /admin/models/{name}}, the Open
 * Inference Protocol's repository load and unload, over REST and gRPC alike): off without a token; the token is an API
 * key ({@link ApiKeys#given}) of the client {@value #CLIENT} with the scopes {@code admin} and {@code label:any}, so
 * that it is matched as every key is; refusals counted and logged at most once a minute of each kind, so one check
 * guards them all alike.
 */
public final class AdminToken {

    private static final Logger LOG = Logger.getLogger(AdminToken.class.getName());

    /** The client the admin token names. */
    static final String CLIENT = "admin-token";

    private final Optional<ApiKeys.Given> key;
    /** The admin token alone, as an API key. */
    private final ApiKeys keys;

    private final boolean loopback;
    private final TabserveMetrics metrics;
    private final RateLimitedLog noToken = new RateLimitedLog(LOG, Level.WARNING);
    private final RateLimitedLog wrongToken = new RateLimitedLog(LOG, Level.WARNING);

    public AdminToken(WebConfig config, TabserveMetrics metrics) {
        this.key = config.adminToken()
                .map(token -> new ApiKeys.Given(
                        token,
                        CLIENT,
                        List.of(new Grant(Scope.ADMIN, Grant.ALL), new Grant(Scope.LABEL_ANY, Grant.ALL)),
                        org.tabserve.serving.access.Caller.Kind.ADMIN_TOKEN));
        this.keys = ApiKeys.given(key.stream().toList());
        this.loopback = config.adminLoopback();
        this.metrics = metrics;
    }

    /**
     * Who asks for an admin route, as its transport tells it, so that REST and gRPC are checked by the same code.
     *
     * @param call          what was called, as the refusal and the log name it ({@code POST /admin/model})
     * @param authorization the {@code Authorization} header (gRPC: the {@code authorization} metadata), or null
     * @param remoteAddress the caller's address, an IP literal as the container reports it, or null
     * @param certificate   the CN of the TLS client certificate it presented ({@link ClientCertificate}), or null
     */
    public record Caller(String call, String authorization, String remoteAddress, String certificate) {

        /** A caller without a client certificate. */
        public Caller(String call, String authorization, String remoteAddress) {
            this(call, authorization, remoteAddress, null);
        }
    }

    /**
     * The caller of a servlet request: its method and path, its {@code Authorization} header, its address and its
     * client certificate's name.
     */
    public static Caller callerOf(HttpServletRequest request) {
        return new Caller(
                request.getMethod() + " " + request.getRequestURI(),
                request.getHeader("Authorization"),
                request.getRemoteAddr(),
                ClientCertificate.nameOf(request));
    }

    /** {@link #authorizeRepositoryChange(Caller)} for a servlet request. */
    public void authorizeRepositoryChange(HttpServletRequest request) {
        authorizeRepositoryChange(callerOf(request));
    }

    /**
     * For the repository's load and unload: as {@link #authorize}, except that with {@link WebConfig#ADMIN_LOOPBACK}
     * a caller on the loopback interface that sends no token is let through (KServe's model agent sends none).
     */
    public void authorizeRepositoryChange(Caller caller) {
        if (letsThroughWithoutToken(caller)) {
            return;
        }
        authorize(caller);
    }

    /** @return whether the admin routes are on: an admin token is set */
    public boolean on() {
        return key.isPresent();
    }

    /** @return the admin token as an API key, if one is set */
    Optional<ApiKeys.Given> key() {
        return key;
    }

    /** @return whether the repository's load and unload let {@code caller} through without a token (loopback) */
    boolean letsThroughWithoutToken(Caller caller) {
        return loopback && caller.authorization() == null && isLoopback(caller.remoteAddress());
    }

    /** Whether an address as the container reports it (an IP literal, never resolved) is a loopback one. */
    static boolean isLoopback(String address) {
        return address != null
                && (address.startsWith("127.")
                        || address.equals("::1")
                        || address.equals("0:0:0:0:0:0:0:1")
                        || address.equals("[::1]"));
    }

    /** {@link #authorize(Caller)} for a servlet request: the route table's guard of the admin routes. */
    public void authorize(HttpServletRequest request) {
        authorize(callerOf(request));
    }

    /** 404 when the admin routes are off, 401 without a bearer token, 403 with a wrong one. */
    public void authorize(Caller caller) {
        if (key.isEmpty()) {
            throw HttpProblem.of(
                    404,
                    "Not found",
                    "no route for " + caller.call()
                            + " (the admin routes are off; an operator turns them on by setting "
                            + WebConfig.ADMIN_TOKEN + ")");
        }
        String header = caller.authorization();
        if (!isBearer(header)) {
            metrics.adminRefused("no_token");
            noToken.log(() -> "Refused " + caller.call() + " from " + caller.remoteAddress() + ": no bearer token");
            throw new HttpProblem(
                    401,
                    "Unauthorized",
                    "send Authorization: Bearer <the admin token>",
                    List.of(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"tabserve-admin\""));
        }
        if (keys.callerOf(bearer(header)).isEmpty()) {
            metrics.adminRefused("wrong_token");
            wrongToken.log(
                    () -> "Refused " + caller.call() + " from " + caller.remoteAddress() + ": wrong admin token");
            throw HttpProblem.of(403, "Forbidden", "the admin token is wrong");
        }
    }

    /** Whether an {@code Authorization} header (or null) is a bearer token's. */
    static boolean isBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** The credential of a bearer {@code Authorization} header. */
    static String bearer(String authorization) {
        return authorization.substring(7).strip();
    }
}
