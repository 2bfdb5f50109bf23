package org.tabserve.web.http.auth;

import java.util.List;
import java.util.Map;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Quota;
import org.tabserve.web.http.HttpProblem;

/**
 * The 429 of a client past its rate ({@link Access}), headed as the IETF RateLimit headers draft has it: a policy for
 * each of the client's rates in {@code RateLimit-Policy}, the one that refused in {@code RateLimit}, and
 * {@code Retry-After} the longest wait of the client's buckets.
 */
final class RateRefusal {

    private RateRefusal() {}

    /** The rate that refused, as the log and the 429 name it: the client's one rate, or which of its rates. */
    static String refusing(Quota quota, Quota.Wait wait) {
        return quota.rates() == 1 ? quota.toString() : quota.rate(wait.rate()) + " (of " + quota + ")";
    }

    /**
     * The 429 of a client past its rate, with {@code Retry-After} and the IETF draft's {@code RateLimit-Policy} and
     * {@code RateLimit}: every one of the client's quotas and windows (one policy, {@code "client"}, for a client of
     * one rate; one a rate, {@code "client-second"}, {@code "client-minute"}, {@code "client-hour"},
     * {@code "client-day"}, for several), and the policy that refused with none left and when the next request may
     * go, the longest wait of its buckets.
     */
    static HttpProblem tooMany(Caller caller, Quota.Wait wait) {
        Quota quota = caller.quota();
        long seconds = Math.max(1, (wait.nanos() + 999_999_999L) / 1_000_000_000L);
        StringBuilder policies = new StringBuilder();
        for (int i = 0; i < quota.rates(); i++) {
            policies.append(i == 0 ? "" : ", ")
                    .append(policy(quota, i))
                    .append(";q=")
                    .append(quota.permits(i))
                    .append(";w=")
                    .append(quota.windowSeconds(i));
        }
        String detail = quota.rates() == 1
                ? "the client '" + caller.name() + "' has sent more requests than its rate (" + quota + ") allows"
                : "the client '" + caller.name() + "' has sent more requests than its rate of " + refusing(quota, wait)
                        + " allows";
        return new HttpProblem(
                429,
                "Too many requests",
                detail + "; send the next one in " + seconds + " s",
                List.of(),
                Map.of(
                        "Retry-After",
                        Long.toString(seconds),
                        "RateLimit-Policy",
                        policies.toString(),
                        "RateLimit",
                        policy(quota, Math.max(0, wait.rate())) + ";r=0;t=" + seconds));
    }

    /** The name of the policy of rate {@code rate} of {@code quota}, quoted: {@code "client"} for a single rate. */
    private static String policy(Quota quota, int rate) {
        if (quota.rates() == 1) {
            return "\"client\"";
        }
        String window = switch ((int) quota.windowSeconds(rate)) {
            case 1 -> "second";
            case 60 -> "minute";
            case 3600 -> "hour";
            default -> "day";
        };
        return "\"client-" + window + "\"";
    }
}
