package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.answerjson.CoverageField;
import org.tabserve.rows.answerjson.ExplainField;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.json.JsonCells;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.rows.json.RowsRead;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowFootprint;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.WebConfig;

/**
 * Reads the bodies of MLflow's scoring protocol ({@code POST /invocations}, as {@code mlflow models serve} takes
 * them), so that MLflow clients and habits work unchanged: JSON with exactly one of {@code dataframe_split},
 * {@code dataframe_records}, {@code instances} or {@code inputs} (and optionally {@code params}), or a pandas-style
 * CSV with a header. Every value is read as {@link JsonCells} reads JSON values for every JSON route (text stays text,
 * {@code null} is a missing value, whole numbers stay exact), the rows are checked into a {@link Batch} as the other
 * routes' are, and every bad value is listed at once with its row (counted from 0). This class reads the JSON
 * body's envelope (which layout, {@code params}, no other key) and the CSV; {@link MlflowLayouts} reads each layout's
 * rows.
 *
 * <p>Where MLflow's own server is lenient in ways that hide mistakes, this one follows tabserve's rule instead (a 400
 * naming the field): a top-level key other than the four formats and {@code params} is refused rather than dropped.
 * As in MLflow, columns the model does not take are ignored (a DataFrame often carries an id), and a column it takes
 * but that is absent is an error naming it.
 */
public final class MlflowRequestParser {

    public static final String DATAFRAME_SPLIT = "dataframe_split";
    public static final String DATAFRAME_RECORDS = "dataframe_records";
    public static final String INSTANCES = "instances";
    public static final String INPUTS = "inputs";
    public static final String PARAMS = "params";
    /** MLflow's input fields, in the order its documentation lists them. */
    static final List<String> FORMATS = List.of(DATAFRAME_SPLIT, DATAFRAME_RECORDS, INSTANCES, INPUTS);

    /** What MLflow's server says when the input fields are not exactly one of {@link #FORMATS}; kept in meaning. */
    static final String REQUIRED_INPUT_FORMAT = "the input must be a JSON object with exactly one of the input fields "
            + "\"dataframe_split\", \"dataframe_records\", \"instances\" or \"inputs\" (and optionally \"params\")";

    private final ModelSignature signature;
    private final JsonCells reader;
    private final MlflowLayouts layouts;
    private final int maxRows;

    public MlflowRequestParser(ModelSignature signature, int maxRows) {
        this.signature = signature;
        this.reader = JsonCells.of(signature);
        this.layouts = new MlflowLayouts(signature, reader, maxRows);
        this.maxRows = maxRows;
    }

    /**
     * Reads a JSON body, refusing it for one bad row.
     *
     * @return the rows, checked against the model's signature (at least one)
     * @throws HttpProblem 400 for malformed JSON, a wrong layout or bad values (all of them listed), 413 for more
     *                     rows than the batch limit
     */
    public Batch parseJson(InputStream body) throws IOException {
        return parseJson(body, OnError.REJECT, OnError.UNBOUNDED).rows();
    }

    /**
     * Reads a JSON body under the caller's choice of what its bad rows do.
     *
     * @return the rows as sent, those that can be scored checked against the model's signature, and in row mode the
     *         problems of the others; the columns the model does not take, ignored
     * @param maxErrorRows in row mode, the most rows answered with their errors; past it, a 413
     * @throws HttpProblem as {@link #parseJson(InputStream)}; in row mode, not for bad values
     */
    public JsonRowsParser.ParsedRows parseJson(InputStream body, OnError onError, long maxErrorRows)
            throws IOException {
        try (JsonParser parser = JsonText.parser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw HttpProblem.badRequest("the body is empty; " + REQUIRED_INPUT_FORMAT + ", e.g. "
                        + "{\"dataframe_split\": {\"columns\": " + MlflowLayouts.quoted(signature.featureNames())
                        + ", \"data\": [[...]]}}");
            }
            if (first != JsonToken.START_OBJECT) {
                throw HttpProblem.badRequest(REQUIRED_INPUT_FORMAT + "; received " + JsonText.describe(first));
            }
            Set<String> keys = new LinkedHashSet<>();
            RowsRead rows = null;
            Params params = new Params(false, null);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                keys.add(key);
                if (FORMATS.contains(key) && rows == null) {
                    rows = reader.rows();
                    switch (key) {
                        case DATAFRAME_SPLIT -> layouts.split(parser, value, rows);
                        case DATAFRAME_RECORDS -> layouts.records(parser, value, rows);
                        default -> layouts.tensorInput(key, parser, value, rows);
                    }
                } else if (PARAMS.equals(key) && value == JsonToken.START_OBJECT) {
                    params = params(parser);
                } else {
                    if (PARAMS.equals(key) && value != JsonToken.VALUE_NULL) {
                        throw HttpProblem.invalidFields(List.of(new FieldProblem(
                                PARAMS,
                                "\"params\" must be an " + "object of parameters, got " + JsonText.describe(value),
                                null)));
                    }
                    parser.skipChildren(); // a second format is refused below
                }
            }
            if (parser.nextToken() != null) {
                throw HttpProblem.badRequest("unexpected content after the JSON object");
            }
            List<String> formats = keys.stream().filter(FORMATS::contains).toList();
            if (formats.size() != 1) {
                throw HttpProblem.badRequest(
                        REQUIRED_INPUT_FORMAT + "; received the fields " + MlflowLayouts.quoted(keys));
            }
            List<String> unknown = keys.stream()
                    .filter(k -> !FORMATS.contains(k) && !PARAMS.equals(k))
                    .toList();
            if (!unknown.isEmpty()) {
                List<FieldProblem> problems = new ArrayList<>();
                for (String key : unknown) {
                    problems.add(new FieldProblem(
                            key,
                            "unexpected field \"" + key + "\": " + REQUIRED_INPUT_FORMAT + "; received the fields "
                                    + MlflowLayouts.quoted(keys),
                            null));
                }
                throw HttpProblem.invalidFields(problems);
            }
            return rows.parsed(rows.checkBatch(formats.get(0), onError, maxErrorRows), true, onError)
                    .explaining(params.explain())
                    .covering(params.coverage());
        } catch (JsonProcessingException | CharConversionException e) {
            throw JsonText.malformed(e);
        }
    }

    /**
     * What MLflow's {@code params} ask of tabserve.
     *
     * @param explain  whether they ask for explanations
     * @param coverage the coverage they ask for, or null
     */
    private record Params(boolean explain, Double coverage) {}

    /**
     * MLflow's {@code params}, passed by MLflow to a model's {@code predict}: tabserve takes {@code "explain": true}
     * (an explanation of each answered row) and {@code "coverage": 0.9} (how sure each answer is) there, and accepts
     * the others unused.
     */
    private static Params params(JsonParser parser) throws IOException {
        boolean explain = false;
        Double coverage = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            try {
                if (ExplainField.NAME.equals(name)) {
                    explain = ExplainField.read(value, PARAMS + "." + ExplainField.NAME);
                } else if (CoverageField.NAME.equals(name)) {
                    coverage = CoverageField.read(
                            value,
                            value.isNumeric() ? parser.getDoubleValue() : Double.NaN,
                            PARAMS + "." + CoverageField.NAME);
                } else {
                    parser.skipChildren();
                }
            } catch (RowsException e) {
                throw HttpProblem.of(e);
            }
        }
        return new Params(explain, coverage);
    }

    /**
     * A body of rows (CSV, JSON Lines, Arrow) as read: its chunks, in order, and the columns the model does not take.
     *
     * @param chunks  with {@link OnError#ROW}, each chunk's {@link RowChunk#places()} put its rows in
     *                order, the good ones at their row of the chunk's batch
     * @param ignored  the columns ignored
     * @param warnings what the answer's warnings say once of the whole body: the columns ignored, and what its
     *                 format took in a way of its own (an Arrow number column taken as text)
     */
    public record RowsBody(
            List<RowChunk> chunks, List<String> ignored, List<org.tabserve.model.signature.RangeWarning> warnings) {}

    /**
     * Reads a pandas-style CSV body ({@code DataFrame.to_csv()}, its unnamed index column included) with the CSV
     * upload's parser, so that both routes read CSV alike.
     *
     * @return the rows, checked against the model's signature, in the chunks the CSV reader hands on
     * @throws HttpProblem 400 listing the problems, 413 past the batch limit
     */
    public List<Batch> parseCsv(InputStream body) throws IOException {
        return parseCsv(body, OnError.REJECT, OnError.UNBOUNDED).chunks().stream()
                .map(RowChunk::batch)
                .toList();
    }

    /**
     * {@link #parseCsv(InputStream)} under the caller's choice of what its bad rows do.
     *
     * @param maxErrorRows in row mode, the most rows answered with their errors; past it, a 413
     * @throws HttpProblem as {@link #parseCsv(InputStream)}; in row mode, not for bad values
     */
    public RowsBody parseCsv(InputStream body, OnError onError, long maxErrorRows) throws IOException {
        return parseRows(body, RowFormat.CSV, onError, maxErrorRows);
    }

    /**
     * {@link #parseCsv(InputStream, OnError, long)} for a body of rows in any {@link RowFormat}: a CSV may have
     * pandas' unnamed index column, a JSON Lines body is one object a line ({@code to_json(orient="records",
     * lines=True)}).
     */
    public RowsBody parseRows(InputStream body, RowFormat format, OnError onError, long maxErrorRows)
            throws IOException {
        return parseRows(body, format, onError, maxErrorRows, null);
    }

    /**
     * {@link #parseRows(InputStream, RowFormat, OnError, long)} reserving through {@code grow} (when not null) what
     * the read holds ({@link RowsReader#reservingRowMemory}) and each chunk's rows before they are kept
     * ({@link RowFootprint#kept}): for a columnar body, whose rows are not in proportion to its bytes.
     */
    public RowsBody parseRows(
            InputStream body,
            RowFormat format,
            OnError onError,
            long maxErrorRows,
            java.util.function.LongConsumer grow)
            throws IOException {
        // No row reservation here (RowsReader#reservingRowMemory): the body is metered at RowFootprint.PER_BODY_BYTE
        // a byte as it is read, which already covers what a long row's parse holds (at most 15.3 bytes a character,
        // measured) with the rows kept; reserving both made a 1 MB body of one long row a 413 at -Xmx64m.
        RowsReader parser = format.reader(signature, maxRows, true).onError(onError, maxErrorRows);
        if (grow != null) {
            parser.reservingRowMemory(grow);
        }
        try {
            List<RowChunk> chunks = grow == null
                    ? parser.readAll(body)
                    : parser.readAll(body, chunk -> grow.accept(chunk.rowCount() * RowFootprint.kept(signature)));
            return new RowsBody(chunks, parser.ignoredColumns(), parser.requestWarnings());
        } catch (RowsException e) {
            if (onError == OnError.REJECT && e.kind() == RowsException.Kind.INVALID_FIELDS) {
                throw HttpProblem.of(RowsException.invalidFields(e.getMessage() + "; " + OnError.HINT, e.errors()));
            }
            throw HttpProblem.of(e, WebConfig.MAX_BATCH_ROWS);
        }
    }
}
