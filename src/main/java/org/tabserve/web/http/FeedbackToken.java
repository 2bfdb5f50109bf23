package org.tabserve.web.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who may send labels ({@code POST /api/feedback}): anyone, unless {@link #FEEDBACK_TOKEN} is set; then only a caller
 * with {@code Authorization: Bearer} that token or the admin token, so that labels, which set the live accuracy and
 * error everyone reads, cannot be forged or sent first for another client's request id. Checked in constant time;
 * refusals logged at most once a minute of each kind.
 */
public final class FeedbackToken {

    /** The bearer token labels need; unset (the default), anyone may send them. */
    public static final String FEEDBACK_TOKEN = "tabserve.feedback-token";

    private static final Logger LOG = Logger.getLogger(FeedbackToken.class.getName());

    private final Optional<byte[]> digest;
    private final AdminToken admin;
    private final RateLimitedLog noToken = new RateLimitedLog(LOG, Level.WARNING);
    private final RateLimitedLog wrongToken = new RateLimitedLog(LOG, Level.WARNING);

    /**
     * @param token the feedback token, if one is set
     * @param admin the admin token, which is taken for labels too
     */
    public FeedbackToken(Optional<String> token, AdminToken admin) {
        this.digest = token.map(AdminToken::sha256);
        this.admin = admin;
    }

    /**
     * @param lookup a setting's value by its name, in the web app's order ({@link WebConfig#lookup})
     * @throws IllegalArgumentException for a token shorter than the admin token's shortest
     */
    public static FeedbackToken resolve(Function<String, Optional<String>> lookup, AdminToken admin) {
        Optional<String> token = lookup.apply(FEEDBACK_TOKEN).map(t -> WebConfig.checkedToken(FEEDBACK_TOKEN, t));
        return new FeedbackToken(token, admin);
    }

    /** @return whether labels need a token */
    public boolean required() {
        return digest.isPresent();
    }

    /** Lets the request through when no token is required or it carries one; else 401 without one, 403 wrong. */
    public void authorize(HttpServletRequest request) {
        if (digest.isEmpty()) {
            return;
        }
        String header = request.getHeader("Authorization");
        if (!AdminToken.isBearer(header)) {
            noToken.log(() -> "Refused labels from " + request.getRemoteAddr() + ": no bearer token");
            throw new HttpProblem(
                    401,
                    "Unauthorized",
                    "labels need Authorization: Bearer <the feedback token> (the" + " server's " + FEEDBACK_TOKEN + ")",
                    List.of(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"tabserve-feedback\""));
        }
        if (!AdminToken.carries(header, digest.get()) && !admin.accepts(header)) {
            wrongToken.log(() -> "Refused labels from " + request.getRemoteAddr() + ": wrong feedback token");
            throw HttpProblem.of(403, "Forbidden", "the feedback token is wrong");
        }
    }
}
