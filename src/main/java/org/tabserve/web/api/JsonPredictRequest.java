package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerSource;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.answer.InPlaceRefusals;
import org.tabserve.model.answer.ScoredRows;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.answerjson.RowErrorsJson;
import org.tabserve.rows.answerjson.SourceJson;
import org.tabserve.rows.answerjson.WarningsJson;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.json.ComputedJsonRefusals;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.rows.read.RowFootprint;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.explanations.RowExplanations;
import org.tabserve.web.http.AnswerKeepAlive;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.limits.LimitedInputStream;
import org.tabserve.web.http.request.AskedFields;
import org.tabserve.web.http.request.MediaType;
import org.tabserve.web.http.request.RequestParameters;

/**
 * Answers a JSON prediction request, one row or {@code {"instances": [...]}}, the same way on every route that takes
 * one ({@code POST /api/predict}, and {@code POST /predict} for the original tutorials' clients), for every model: the
 * body is read within the size limit and the memory budget into typed rows, and the batch is one model call (or one
 * per fixed-size chunk); a classifier answers with labels and probabilities, a regressor with values, and each
 * answered row with its explanation when the request asks ({@link RowExplanations}).
 */
public final class JsonPredictRequest {

    /** The body's and the answer's format, as the trace's stages name it. */
    private static final String FORMAT = "json";

    private final WebConfig config;
    private final MemoryBudget budget;
    private final Scoring scoring;

    public JsonPredictRequest(WebConfig config, MemoryBudget budget, Scoring scoring) {
        this.config = config;
        this.budget = budget;
        this.scoring = scoring;
    }

    /** @return the scoring entry point this route's requests go through */
    Scoring scoring() {
        return scoring;
    }

    /** {@code POST /api/predict}: a JSON body (UTF-8) in, the prediction out. */
    public void handle(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        MediaType.require(request, MediaType.JSON);
        answer(model, request, response);
    }

    /** Answers a request whose body's media type has been checked to be JSON. */
    void answer(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(
                model,
                request,
                LimitedInputStream.body(request, config.maxBodyBytes(), WebConfig.MAX_BODY_BYTES),
                response);
    }

    /** Answers a request whose body, {@code sent} (read within the body limit), is JSON. */
    void answer(ResolvedModel model, HttpServletRequest request, InputStream sent, HttpServletResponse response)
            throws IOException {
        Model classifier = model.model();
        String query = request.getQueryString(); // read once: each read walks the container's request wrappers
        OnError onError = RequestParameters.onError(query);
        try (MemoryBudget.Reservation held = budget.open()) {
            JsonRowsParser.ParsedRows parsed;
            long bytes = request.getContentLengthLong();
            try (AnswerTrace.Stage reading = model.trace().read(FORMAT, bytes);
                    InputStream body =
                            held.meteredUpFront(sent, bytes, Json.UNMETERED_BYTES, RowFootprint.PER_BODY_BYTE)) {
                parsed = new JsonRowsParser(classifier.signature(), config.maxBatchRows())
                        .parse(body, onError, config.maxErrorRows());
                reading.attribute(
                        AnswerTrace.ROWS,
                        parsed.rows() == null ? 0 : parsed.rows().size());
            } catch (RowsException e) {
                throw HttpProblem.of(e, WebConfig.MAX_BATCH_ROWS);
            }
            boolean explain = AskedFields.explain(query, parsed.explain());
            AnswerAssembler scores = scoring.of(model, AskedFields.coverage(query, parsed.coverage()));
            AnswerKeepAlive watch = new AnswerKeepAlive(response, Json.MEDIA_TYPE);
            var answered = InPlaceRefusals.score(
                    new ComputedJsonRefusals.Chunk(parsed, onError == OnError.ROW),
                    rows -> scores.scoreRows(rows, explain, watch),
                    ScoredRows.NONE);
            parsed = answered.rows().parsed();
            ScoredRows scored = answered.scored();
            try (AnswerTrace.Stage writing = model.trace().write(FORMAT, scored.size())) {
                respond(response, scored, parsed, classifier.card(), scores.source());
            }
        }
    }

    /**
     * Answers one prediction, or a batch when the caller sent one; range warnings are read from the values as sent
     * (plain doubles for a numbers-only model, else the typed cells).
     */
    private static void respond(
            HttpServletResponse response,
            ScoredRows scored,
            JsonRowsParser.ParsedRows parsed,
            ModelCard card,
            AnswerSource source)
            throws IOException {
        try (JsonGenerator json = Json.start(response)) {
            if (!parsed.batch()) {
                List<RangeWarning> warnings = parsed.warnings(card, 0);
                if (parsed.anyRequestWarnings()) {
                    warnings = new ArrayList<>(parsed.requestWarnings());
                    warnings.addAll(parsed.warnings(card, 0));
                }
                PredictionJson.write(
                        json,
                        scored,
                        0,
                        card,
                        warnings,
                        parsed.rows().signature().probabilityNote(),
                        source);
                return;
            }
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            if (parsed.sentRows() == null) {
                PredictionJson.Rows encoded =
                        new PredictionJson.Rows(parsed.rows().signature(), card);
                for (int i = 0; i < scored.size(); i++) {
                    encoded.write(json, scored, i, parsed.warnings(encoded, i));
                }
            } else {
                writeRowByRow(json, scored, parsed, card);
            }
            json.writeEndArray();
            if (parsed.rows() != null) { // null when no row of the batch could be scored (row mode)
                PredictionJson.writeProbabilityNote(json, parsed.rows().signature());
            }
            WarningsJson.writeRequestWarnings(json, parsed.requestWarnings());
            SourceJson.write(json, source);
            json.writeEndObject();
        }
    }

    /** A batch answered row by row ({@code ?on_error=row}): each row's prediction, or its errors, in its place. */
    private static void writeRowByRow(
            JsonGenerator json, ScoredRows scored, JsonRowsParser.ParsedRows parsed, ModelCard card)
            throws IOException {
        PredictionJson.Rows encoded = parsed.rows() == null
                ? null
                : new PredictionJson.Rows(parsed.rows().signature(), card);
        Map<Integer, List<FieldProblem>> problems = new HashMap<>();
        for (FieldProblem problem : parsed.problems()) {
            problems.computeIfAbsent(problem.row(), r -> new ArrayList<>()).add(problem);
        }
        SentOrder order = parsed.order();
        for (int row = 0; row < order.sent(); row++) {
            int at = order.scoredAt(row);
            if (at != SentOrder.REFUSED) {
                encoded.write(json, scored, at, parsed.warnings(encoded, at));
            } else {
                RowErrorsJson.write(json, problems.getOrDefault(row, List.of()));
            }
        }
    }
}
