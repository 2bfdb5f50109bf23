package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Set;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.RequestField;

/**
 * Writes the request-level fields a JSON answer's body carries ({@link RequestField#inBody}), in their described
 * order, into the object that is open: a lone row's, or a batch's after its predictions.
 */
public final class SourceJson {

    private SourceJson() {}

    /** Writes {@code source}'s fields the body carries; nothing for null (an answer that leased no model). */
    public static void write(JsonGenerator json, AnswerSource source) throws IOException {
        write(json, source, Set.of());
    }

    /**
     * {@link #write(JsonGenerator, AnswerSource)} but for {@code own}, the fields the object carries under keys of its
     * own (a prediction log line's {@code request_id}, {@code model}, {@code version}).
     */
    public static void write(JsonGenerator json, AnswerSource source, Set<RequestField> own) throws IOException {
        if (source == null) {
            return;
        }
        for (RequestField field : RequestField.values()) {
            if (field.inBody(source) && !own.contains(field)) {
                Object value = field.value(source);
                if (value instanceof Long number) {
                    json.writeNumberField(field.key(), number);
                } else {
                    json.writeStringField(field.key(), (String) value);
                }
            }
        }
    }
}
