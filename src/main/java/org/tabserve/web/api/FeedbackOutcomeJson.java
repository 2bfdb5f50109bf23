package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;
import org.tabserve.serving.feedback.FeedbackMonitor;

/**
 * What the feedback answer adds to its counts: the labels joined by the version that answered them
 * ({@code joined_by_version}, a canary's and the primary's apart) and the first labels not joined, each with why
 * ({@code not_joined}).
 */
final class FeedbackOutcomeJson {

    private FeedbackOutcomeJson() {}

    /** Writes the fields into the object {@code json} is in. */
    static void write(JsonGenerator json, FeedbackMonitor.Outcome outcome, boolean shared) throws IOException {
        json.writeObjectFieldStart("joined_by_version");
        for (Map.Entry<Long, Long> version : outcome.joinedBy().entrySet()) {
            json.writeNumberField(Long.toString(version.getKey()), version.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("not_joined");
        for (FeedbackMonitor.NotJoined label : outcome.notJoined()) {
            json.writeStartObject();
            json.writeStringField(FeedbackHandler.REQUEST_ID, label.requestId());
            json.writeNumberField(FeedbackHandler.ROW, label.row());
            json.writeStringField("outcome", label.outcome());
            json.writeStringField("reason", label.reason());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("answers_kept", shared ? "shared store" : "this replica");
    }
}
