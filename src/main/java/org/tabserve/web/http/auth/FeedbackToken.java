package org.tabserve.web.http.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.serving.access.ApiKeys;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Grant;
import org.tabserve.serving.access.Scope;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.RateLimitedLog;
import org.tabserve.web.http.WebConfig;

/**
 * Who may send labels ({@code POST /api/feedback}), which set the live accuracy and error everyone reads: by default
 * only a caller with {@code Authorization: Bearer} the {@link #FEEDBACK_TOKEN} or the admin token, so that labels
 * cannot be forged or sent first for another client's request id; with neither token set, no one, the refusal (403)
 * saying how to set one. {@link #OPEN_FEEDBACK} lets anyone send them, asked for by name. The token is an API key
 * ({@link ApiKeys#given}) of the client {@value #CLIENT} with the scope {@code label:any}, matched with the admin
 * token's as every key is; refusals logged at most once a minute of each kind.
 */
public final class FeedbackToken {

    /** The bearer token labels need (the admin token is taken too). */
    public static final String FEEDBACK_TOKEN = "tabserve.feedback-token";
    /** {@code true} lets anyone send labels, without a token; off by default. */
    public static final String OPEN_FEEDBACK = "tabserve.open-feedback";

    private static final Logger LOG = Logger.getLogger(FeedbackToken.class.getName());

    /**
     * Why labels are refused when no token is set, and how to take them, in each way a server is started: a context
     * init-parameter or the environment in a servlet container, the same variable or a flag under {@code java -jar}.
     */
    static final String CLOSED = "labels are refused: the server has no feedback token. Set one in the context"
            + " init-parameter " + FEEDBACK_TOKEN + " or the environment variable TABSERVE_FEEDBACK_TOKEN (under"
            + " java -jar also --feedback-token TOKEN) and send Authorization: Bearer TOKEN; or let anyone send labels"
            + " with the init-parameter " + OPEN_FEEDBACK + "=true or TABSERVE_OPEN_FEEDBACK=true (--open-feedback)";

    /** The client the feedback token names. */
    static final String CLIENT = "feedback-token";

    private final boolean token;
    private final boolean open;
    /** The feedback token and the admin token, as API keys. */
    private final ApiKeys keys;

    private final AdminToken admin;
    private final RateLimitedLog noToken = new RateLimitedLog(LOG, Level.WARNING);
    private final RateLimitedLog wrongToken = new RateLimitedLog(LOG, Level.WARNING);

    /**
     * @param token the feedback token, if one is set
     * @param open  whether anyone may send labels (no token may be set then)
     * @param admin the admin token, which is taken for labels too
     */
    public FeedbackToken(Optional<String> token, boolean open, AdminToken admin) {
        if (open && token.isPresent()) {
            throw new IllegalArgumentException("settings " + OPEN_FEEDBACK + " and " + FEEDBACK_TOKEN + " are both"
                    + " given: labels are either open to anyone or need the token; drop one");
        }
        List<ApiKeys.Given> given = new ArrayList<>(); // the admin token last: it names the caller of both if equal
        token.ifPresent(t -> given.add(new ApiKeys.Given(
                t, CLIENT, List.of(new Grant(Scope.LABEL_ANY, Grant.ALL)), Caller.Kind.FEEDBACK_TOKEN)));
        admin.key().ifPresent(given::add);
        this.keys = ApiKeys.given(given);
        this.token = token.isPresent();
        this.open = open;
        this.admin = admin;
    }

    /**
     * @param lookup a setting's value by its name, in the web app's order ({@link WebConfig#lookup})
     * @throws IllegalArgumentException for a token shorter than the admin token's shortest, an
     *                                  {@link #OPEN_FEEDBACK} other than true or false, or both set
     */
    public static FeedbackToken resolve(Function<String, Optional<String>> lookup, AdminToken admin) {
        Optional<String> token = lookup.apply(FEEDBACK_TOKEN).map(t -> WebConfig.checkedToken(FEEDBACK_TOKEN, t));
        boolean open =
                lookup.apply(OPEN_FEEDBACK).map(FeedbackToken::trueOrFalse).orElse(false);
        FeedbackToken feedback = new FeedbackToken(token, open, admin);
        if (!open && token.isEmpty()) {
            LOG.info(
                    admin.on()
                            ? "Labels (POST /api/feedback) need the admin token: no feedback token is set (--feedback-token),"
                                    + " nor --open-feedback"
                            : "Labels (POST /api/feedback): " + CLOSED);
        }
        return feedback;
    }

    private static boolean trueOrFalse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalArgumentException(
                        "setting " + OPEN_FEEDBACK + " must be true or false, found '" + text + "'");
        };
    }

    /**
     * @return the caller {@code token} (a bearer token as sent) names when it is the feedback or the admin token: the
     *         client {@value #CLIENT} ({@code label:any}) or the admin token's
     */
    Optional<Caller> callerOf(String token) {
        return keys.callerOf(token);
    }

    /** @return whether labels need a token (always, unless {@link #OPEN_FEEDBACK}) */
    public boolean required() {
        return !open;
    }

    /**
     * Lets the request through when labels are open or it carries the feedback or admin token; else 401 without a
     * token, 403 with a wrong one, and 403 saying how to set one when the server has none.
     */
    public void authorize(HttpServletRequest request) {
        authorize(AdminToken.callerOf(request));
    }

    /** {@link #authorize(HttpServletRequest)} for a caller as its transport tells it. */
    public void authorize(AdminToken.Caller caller) {
        if (open) {
            return;
        }
        if (!token && !admin.on()) { // no token at all: none can be right
            noToken.log(() -> "Refused labels from " + caller.remoteAddress() + ": no feedback token is set");
            throw HttpProblem.of(403, "Forbidden", CLOSED);
        }
        String header = caller.authorization();
        if (!AdminToken.isBearer(header)) {
            noToken.log(() -> "Refused labels from " + caller.remoteAddress() + ": no bearer token");
            throw new HttpProblem(
                    401,
                    "Unauthorized",
                    "labels need Authorization: Bearer <the feedback token> (the server's " + FEEDBACK_TOKEN
                            + ", or the admin token)",
                    List.of(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"tabserve-feedback\""));
        }
        if (keys.callerOf(AdminToken.bearer(header)).isEmpty()) {
            wrongToken.log(() -> "Refused labels from " + caller.remoteAddress() + ": wrong feedback token");
            throw HttpProblem.of(403, "Forbidden", "the feedback token is wrong");
        }
    }
}
