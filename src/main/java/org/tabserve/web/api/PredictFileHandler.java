package org.tabserve.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.AnswerTrace;
import org.tabserve.model.answer.ChunkScorer;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowFootprint;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.rows.write.CsvAnswer;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.serving.Scoring;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.serving.explanations.RowExplanations;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.PageLinks;
import org.tabserve.web.http.StreamedAnswer;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.request.AskedFields;
import org.tabserve.web.http.request.MediaType;
import org.tabserve.web.http.request.RequestParameters;

/**
 * {@code POST /predict_file}: an upload of rows ({@link CsvUpload}: a CSV, or JSON Lines by the part's media type or
 * the file's name, {@link RowFormat}) scored row by row. The upload is read
 * twice from the container's temporary file: once to check every row, then to predict and stream the answer, JSON
 * by default, CSV (input columns, then label and one probability column per class, or a regressor's value) for
 * {@code Accept: text/csv}, or for browsers ({@code Accept: text/html}) a page with the first rows and the whole CSV to download. HTML forms cannot
 * set Accept, so {@code ?format=json|csv|html} overrides it. A bad row refuses the upload (a 400 listing every bad
 * value and the way on), unless {@code ?on_error=row} ({@link OnError}; the upload form sends it as a field): then
 * every row is answered in the file's order, a bad one with its errors in its place.
 */
public final class PredictFileHandler implements AutoCloseable {

    /**
     * JSON answers of uploads up to this many rows are scored from the rows kept by the validating pass (about 5 MB
     * per 100,000 rows) instead of a second parse; larger uploads are parsed twice, so memory stays bounded.
     */
    static final int KEEP_ROWS = 250_000;

    /** Chunks after the one being written whose probabilities the scoring pool writes as text meanwhile. */
    static final int AHEAD = 3;

    /**
     * The answer's format, negotiated once ({@link #format}): a table in one of the {@link RowFormat}s, the JSON answer
     * (no table), or the page, a view of the CSV table (its first rows, and the whole CSV answer to download).
     *
     * @param table the answer table's format, or null for the JSON answer
     * @param page  whether the answer is the page showing the table
     */
    record Format(RowFormat table, boolean page) {
        static final Format JSON = new Format(null, false);
        static final Format HTML = new Format(RowFormat.CSV, true);

        /** @return the format's name in the answer's trace: json, html, or the table's (csv, json_lines, ...) */
        String traceName() {
            return page ? "html" : table == null ? "json" : table.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The query parameter that picks the answer's format over Accept. */
    static final String FORMAT = "format";

    private final WebConfig config;
    private final UploadView page;
    private final MemoryBudget budget;
    private final Scoring scoring;
    private final ChunkScorer scorer = new ChunkScorer(Runtime.getRuntime().availableProcessors());

    public PredictFileHandler(WebConfig config, UploadView page, MemoryBudget budget, Scoring scoring) {
        this.config = config;
        this.page = page;
        this.budget = budget;
        this.scoring = scoring;
    }

    /** Stops the scoring pool, when the app stops. */
    @Override
    public void close() {
        scorer.close();
    }

    /** {@code POST /predict_file}. */
    public void predict(ResolvedModel model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        MediaType.require(request, "multipart/form-data");
        Model classifier = model.model();
        Format format = format(request);
        // Read by the one rule of every route (so that ?explain=yes is the same 400), then refused in words: an
        // upload's rows are many more than a request may have explained, and its CSV answer has no place for them.
        AskedFields.refuseExplain(
                request,
                "an upload's answers carry no explanations (an upload may have up to "
                        + config.maxCsvRows() + " rows; explanations are given for at most " + RowExplanations.MAX_ROWS
                        + " rows a request); send those rows as JSON to /api/predict with \"explain\": true, or leave"
                        + " explain out");
        AnswerAssembler scores = scoring.of(model, AskedFields.coverage(request, null));
        String onErrorSent = RequestParameters.query(request, OnError.PARAMETER);
        OnError checked = onError(onErrorSent); // a bad value is refused before the upload is read
        // The read stage: the upload received, then checked (its rows counted) by the answer's first pass.
        AnswerTrace.Stage reading = model.trace().stage(AnswerTrace.READ);
        CsvUpload file;
        try {
            file = CsvUpload.of(request, config.maxUploadBytes());
        } catch (RuntimeException e) {
            reading.close();
            throw e;
        }
        reading.attribute(AnswerTrace.FORMAT, file.format().name().toLowerCase(Locale.ROOT))
                .attribute(AnswerTrace.BYTES, file.bytes());
        try (reading;
                MemoryBudget.Reservation held = budget.open()) {
            OnError onError = onErrorSent == null && file.onError() != null ? onError(file.onError()) : checked;
            RowsReader parser = file.format()
                    .reader(classifier.signature(), config.maxCsvRows())
                    .reservingRowMemory(held::grow)
                    .onError(onError, config.maxErrorRows());
            if (format.equals(Format.JSON)
                    && answeredFromKept(model, request, response, parser, file, held, scores, reading)) {
                return;
            }
            answerStreamed(model, request, response, format, parser, file, held, scores, reading);
        } catch (RowsException e) {
            throw HttpProblem.of(
                    withHint(e, format.page() ? UploadView.ON_ERROR_HINT : OnError.HINT), WebConfig.MAX_CSV_ROWS);
        } finally {
            file.delete();
        }
    }

    /**
     * The JSON answer scored from the rows the checking pass keeps: chunks are scored while the rest of the upload is
     * still being checked, and none is answered unless the whole upload passes. Rows are kept only while the budget
     * has room for them and their predictions ({@link RowFootprint#kept}) and up to {@link #KEEP_ROWS}.
     *
     * @return whether the answer was written; if not, nothing was, and the budget taken is given back
     */
    private boolean answeredFromKept(
            ResolvedModel model,
            HttpServletRequest request,
            HttpServletResponse response,
            RowsReader parser,
            CsvUpload file,
            MemoryBudget.Reservation held,
            AnswerAssembler scores,
            AnswerTrace.Stage reading)
            throws IOException {
        Model classifier = model.model();
        UploadJsonAnswer answer = new UploadJsonAnswer(classifier, parser, held);
        ChunkScorer.Run<RowChunk> ahead = scorer.start(scores, answer);
        boolean kept;
        try (InputStream in = file.open()) {
            kept = parser.validateAndKeep(
                    in,
                    KEEP_ROWS,
                    ahead::ahead,
                    (rows, textChars) -> held.tryGrow(
                            rows * RowFootprint.kept(classifier.signature()) + RowFootprint.text(textChars)));
        } catch (IOException | RuntimeException | Error e) {
            ahead.cancel();
            throw e;
        }
        if (kept) {
            read(reading, parser);
            try (AnswerTrace.Stage writing = written(model, Format.JSON, parser)) {
                answer.write(request, response, run -> {}, ahead, scores);
            }
            return true;
        }
        ahead.cancel();
        held.releaseAll();
        return false;
    }

    /**
     * The answer in any format from an upload read twice, checked whole and then streamed, holding a few chunks of
     * rows at a time ({@link RowFootprint#streamed}): the chunk being parsed, those being scored and the one being
     * written, or for the page one chunk beside the preview and its download.
     */
    private void answerStreamed(
            ResolvedModel model,
            HttpServletRequest request,
            HttpServletResponse response,
            Format format,
            RowsReader parser,
            CsvUpload file,
            MemoryBudget.Reservation held,
            AnswerAssembler scores,
            AnswerTrace.Stage reading)
            throws IOException {
        Model classifier = model.model();
        List<String> header;
        try (InputStream in = file.open()) {
            header = parser.validate(in);
        }
        read(reading, parser);
        long rowBytes = RowFootprint.streamed(classifier.signature(), header.size(), parser);
        // The rows held at once: a chunk, or for the other formats the chunks being parsed, scored and written, but
        // never more than the upload has (a few long rows were reserved as 4,096 chunks' worth: a 413 for 2.5 KB).
        long rows = Math.max(1, parser.rowsRead());
        held.grow(
                format.page()
                        ? UploadPreview.HELD_BYTES + rowBytes * Math.min(rows, RowsReader.CHUNK_ROWS)
                        : rowBytes * Math.min(rows, RowsReader.CHUNK_ROWS * (scorer.inFlight() + 2L)));
        try (InputStream in = file.open();
                AnswerTrace.Stage writing = written(model, format, parser)) {
            RowFormat table = format.table();
            if (format.page()) {
                page.render(
                        request,
                        response,
                        PageLinks.of(model),
                        UploadPreview.score(scores, scorer, parser, in, header, file.fileName()));
            } else if (table == null) {
                writeJson(request, response, parser, held, scores, run -> parser.forEachChunk(in, run::accept));
            } else if (table == RowFormat.CSV) {
                writeCsv(request, response, parser, in, header, scores, textsAhead(classifier, held));
            } else {
                held.grow(table.writerHeldBytes()); // Parquet's row group, before the writer buffers it
                writeTable(request, response, table, parser, in, header, scores, 0);
            }
        }
    }

    /** Ends the read stage once the upload's rows are all checked, with their count. */
    private static void read(AnswerTrace.Stage reading, RowsReader parser) {
        reading.attribute(AnswerTrace.ROWS, parser.rowsRead());
        reading.close();
    }

    /**
     * Starts the write stage of an answer in {@code format} of the upload's rows: streamed, its chunks' model calls
     * run inside it.
     */
    private static AnswerTrace.Stage written(ResolvedModel model, Format format, RowsReader parser) {
        return model.trace().write(format.traceName(), parser.rowsRead());
    }

    /**
     * A refusal of bad rows (in reject mode, the default) with the way on added, in the words of the one who reads
     * it: {@link OnError#HINT} (a query parameter) for a program, {@link UploadView#ON_ERROR_HINT} (the form's tick
     * box) on the page. Every answer format shows the problem's detail.
     */
    static RowsException withHint(RowsException e, String hint) {
        if (e.kind() != RowsException.Kind.INVALID_FIELDS) {
            return e;
        }
        return RowsException.invalidFields(e.getMessage() + "; " + hint, e.errors());
    }

    /** {@code on_error}'s value, refused with a 400 naming it when it is not a word it takes. */
    private static OnError onError(String sent) {
        try {
            return OnError.parse(sent);
        } catch (RowsException e) {
            throw HttpProblem.of(e);
        }
    }

    /**
     * {@code ?format=} when given (read from the query string only, as every batch route reads its parameters: the
     * body is the upload; a repeated one counts by its last value), else Accept.
     */
    static Format format(HttpServletRequest request) {
        String sent = RequestParameters.query(request, FORMAT);
        if (sent != null) {
            String word = sent.strip().toLowerCase(Locale.ROOT);
            if (word.equals("json") || word.equals("html")) {
                return word.equals("json") ? Format.JSON : Format.HTML;
            }
            return RowFormat.ofWord(word)
                    .map(table -> new Format(table, false))
                    .orElseThrow(() -> HttpProblem.invalidFields(List.of(new FieldProblem(
                            FORMAT,
                            "format must be json, csv, html, jsonl, arrow or parquet, got '" + sent + "'",
                            null))));
        }
        String accept = request.getHeader("Accept");
        return RowFormat.accepted(accept)
                .map(table -> new Format(table, false))
                .orElse(
                        accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html")
                                ? Format.HTML
                                : Format.JSON);
    }

    private void writeJson(
            HttpServletRequest request,
            HttpServletResponse response,
            RowsReader parser,
            MemoryBudget.Reservation held,
            AnswerAssembler scores,
            ChunkScorer.Chunks<RowChunk> source)
            throws IOException {
        UploadJsonAnswer answer = new UploadJsonAnswer(scores.model(), parser, held);
        answer.write(request, response, source, scorer.start(scores, answer), scores);
    }

    /**
     * How many chunks ahead of the one written the pool writes a classifier's probabilities as text for a CSV answer
     * ({@link CsvAnswer#write(org.tabserve.rows.write.RowsWriter, org.tabserve.model.answer.AnswerShape, List,
     * org.tabserve.model.answer.AnswerSource, List, CsvAnswer.RowListener, boolean, int, CsvAnswer.Scores)}):
     * {@link #AHEAD} when the
     * budget has room for those chunks' texts and the one being written's, else none.
     */
    private static int textsAhead(Model classifier, MemoryBudget.Reservation held) {
        int classes = classifier.signature().classLabels().size();
        return classes > 0
                        && held.tryGrow((AHEAD + 1L) * RowsReader.CHUNK_ROWS * CsvAnswer.probabilityTextBytes(classes))
                ? AHEAD
                : 0;
    }

    /** The answer table as a CSV download, {@code predictions.csv}. */
    private void writeCsv(
            HttpServletRequest request,
            HttpServletResponse response,
            RowsReader parser,
            InputStream in,
            List<String> header,
            AnswerAssembler scores,
            int textsAhead)
            throws IOException {
        response.setHeader("Content-Disposition", "attachment; filename=\"predictions.csv\"");
        writeTable(request, response, RowFormat.CSV, parser, in, header, scores, textsAhead);
    }

    /**
     * The answer table ({@link CsvAnswer}'s columns) in a format of its own: CSV, JSON Lines, or Arrow's bytes.
     *
     * @param textsAhead chunks whose probabilities the pool writes as text ahead, for a CSV answer (else 0)
     */
    private void writeTable(
            HttpServletRequest request,
            HttpServletResponse response,
            RowFormat answer,
            RowsReader parser,
            InputStream in,
            List<String> header,
            AnswerAssembler scores,
            int textsAhead)
            throws IOException {
        response.setStatus(200);
        StreamedAnswer.begin(request, response);
        response.setContentType(answer.isBinary() ? answer.mediaType() : answer.mediaType() + ";charset=UTF-8");
        CsvAnswer.write(
                answer.writer(response.getOutputStream()),
                scores.shape(),
                scores.model().signature().features(),
                scores.source(),
                header,
                CsvAnswer.RowListener.NONE,
                parser.onError() == OnError.ROW,
                textsAhead,
                sink -> scorer.start(scores, sink).score(run -> parser.forEachChunk(in, run::accept)));
    }
}
