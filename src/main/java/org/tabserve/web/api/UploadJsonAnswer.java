package org.tabserve.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnsweredRows;
import org.tabserve.model.answer.ChunkAnswers;
import org.tabserve.model.answer.ChunkScorer;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.answerjson.RowErrorsJson;
import org.tabserve.rows.answerjson.SourceJson;
import org.tabserve.rows.answerjson.WarningsJson;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.StreamedAnswer;

/**
 * The JSON answer of {@code POST /predict_file}, {@code {"predictions": [...]}}: a sink for scored chunks that writes
 * each row as it comes, the rows' probabilities written as text ahead on the scoring pool
 * ({@link ChunkAnswers.Preparing}) when the budget has room for those texts.
 */
final class UploadJsonAnswer implements ChunkAnswers.Preparing<RowChunk, String[]> {
    private final PredictionJson.Rows rows;
    /** The upload's reader, which knows its header's columns the model does not take once it has read it. */
    private final RowsReader parser;

    private final int ahead;
    private JsonGenerator json;

    /**
     * @param held the request's reservation, which takes the heap of the texts prepared ahead
     *             ({@link PredictFileHandler#AHEAD} chunks and the one being written); without room, every row's
     *             numbers are written as it goes
     */
    UploadJsonAnswer(Model classifier, RowsReader parser, MemoryBudget.Reservation held) {
        this.rows = new PredictionJson.Rows(classifier.signature(), classifier.card());
        this.parser = parser;
        this.ahead = held.tryGrow((PredictFileHandler.AHEAD + 1L) * RowsReader.CHUNK_ROWS * rows.probabilityTextBytes())
                ? PredictFileHandler.AHEAD
                : 0;
    }

    @Override
    public int ahead() {
        return ahead;
    }

    @Override
    public String[] prepare(RowChunk chunk, List<Prediction> predictions) {
        return ahead == 0 ? null : rows.probabilityTexts(predictions);
    }

    /**
     * Starts the answer, feeds {@code source} through {@code run} and writes every row it scores, then the
     * request-level fields a body carries ({@link SourceJson}) from {@code scoring}.
     */
    void write(
            HttpServletRequest request,
            HttpServletResponse response,
            ChunkScorer.Chunks<RowChunk> source,
            ChunkScorer.Run<RowChunk> run,
            AnswerAssembler scoring)
            throws IOException {
        StreamedAnswer.begin(request, response);
        try (JsonGenerator generator = Json.start(response)) {
            json = generator;
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            run.score(source);
            json.writeEndArray();
            WarningsJson.writeRequestWarnings(json, parser.requestWarnings());
            SourceJson.write(json, scoring.source());
            json.writeEndObject();
        }
    }

    @Override
    public void accept(RowChunk chunk, AnsweredRows scored, String[] texts) throws IOException {
        if (chunk.places() != null) {
            for (RowPlace place : chunk.places()) {
                if (place.isScored()) {
                    writeRow(chunk, scored, texts, place.batchRow());
                } else {
                    RowErrorsJson.write(json, place.problems());
                }
            }
            return;
        }
        for (int r = 0; r < chunk.size(); r++) {
            writeRow(chunk, scored, texts, r);
        }
    }

    private void writeRow(RowChunk chunk, AnsweredRows scored, String[] texts, int r) throws IOException {
        rows.write(json, scored, r, chunk.warnings(rows, r), texts, r * rows.classCount());
    }
}
