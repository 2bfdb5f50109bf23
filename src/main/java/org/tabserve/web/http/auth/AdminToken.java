package org.tabserve.web.http.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.RateLimitedLog;
import org.tabserve.web.http.WebConfig;

/**
 * The bearer token that every admin route asks for ({@code /admin/model}, {@code /admin/models/{name}}, the Open
 * Inference Protocol's repository load and unload, over REST and gRPC alike): off without a token, checked in constant time, refusals counted
 * and logged at most once a minute of each kind, so one check guards them all alike.
 */
public final class AdminToken {

    private static final Logger LOG = Logger.getLogger(AdminToken.class.getName());

    private final Optional<byte[]> digest;
    private final boolean loopback;
    private final TabserveMetrics metrics;
    private final RateLimitedLog noToken = new RateLimitedLog(LOG, Level.WARNING);
    private final RateLimitedLog wrongToken = new RateLimitedLog(LOG, Level.WARNING);

    public AdminToken(WebConfig config, TabserveMetrics metrics) {
        this.digest = config.adminToken().map(AdminToken::sha256);
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
        return digest.isPresent();
    }

    /**
     * @return whether {@code authorization} (an {@code Authorization} header, or null) carries the admin token, checked
     *         in constant time; never when the admin routes are off. Counts and logs nothing: for a route that takes
     *         the admin token beside its own ({@link FeedbackToken}).
     */
    public boolean accepts(String authorization) {
        return digest.isPresent() && isBearer(authorization) && carries(authorization, digest.get());
    }

    /**
     * @return whether {@code token} (a bearer token as sent) is the admin token, checked in constant time; never when
     *         the admin routes are off
     */
    boolean isToken(String token) {
        return digest.isPresent() && MessageDigest.isEqual(sha256(token), digest.get());
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
        if (digest.isEmpty()) {
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
        if (!carries(header, digest.get())) {
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

    /**
     * Whether a bearer {@code authorization} header carries the token whose digest is {@code digest}: digests of
     * equal length compared in constant time, so that neither the token nor its length leaks through timing.
     */
    static boolean carries(String authorization, byte[] digest) {
        return MessageDigest.isEqual(sha256(authorization.substring(7).strip()), digest);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
