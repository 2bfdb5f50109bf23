package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.signature.RangeWarning;

/**
 * What an MLflow answer says beside its bare predictions, since MLflow's shape has no place per row: the request's own
 * warnings (each column ignored, once), then each thing done to the rows' values (a missing text cell taken as the
 * card's category, an unknown category) once, with the rows it was done to ({@code "rows"}: their places in the body,
 * from 0), so that nothing sent is converted without a word.
 */
final class MlflowWarnings {

    private final Map<RangeWarning, List<Integer>> rows = new LinkedHashMap<>();
    private List<RangeWarning> request = List.of();

    /** The request's own warnings (the columns ignored), known once its rows are read. */
    void request(List<RangeWarning> warnings) {
        request = warnings;
    }

    /** The warnings about the values of the row at {@code sent} in the body (most rows have none). */
    void row(int sent, List<RangeWarning> warnings) {
        for (int i = 0; i < warnings.size(); i++) {
            rows.computeIfAbsent(warnings.get(i), w -> new ArrayList<>()).add(sent);
        }
    }

    /** Writes {@code "warnings": [...]}, when there is anything to say. */
    void write(JsonGenerator json) throws IOException {
        if (request.isEmpty() && rows.isEmpty()) {
            return;
        }
        json.writeArrayFieldStart("warnings");
        for (RangeWarning warning : request) {
            json.writeStartObject();
            json.writeStringField("feature", warning.feature());
            json.writeStringField("message", warning.message());
            json.writeEndObject();
        }
        for (Map.Entry<RangeWarning, List<Integer>> warning : rows.entrySet()) {
            json.writeStartObject();
            json.writeStringField("feature", warning.getKey().feature());
            json.writeStringField("message", warning.getKey().message());
            json.writeArrayFieldStart("rows");
            for (int row : warning.getValue()) {
                json.writeNumber(row);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
    }
}
