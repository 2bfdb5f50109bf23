package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bearer token that every admin route asks for ({@code /admin/model}, {@code /admin/models/{name}}, the Open
 * Inference Protocol's repository load and unload): off without a token, checked in constant time, refusals counted
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
     * For the repository's load and unload: as {@link #authorize}, except that with {@link WebConfig#ADMIN_LOOPBACK}
     * a caller on the loopback interface that sends no token is let through (KServe's model agent sends none).
     */
    public void authorizeRepositoryChange(HttpServletRequest request) {
        if (loopback && request.getHeader("Authorization") == null && isLoopback(request.getRemoteAddr())) {
            return;
        }
        authorize(request);
    }

    /** Whether an address as the container reports it (an IP literal, never resolved) is a loopback one. */
    static boolean isLoopback(String address) {
        return address != null && (address.startsWith("127.") || address.equals("::1")
                || address.equals("0:0:0:0:0:0:0:1") || address.equals("[::1]"));
    }

    /** 404 when the admin routes are off, 401 without a bearer token, 403 with a wrong one. */
    public void authorize(HttpServletRequest request) {
        if (digest.isEmpty()) {
            throw HttpProblem.of(404, "Not found", "no route for " + request.getMethod() + " " + request.getRequestURI()
                    + " (the admin routes are off; an operator turns them on by setting " + WebConfig.ADMIN_TOKEN + ")");
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            metrics.adminRefused("no_token");
            noToken.log(() -> "Refused " + request.getMethod() + " " + request.getRequestURI() + " from "
                    + request.getRemoteAddr() + ": no bearer token");
            throw new HttpProblem(401, "Unauthorized", "send Authorization: Bearer <the admin token>", List.of(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"tabserve-admin\""));
        }
        byte[] given = sha256(header.substring(7).strip());
        // Digests of equal length compared in constant time: neither the token nor its length leaks through timing.
        if (!MessageDigest.isEqual(given, digest.get())) {
            metrics.adminRefused("wrong_token");
            wrongToken.log(() -> "Refused " + request.getMethod() + " " + request.getRequestURI() + " from "
                    + request.getRemoteAddr() + ": wrong admin token");
            throw HttpProblem.of(403, "Forbidden", "the admin token is wrong");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
