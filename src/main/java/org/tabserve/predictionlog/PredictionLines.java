package org.tabserve.predictionlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.RequestField;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.answerjson.SourceJson;

/**
 * Writes a {@link ScoredCall} as JSON Lines, one object per row: the request's id, the model and version, the time,
 * the latency, the caller's name and kind ({@code client}, {@code client_kind}, when its credential named one), the row's inputs by column (masked ones left out and named under {@code masked}) and its answer in
 * {@code outputs}, as {@code /api/predict} gives it (a warning about a masked column without its value). Used by the log's one writer thread only.
 */
final class PredictionLines {

    private static final JsonFactory JSON = new JsonFactory();

    private static final Logger LOG = Logger.getLogger(PredictionLines.class.getName());

    private final Set<String> mask;
    /** The model versions whose masked columns were said in the server's log. */
    private final Set<String> told = new HashSet<>();
    /** The last model's columns and answer writer: a log is mostly of one model, whose names are encoded once. */
    private Model model;

    private Columns columns;

    /** A model's columns to write (by feature index), those masked, and its answer writer. */
    private record Columns(int[] written, String[] names, List<String> masked, PredictionJson.Rows answers) {}

    /** The request-level fields a line carries under keys of its own: request_id, model, version. */
    private static final Set<RequestField> LINE_FIELDS =
            EnumSet.of(RequestField.MODEL_NAME, RequestField.MODEL_VERSION, RequestField.REQUEST_ID);

    PredictionLines(Set<String> mask) {
        this.mask = mask;
    }

    /** Appends one line per row of {@code call} to {@code out}. */
    void write(ScoredCall call, ByteArrayOutputStream out) {
        Columns of = columnsOf(call);
        AnswerSource source = new AnswerSource(
                call.model(),
                call.version(),
                call.scoring().sha256(),
                call.scoring().engine().name(),
                call.requestId(),
                false,
                call.traceId());
        Batch batch = call.batch();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            String time = call.time().toString();
            double latencyMillis = call.latencyNanos() / 1e6;
            for (int row = 0; row < batch.size() && row < call.predictions().size(); row++) {
                json.writeStartObject();
                json.writeStringField("request_id", call.requestId());
                json.writeStringField("time", time);
                json.writeStringField("model", call.model());
                json.writeNumberField("version", call.version());
                json.writeStringField("call", call.call());
                json.writeNumberField("latency_ms", Math.round(latencyMillis * 1000) / 1000.0);
                if (call.client() != null) {
                    json.writeStringField("client", call.client()); // its name, never its credential
                    if (call.clientKind() != null) {
                        json.writeStringField("client_kind", call.clientKind()); // what named it
                    }
                }
                SourceJson.write(json, source, LINE_FIELDS);
                json.writeObjectFieldStart("inputs");
                for (int i = 0; i < of.written().length; i++) {
                    json.writeFieldName(of.names()[i]);
                    writeCell(json, batch.cell(row, of.written()[i]));
                }
                json.writeEndObject();
                if (!of.masked().isEmpty()) {
                    json.writeArrayFieldStart("masked");
                    for (String name : of.masked()) {
                        json.writeString(name);
                    }
                    json.writeEndArray();
                }
                json.writeFieldName("outputs");
                of.answers().write(json, call.predictions().get(row), masked(batch.warnings(row)));
                json.writeEndObject();
                json.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /**
     * A row's warnings with those about a masked column worded without its value: an unknown category's warning
     * quotes what was sent ("the model has not seen 'sex' = ..."), which would leak the value masking leaves out.
     */
    private List<RangeWarning> masked(List<RangeWarning> warnings) {
        if (mask.isEmpty() || warnings.stream().noneMatch(w -> mask.contains(w.feature()))) {
            return warnings;
        }
        return warnings.stream()
                .map(w -> mask.contains(w.feature())
                        ? new RangeWarning(
                                w.feature(),
                                "a value of the masked column '" + w.feature()
                                        + "' is unusual for the model (the value is masked);"
                                        + " treat the answer with care")
                        : w)
                .toList();
    }

    private static void writeCell(JsonGenerator json, Object cell) throws IOException {
        if (cell == null) {
            json.writeNull();
        } else if (cell instanceof Float f) {
            json.writeNumber(f);
        } else if (cell instanceof Double d) {
            json.writeNumber(d);
        } else if (cell instanceof Long l) {
            json.writeNumber(l);
        } else if (cell instanceof Integer i) {
            json.writeNumber(i);
        } else if (cell instanceof Boolean b) {
            json.writeBoolean(b);
        } else {
            json.writeString(cell.toString());
        }
    }

    private Columns columnsOf(ScoredCall call) {
        Model scoring = call.scoring();
        if (scoring != model) {
            List<Feature> features = scoring.signature().features();
            List<Integer> written = new ArrayList<>();
            List<String> masked = new ArrayList<>();
            for (int f = 0; f < features.size(); f++) {
                if (mask.contains(features.get(f).name())) {
                    masked.add(features.get(f).name());
                } else {
                    written.add(f);
                }
            }
            columns = new Columns(
                    written.stream().mapToInt(Integer::intValue).toArray(),
                    written.stream().map(f -> features.get(f).name()).toArray(String[]::new),
                    List.copyOf(masked),
                    new PredictionJson.Rows(scoring.signature(), scoring.card()));
            model = scoring;
            if (!mask.isEmpty() && told.add(call.model() + "/" + call.version())) {
                List<String> absent = mask.stream()
                        .filter(name -> !masked.contains(name))
                        .sorted()
                        .toList();
                LOG.info("prediction log: model " + call.model() + " version " + call.version() + ": the values of "
                        + (masked.isEmpty() ? "no column" : masked) + " are masked"
                        + (absent.isEmpty() ? "" : "; it has no column " + absent));
            }
        }
        return columns;
    }
}
