package org.tabserve.web;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.tabserve.model.ModelCard;
import org.tabserve.model.OnnxClassifier;
import org.tabserve.model.Prediction;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /predict_file}: a CSV upload (multipart field {@code file}) scored row by row. The upload is read
 * twice from the container's temporary file: once to check every row, then to predict and stream the answer, JSON
 * by default, CSV (input columns, label, one probability column per class) for {@code Accept: text/csv}, or for
 * browsers ({@code Accept: text/html}) a page with the first rows and the whole CSV to download. HTML forms cannot
 * set Accept, so {@code ?format=json|csv|html} overrides it.
 */
final class PredictFileServlet extends ApiServlet {

    static final String FIELD = "file";
    /**
     * JSON answers of uploads up to this many rows are scored from the rows kept by the validating pass (about 5 MB
     * per 100,000 rows) instead of a second parse; larger uploads are parsed twice, so memory stays bounded.
     */
    static final int KEEP_ROWS = 250_000;
    /** For a multipart body the container gave up on: its rest is unread, so the connection ends with the answer. */
    private static final java.util.Map<String, String> CLOSE = java.util.Map.of("Connection", "close");
    /** Room for the multipart framing (boundaries, part headers) around a CSV of the largest accepted size. */
    static final long MULTIPART_OVERHEAD_BYTES = 65_536;
    /** Uploads are spooled to the container's temporary directory past this many bytes. */
    private static final int MEMORY_THRESHOLD_BYTES = 1 << 20;

    /** The answer's formats. */
    enum Format { JSON, CSV, HTML }

    private final transient WebConfig config;
    private final transient Views views;
    private final transient MemoryBudget budget;
    private final transient ChunkScorer scorer = new ChunkScorer(Runtime.getRuntime().availableProcessors());

    PredictFileServlet(ServedModel model, ErrorRenderer errors, WebConfig config, Views views, MemoryBudget budget) {
        super(model, errors);
        this.config = config;
        this.views = views;
        this.budget = budget;
    }

    /**
     * The container's multipart limits for the upload route: a file of at most {@code maxUploadBytes}, in a body of
     * at most that plus {@link #MULTIPART_OVERHEAD_BYTES}; past either the container stops reading (a 413 here).
     */
    static MultipartConfigElement multipartConfig(String location, long maxUploadBytes) {
        return new MultipartConfigElement(location, maxUploadBytes, maxUploadBytes + MULTIPART_OVERHEAD_BYTES,
                MEMORY_THRESHOLD_BYTES);
    }

    @Override
    public void destroy() {
        scorer.close();
        super.destroy();
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        requireContentType(request, "multipart/form-data");
        OnnxClassifier classifier = model.classifier();
        Part file = filePart(request);
        try (MemoryBudget.Reservation held = budget.open()) {
            CsvRowsParser parser = new CsvRowsParser(classifier.signature(), config.maxCsvRows());
            Format format = format(request);
            if (format == Format.JSON) {
                // Chunks are scored while the rest of the upload is still being checked; none is answered unless
                // the whole upload passes. Rows are kept only while the budget has room for them and their
                // predictions; past that, the upload is parsed a second time instead (below).
                JsonPredictions answer = new JsonPredictions(classifier);
                ChunkScorer.Run ahead = scorer.start(classifier, model, answer);
                long chunkBytes = (long) CsvRowsParser.CHUNK_ROWS * keptRowBytes(classifier);
                double[][] rows;
                try (InputStream in = open(file)) {
                    rows = parser.validateAndKeep(in, KEEP_ROWS, ahead::ahead, () -> held.tryGrow(chunkBytes));
                } catch (IOException | RuntimeException | Error e) {
                    ahead.cancel();
                    throw e;
                }
                if (rows != null) {
                    answer.write(response, run -> { }, ahead);
                    return;
                }
                ahead.cancel();
                held.releaseAll();
            }
            List<String> header;
            try (InputStream in = open(file)) {
                header = parser.validate(in);
            }
            held.grow(format == Format.HTML ? UploadPages.HELD_BYTES + streamedRowBytes(classifier, header)
                    * CsvRowsParser.CHUNK_ROWS : streamedRowBytes(classifier, header) * CsvRowsParser.CHUNK_ROWS
                    * (scorer.inFlight() + 2L));
            try (InputStream in = open(file)) {
                switch (format) {
                    case CSV -> writeCsv(response, classifier, parser, in, header);
                    case HTML -> views.render(request, response, 200, "upload", Map.of("page",
                            UploadPages.build(model, classifier, scorer, parser, in, header, file.getSubmittedFileName())));
                    default -> writeJson(response, classifier, run -> parser.forEachChunk(in, run));
                }
            }
        } finally {
            file.delete();
        }
    }

    /** The uploaded file's bytes; a gzip file ({@code .csv.gz}) inflated, its inflated bytes within the upload limit. */
    private InputStream open(Part file) throws IOException {
        return GzipInput.upload(file.getInputStream(), file.getSubmittedFileName(), config.maxUploadBytes());
    }

    private Part filePart(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        long limit = config.maxUploadBytes() + MULTIPART_OVERHEAD_BYTES;
        if (declared > limit) {
            // Refused on its declared length alone, before the container reads a byte (or sends 100 Continue).
            throw HttpProblem.declaredTooLarge("the upload", declared, limit);
        }
        try {
            Part file = null;
            List<String> others = new ArrayList<>();
            for (Part part : request.getParts()) {
                if (FIELD.equals(part.getName()) && file == null) {
                    file = part;
                } else {
                    others.add(part.getName());
                }
            }
            if (!others.isEmpty()) {
                throw HttpProblem.badRequest("unexpected multipart field(s) " + others + "; send the CSV once, in the field '" + FIELD + "'");
            }
            if (file == null) {
                throw HttpProblem.badRequest("the multipart field '" + FIELD + "' with the CSV is missing");
            }
            return file;
        } catch (IllegalStateException e) {
            throw overLimit();
        } catch (ServletException e) {
            if (causedByLimit(e)) {
                throw overLimit();
            }
            throw new HttpProblem(400, "Bad request", "the body is not a well-formed multipart/form-data upload",
                    List.of(), CLOSE);
        } catch (IOException e) {
            // The client stopped sending or hung up half-way; disk trouble on the server's side is logged as usual.
            HttpProblem problem = LimitedInputStream.unreadable(e);
            if (problem.status() == 408 || !(e.getMessage() != null && e.getMessage().contains("No space"))) {
                throw problem;
            }
            throw e;
        }
    }

    /**
     * Heap one row kept for a JSON answer holds until it is written, over-estimated: its values, its slot in the
     * kept list and the chunk copy handed to the scorer, and its prediction (label and boxed probabilities).
     */
    static long keptRowBytes(OnnxClassifier classifier) {
        return 64 + 16L * classifier.signature().featureCount() + 96 + 32L * classifier.signature().classLabels().size();
    }

    /**
     * Heap one row of a streamed upload holds while its chunk is in flight: its CSV record (a string per column), its
     * values and its prediction. A run holds the chunk being parsed, those being scored and the one being written.
     */
    static long streamedRowBytes(OnnxClassifier classifier, List<String> header) {
        return 64 + 64L * header.size() + keptRowBytes(classifier);
    }

    /** The container stopped reading the body part-way: the connection cannot carry another request. */
    private HttpProblem overLimit() {
        return new HttpProblem(413, "Content too large", "the upload is larger than the limit of "
                + config.maxUploadBytes() + " bytes", List.of(), CLOSE);
    }

    /**
     * Whether a failed multipart read was a size limit. The Servlet API says {@code getParts} throws an
     * IllegalStateException then, and Tomcat does (caught above); Jetty 12 wraps it in a ServletException ("bad
     * multipart") as it does its other multipart failures, some of them IllegalStateExceptions too (too many parts),
     * and has no exception type of its own for a limit, so its message ("max file size exceeded: N", "max length
     * exceeded: N") tells. DeploymentChecks' upload past the limit fails under Jetty if an upgrade changes that.
     */
    private static boolean causedByLimit(ServletException failure) {
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalStateException && cause.getMessage() != null
                    && cause.getMessage().contains("exceeded")) {
                return true;
            }
        }
        return false;
    }

    /** {@code ?format=} when given (read from the query string only: the body is the upload), else Accept. */
    static Format format(HttpServletRequest request) {
        String query = request.getQueryString() == null ? "" : request.getQueryString();
        for (String pair : query.split("&")) {
            if (pair.startsWith("format=")) {
                String value = pair.substring("format=".length()).toLowerCase(Locale.ROOT);
                return switch (value) {
                    case "json" -> Format.JSON;
                    case "csv" -> Format.CSV;
                    case "html" -> Format.HTML;
                    default -> throw HttpProblem.badRequest("format must be json, csv or html, got '" + value + "'");
                };
            }
        }
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains("text/csv")) {
            return Format.CSV;
        }
        return accept != null && accept.contains("text/html") ? Format.HTML : Format.JSON;
    }

    /** Feeds the chunks of an upload to a scoring run. */
    private interface ChunkSource {
        void feed(ChunkScorer.Run run) throws IOException;
    }

    private void writeJson(HttpServletResponse response, OnnxClassifier classifier, ChunkSource source)
            throws IOException {
        JsonPredictions answer = new JsonPredictions(classifier);
        answer.write(response, source, scorer.start(classifier, model, answer));
    }

    /** The JSON answer, {@code {"predictions": [...]}}: a sink for scored chunks that writes each row as it comes. */
    private static final class JsonPredictions implements ChunkScorer.Sink {
        private final OnnxClassifier classifier;
        private JsonGenerator json;

        JsonPredictions(OnnxClassifier classifier) {
            this.classifier = classifier;
        }

        /** Starts the answer, feeds {@code source} through {@code run} and writes every row it scores. */
        void write(HttpServletResponse response, ChunkSource source, ChunkScorer.Run run) throws IOException {
            try (JsonGenerator generator = PredictionJson.start(response)) {
                json = generator;
                json.writeStartObject();
                json.writeArrayFieldStart("predictions");
                score(source, run);
                json.writeEndArray();
                json.writeEndObject();
            }
        }

        @Override
        public void accept(List<org.apache.commons.csv.CSVRecord> records, double[][] rows, List<Prediction> predictions)
                throws IOException {
            ModelCard card = classifier.card();
            for (int r = 0; r < rows.length; r++) {
                PredictionJson.write(json, predictions.get(r), card,
                        PredictionJson.warnings(classifier.signature(), card, rows[r]));
            }
        }
    }

    private void writeCsv(HttpServletResponse response, OnnxClassifier classifier, CsvRowsParser parser,
                          InputStream in, List<String> header) throws IOException {
        response.setStatus(200);
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"predictions.csv\"");
        writeCsv(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8), model, classifier,
                scorer, parser, in, header, (record, prediction, row) -> { });
    }

    /** Sees each scored row as it is written, for the HTML page's preview. */
    interface RowListener {
        void accept(org.apache.commons.csv.CSVRecord record, Prediction prediction, double[] row);
    }

    /** Writes the CSV answer to {@code writer} and closes it: the input columns, label, one probability per class. */
    /** Parses the upload's chunks into {@code run} and then writes what is still in flight. */
    static void score(CsvRowsParser parser, InputStream in, ChunkScorer.Run run) throws IOException {
        score(r -> parser.forEachChunk(in, r), run);
    }

    private static void score(ChunkSource source, ChunkScorer.Run run) throws IOException {
        try {
            source.feed(run);
            run.finish();
        } catch (IOException | RuntimeException | Error e) {
            run.cancel();
            throw e;
        }
    }

    static void writeCsv(Writer writer, ServedModel model, OnnxClassifier classifier, ChunkScorer scorer,
                         CsvRowsParser parser, InputStream in, List<String> header, RowListener listener)
            throws IOException {
        writeCsv(writer, model, classifier, scorer, parser, in, header, listener, true);
    }

    static void writeCsv(Writer writer, ServedModel model, OnnxClassifier classifier, ChunkScorer scorer,
                         CsvRowsParser parser, InputStream in, List<String> header, RowListener listener,
                         boolean parallel) throws IOException {
        List<String> classes = classifier.signature().classLabels();
        List<String> columns = new ArrayList<>(header);
        columns.add("label");
        classes.forEach(c -> columns.add("probability_" + c));
        try (CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            csv.printRecord(columns);
            List<Object> out = new ArrayList<>();
            ChunkScorer.Sink sink = (records, rows, predictions) -> {
                for (int r = 0; r < rows.length; r++) {
                    listener.accept(records.get(r), predictions.get(r), rows[r]);
                }
                for (int r = 0; r < rows.length; r++) {
                    out.clear();
                    records.get(r).forEach(out::add);
                    out.add(predictions.get(r).label());
                    out.addAll(predictions.get(r).probabilities());
                    csv.printRecord(out);
                }
            };
            score(parser, in, parallel ? scorer.start(classifier, model, sink) : scorer.startInline(classifier, model, sink));
        }
    }
}
