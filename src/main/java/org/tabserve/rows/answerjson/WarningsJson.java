package org.tabserve.rows.answerjson;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.List;
import org.tabserve.model.signature.RangeWarning;

/**
 * Writes warnings as the JSON answers spell them, {@code "warnings": [{"feature", "message"}]}: a row's (values outside
 * the training range, categories the model has not seen; empty when there are none) and a request's (each ignored
 * field, once).
 */
public final class WarningsJson {

    // Field names encoded once: an answer of many rows writes each of them once per row.
    /** The field a row's or a request's warnings are in. */
    static final SerializableString WARNINGS = new SerializedString("warnings");

    private static final SerializableString FEATURE = new SerializedString("feature");
    private static final SerializableString MESSAGE = new SerializedString("message");

    private WarningsJson() {}

    /** Writes a row's {@code "warnings": [...]}, an empty array when it has none. */
    static void write(JsonGenerator json, List<RangeWarning> warnings) throws IOException {
        json.writeFieldName(WARNINGS);
        json.writeStartArray();
        for (int i = 0; i < warnings.size(); i++) { // no iterator: most rows have none, and a batch writes many
            RangeWarning warning = warnings.get(i);
            json.writeStartObject();
            json.writeFieldName(FEATURE);
            json.writeString(warning.feature());
            json.writeFieldName(MESSAGE);
            json.writeString(warning.message());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** Writes a request's warnings (each ignored field, once) as {@code "warnings": [...]}, when there are any. */
    public static void writeRequestWarnings(JsonGenerator json, List<RangeWarning> warnings) throws IOException {
        if (!warnings.isEmpty()) {
            write(json, warnings);
        }
    }
}
