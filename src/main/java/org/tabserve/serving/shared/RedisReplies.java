package org.tabserve.serving.shared;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.tabserve.serving.feedback.RecentAnswers;
import org.tabserve.serving.feedback.SharedAnswers;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/** The shared store's replies read: what a label's join came to, and a reply's value as text. */
final class RedisReplies {

    private RedisReplies() {}

    /** What one label came to, from the join script's answer; a value no replica wrote is corrupt. */
    static SharedAnswers.Joined joined(Response<Object> answer) {
        try {
            if (answer.get() instanceof List<?> got && !got.isEmpty()) {
                String outcome = String.valueOf(got.get(0));
                switch (outcome) {
                    case "unknown":
                        return new SharedAnswers.Joined(RecentAnswers.Outcome.UNKNOWN, -1, -1, Double.NaN, false);
                    case "expired":
                        return new SharedAnswers.Joined(RecentAnswers.Outcome.EXPIRED, -1, -1, Double.NaN, false);
                    case "duplicate":
                        return new SharedAnswers.Joined(
                                RecentAnswers.Outcome.DUPLICATE,
                                Long.parseLong(text(got.get(1))),
                                -1,
                                Double.NaN,
                                false);
                    case "joined":
                        String value = text(got.get(2));
                        boolean whole = value.matches("-?[0-9]{1,10}");
                        return new SharedAnswers.Joined(
                                RecentAnswers.Outcome.JOINED,
                                Long.parseLong(text(got.get(1))),
                                whole ? Integer.parseInt(value) : -1,
                                whole ? Double.NaN : Double.parseDouble(value),
                                false);
                    default:
                        break;
                }
            }
        } catch (JedisDataException | NumberFormatException | IndexOutOfBoundsException e) {
            // a value no replica wrote: counted as unknown, said corrupt
        }
        return new SharedAnswers.Joined(RecentAnswers.Outcome.UNKNOWN, -1, -1, Double.NaN, true);
    }

    static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
