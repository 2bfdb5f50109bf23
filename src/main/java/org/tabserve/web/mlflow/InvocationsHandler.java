package org.tabserve.web.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerShape;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.answer.AnsweredRow;
import org.tabserve.model.answer.InPlaceRefusals;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.answerjson.ExplanationJson;
import org.tabserve.rows.arrow.ArrowRowsReader;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.json.ComputedJsonRefusals;
import org.tabserve.rows.json.JsonLinesReader;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.rows.parquet.ParquetRowsReader;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.web.http.AnswerKeepAlive;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.request.AskedFields;
import org.tabserve.web.http.request.MediaType;
import org.tabserve.web.http.request.RequestParameters;

/**
 * {@code POST /invocations}, MLflow's scoring route, so that MLflow clients work against tabserve: a JSON or CSV body
 * as {@link MlflowRequestParser} reads it, answered as MLflow answers a scikit-learn classifier's {@code predict},
 * {@code {"predictions": [label, ...]}}. The body is read within the same size limit and memory budget as the other
 * JSON routes, and the batch is one model call.
 */
public final class InvocationsHandler {

    public static final String PATH = "/invocations";

    /** The body formats this route takes beside MLflow's two. */
    private static final String OR_JSON_LINES = "or " + JsonLinesReader.MEDIA_TYPE + ", one JSON object a row, or "
            + ArrowRowsReader.MEDIA_TYPE + " (or " + ArrowRowsReader.FILE_MEDIA_TYPE
            + "), an Arrow IPC stream (or file), or "
            + ParquetRowsReader.MLFLOW_MEDIA_TYPE
            + " (or " + ParquetRowsReader.MEDIA_TYPE + "), a Parquet file";

    /** A JSON body's and answer's format, as the trace's stages name it. */
    private static final String JSON = "json";

    private final WebConfig config;
    private final MemoryBudget budget;
    private final Scoring scoring;

    public InvocationsHandler(WebConfig config, MemoryBudget budget, Scoring scoring) {
        this.config = config;
        this.budget = budget;
        this.scoring = scoring;
    }

    /**
     * {@code POST /invocations}. With {@code ?on_error=row} a bad row's prediction is {@code null} and its errors are
     * listed under {@code errors}, each with its row; the columns the model does not take are ignored, as MLflow
     * ignores them, and named once under {@code warnings}, where what was done to a row's values (a missing text cell
     * taken as its card's category, say) is said once too, with the rows ({@link MlflowWarnings}). Neither key is
     * written when it would be empty, so an
     * answer is MLflow's own {@code {"predictions": [...]}} whenever nothing needs saying.
     */
    public void invoke(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String type = mediaType(MediaType.of(request));
        OnError onError = RequestParameters.onError(request);
        Model classifier = model.model();
        MlflowRequestParser parser = new MlflowRequestParser(classifier.signature(), config.maxBatchRows());
        try (MemoryBudget.Reservation held = budget.open();
                InputStream body = LimitedInputStream.meteredJsonBody(request, config, held)) {
            // One entry per row sent, in order: the row as scored, or null for a row that could not be scored.
            List<AnsweredRow.Scored> answers = new ArrayList<>();
            boolean explained = false;
            List<FieldProblem> problems = new ArrayList<>();
            // A body of rows answered as a table (Accept: Arrow): each row's problems as text, in its place.
            List<String> rowErrors = new ArrayList<>();
            MlflowWarnings told = new MlflowWarnings();
            AnswerAssembler scores;
            if (type.equals(MediaType.JSON)) {
                JsonRowsParser.ParsedRows parsed;
                try (AnswerTrace.Stage reading = model.trace().read(JSON, request.getContentLengthLong())) {
                    parsed = parser.parseJson(body, onError, config.maxErrorRows());
                    reading.attribute(
                            AnswerTrace.ROWS,
                            parsed.rows() == null ? 0 : parsed.rows().size());
                }
                boolean explain = AskedFields.explain(request, parsed.explain());
                scores = scoring.of(model, AskedFields.coverage(request, parsed.coverage()));
                AnswerAssembler assembler = scores;
                AnswerKeepAlive watch = new AnswerKeepAlive(response, Json.MEDIA_TYPE);
                var refusing = InPlaceRefusals.score(
                        new ComputedJsonRefusals.Chunk(parsed, onError == OnError.ROW),
                        rows -> assembler.scoreRows(rows, explain, watch),
                        ScoredRows.NONE);
                parsed = refusing.rows().parsed();
                ScoredRows scored = refusing.scored();
                told.request(parsed.requestWarnings());
                SentOrder order = parsed.order();
                for (int row = 0; row < order.sent(); row++) {
                    int at = order.scoredAt(row);
                    if (at != SentOrder.REFUSED) {
                        told.row(row, parsed.rows().warnings(at));
                    }
                    answers.add(at != SentOrder.REFUSED ? scored.row(at) : null);
                }
                explained = scored.explanations() != null;
                problems.addAll(parsed.problems());
            } else {
                AskedFields.refuseExplain(
                        request,
                        "explanations are given for JSON bodies (\"params\":"
                                + " {\"explain\": true}); send the rows as JSON, or leave explain out");
                scores = scoring.of(model, AskedFields.coverage(request, null));
                RowFormat format = RowFormat.ofMediaType(type).orElseThrow();
                // A Parquet body's rows are not in proportion to its bytes (a column of one repeated value is a few
                // bytes, compressed pages inflate): its reader reserves what it holds, and each chunk its rows.
                MlflowRequestParser.RowsBody csv;
                try (AnswerTrace.Stage reading =
                        model.trace().read(formatName(format), request.getContentLengthLong())) {
                    csv = format == RowFormat.PARQUET
                            ? parser.parseRows(body, format, onError, config.maxErrorRows(), held::grow)
                            : parser.parseRows(body, format, onError, config.maxErrorRows());
                    reading.attribute(
                            AnswerTrace.ROWS,
                            csv.chunks().stream().mapToLong(RowChunk::size).sum());
                }
                for (RowChunk read : csv.chunks()) {
                    AnswerAssembler assembler = scores;
                    var refusing = InPlaceRefusals.score(read, assembler::scoreRows, ScoredRows.NONE);
                    RowChunk chunk = refusing.rows();
                    ScoredRows scored = refusing.scored();
                    if (chunk.places() == null) {
                        for (int r = 0; r < scored.size(); r++) {
                            told.row(answers.size() + r, chunk.batch().warnings(r));
                        }
                        for (int r = 0; r < scored.size(); r++) {
                            answers.add(scored.row(r));
                            rowErrors.add("");
                        }
                        continue;
                    }
                    for (RowPlace place : chunk.places()) {
                        boolean answered = place.isScored();
                        if (answered) {
                            told.row(answers.size(), chunk.batch().warnings(place.batchRow()));
                        }
                        answers.add(answered ? scored.row(place.batchRow()) : null);
                        rowErrors.add(place.problemsText());
                        problems.addAll(place.problems());
                    }
                }
                told.request(csv.warnings());
                RowFormat table = TableAnswer.asked(request);
                if (table != null) {
                    try (AnswerTrace.Stage writing = model.trace().write(formatName(table), answers.size())) {
                        TableAnswer.write(
                                request,
                                response,
                                table,
                                held::grow,
                                scores,
                                answers,
                                onError == OnError.ROW ? rowErrors : null);
                    }
                    return;
                }
            }
            try (AnswerTrace.Stage writing = model.trace().write(JSON, answers.size())) {
                write(response, scores.shape(false), answers, scores.covers(), explained, problems, told);
            }
        }
    }

    /** A format of rows as the trace's stages name it, as {@code /predict_file}'s do ({@code csv}, {@code arrow}). */
    private static String formatName(RowFormat format) {
        return format.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Writes the answer: one prediction per row sent, in order, null for a row that could not be scored; when
     * explanations were asked for, one per row likewise, under {@code "explanations"}; when coverage was, each
     * prediction is a record of columns, as MLflow answers for a model that returns a data frame
     * ({@link MlflowColumns}).
     *
     * @param answers   each row sent as scored, in order, null for a row not scored
     * @param covered   whether a coverage was asked for, so that each prediction is a record
     * @param explained whether explanations were asked for and given
     */
    private static void write(
            HttpServletResponse response,
            AnswerShape shape,
            List<AnsweredRow.Scored> answers,
            boolean covered,
            boolean explained,
            List<FieldProblem> problems,
            MlflowWarnings warnings)
            throws IOException {
        try (JsonGenerator json = Json.start(response)) {
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            for (AnsweredRow.Scored row : answers) {
                // As MLflow's pyfunc answers: a classifier's label, a regressor's number.
                if (row == null) {
                    json.writeNull();
                } else if (covered) {
                    MlflowColumns.write(json, shape, row);
                } else if (row.prediction() instanceof Prediction.Regression regression) {
                    json.writeNumber(regression.value());
                } else {
                    json.writeString(row.prediction().classification().label());
                }
            }
            json.writeEndArray();
            if (explained) {
                json.writeArrayFieldStart("explanations");
                for (AnsweredRow.Scored row : answers) {
                    if (row == null || row.explanation() == null) {
                        json.writeNull();
                    } else {
                        ExplanationJson.writeObject(json, row.explanation());
                    }
                }
                json.writeEndArray();
            }
            if (!problems.isEmpty()) {
                json.writeFieldName("errors");
                Json.MAPPER.writeValue(json, problems);
            }
            warnings.write(json);
            json.writeEndObject();
        }
    }

    /**
     * The body's media type, {@code application/json} or {@code text/csv}; as MLflow's server does, a 415 for any
     * other, for a charset other than UTF-8 and for any other parameter.
     */
    static String mediaType(MediaType sent) {
        // JSON Lines is tabserve's addition: MLflow's own server takes JSON and CSV.
        if (sent.header() == null) {
            throw HttpProblem.unsupportedMediaType(
                    "send Content-Type: application/json or text/csv (" + OR_JSON_LINES + "; none was sent)");
        }
        // Every name a format of rows goes by (RowFormat's, as /predict_file takes them: Arrow's file format too).
        if (!sent.type().equals(MediaType.JSON)
                && RowFormat.ofMediaType(sent.type()).isEmpty()) {
            throw HttpProblem.unsupportedMediaType("send Content-Type: application/json or text/csv, MLflow's scoring "
                    + "formats (" + OR_JSON_LINES + ") " + sent.sent());
        }
        // A bare ";" names no parameter: "application/json;" as MLflow's own documentation once sent it.
        for (var parameter : sent.parameters().entrySet()) {
            if (!parameter.getKey().equals("charset")) {
                throw HttpProblem.unsupportedMediaType("unrecognized Content-Type parameter '" + parameter.getKey()
                        + "'; only charset=utf-8 is taken " + sent.sent());
            }
            if (!parameter.getValue().equalsIgnoreCase("utf-8")) {
                throw HttpProblem.unsupportedMediaType("the scoring route takes UTF-8 only " + sent.sent());
            }
        }
        return sent.type();
    }
}
