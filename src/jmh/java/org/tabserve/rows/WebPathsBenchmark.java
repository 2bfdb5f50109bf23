package org.tabserve.rows;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tabserve.model.Model;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.ModelCoreBenchmark;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;

/**
 * The web layer's paths without HTTP: JSON body → {@link JsonRowsParser} → predict → {@link PredictionJson}, and CSV
 * upload → {@link CsvRowsParser} (validate pass, then the chunked predict pass) → {@link PredictionJson}, both into a
 * discarding stream. Scores are nanoseconds per row (one operation per row), except {@code jsonSingle}: per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xss8m") // ORT 1.29 overflowed a 1 MB thread stack (SIGSEGV) in JMH's worker thread
public class WebPathsBenchmark {

    private Model classifier;
    private byte[] json1;
    private byte[] json100;
    private byte[] json10000;
    private byte[] csv100;
    private byte[] csv10000;

    @Setup
    public void load() throws IOException {
        classifier = OnnxModelLoader.load(Path.of("model.onnx"));
        List<String> lines = ModelCoreBenchmark.BenchData.csvLines();
        json1 = "{\"variance\": 3.6216, \"skewness\": 8.6661, \"curtosis\": -2.8073, \"entropy\": -0.44699}"
                .getBytes(StandardCharsets.UTF_8);
        json100 = jsonBatch(lines, 100);
        json10000 = jsonBatch(lines, 10_000);
        csv100 = csv(lines, 100);
        csv10000 = csv(lines, 10_000);
        scoredChunk();
    }

    @TearDown
    public void close() {
        classifier.close();
    }

    private static byte[] jsonBatch(List<String> lines, int count) {
        String[] header = lines.get(0).split(",");
        StringBuilder json = new StringBuilder("{\"instances\": [");
        for (int r = 0; r < count; r++) {
            String[] fields = lines.get(1 + r % (lines.size() - 1)).split(",");
            json.append(r == 0 ? "{" : ", {");
            for (int i = 0; i < 4; i++) {
                json.append(i == 0 ? "" : ", ")
                        .append('"')
                        .append(header[i])
                        .append("\": ")
                        .append(fields[i]);
            }
            json.append('}');
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] csv(List<String> lines, int count) {
        StringBuilder csv = new StringBuilder(lines.get(0)).append('\n');
        for (int r = 0; r < count; r++) {
            csv.append(lines.get(1 + r % (lines.size() - 1))).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private int json(byte[] body) throws IOException {
        JsonRowsParser.ParsedRows parsed =
                new JsonRowsParser(classifier.signature(), 10_000).parse(new ByteArrayInputStream(body));
        List<Prediction> predictions = classifier.predict(parsed.rows());
        ModelCard card = classifier.card();
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(OutputStream.nullOutputStream())) {
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            for (int i = 0; i < predictions.size(); i++) {
                PredictionJson.write(json, predictions.get(i), card, parsed.warnings(card, i));
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return predictions.size();
    }

    private int csv(byte[] upload) throws IOException {
        CsvRowsParser parser = new CsvRowsParser(classifier.signature(), 2_000_000);
        parser.validate(new ByteArrayInputStream(upload));
        ModelCard card = classifier.card();
        int[] count = {0};
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(OutputStream.nullOutputStream())) {
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            parser.forEachChunk(new ByteArrayInputStream(upload), chunk -> {
                List<Prediction> predictions = classifier.predict(chunk.batch());
                for (int r = 0; r < chunk.size(); r++) {
                    PredictionJson.write(json, predictions.get(r), card, chunk.warnings(card, r));
                }
                count[0] += chunk.size();
            });
            json.writeEndArray();
            json.writeEndObject();
        }
        return count[0];
    }

    /** One JSON row, parsed, predicted and written: nanoseconds per request. */
    @Benchmark
    public int jsonSingle() throws IOException {
        return json(json1);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public int jsonBatchOf100() throws IOException {
        return json(json100);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public int jsonBatchOf10000() throws IOException {
        return json(json10000);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public int csvOf100() throws IOException {
        return csv(csv100);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public int csvOf10000() throws IOException {
        return csv(csv10000);
    }

    /** Parsing and checking alone (the upload's validating pass), no model: nanoseconds per CSV row. */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public int csvValidateOf10000() throws IOException {
        return new CsvRowsParser(classifier.signature(), 1_000_000)
                .validate(new java.io.ByteArrayInputStream(csv10000))
                .size();
    }

    /**
     * Parsing, checking and batching an upload answered in JSON (records split in place by the CSV lexer), no model:
     * nanoseconds per CSV row; compare with {@link #csvRecordsOf10000}.
     */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public boolean csvKeepOf10000() throws IOException {
        return new CsvRowsParser(classifier.signature(), 1_000_000)
                .validateAndKeep(new ByteArrayInputStream(csv10000), 1_000_000, chunk -> {}, (rows, chars) -> true);
    }

    /** One JSON row parsed and checked into a batch, no model: the request-reading share of {@link #jsonSingle()}. */
    @Benchmark
    public int jsonSingleParse() throws IOException {
        return new JsonRowsParser(classifier.signature(), 10_000)
                .parse(new ByteArrayInputStream(json1))
                .rows()
                .size();
    }

    /** A batch of 10,000 JSON rows parsed and checked, no model: nanoseconds per row. */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public int jsonParseOf10000() throws IOException {
        return new JsonRowsParser(classifier.signature(), 10_000)
                .parse(new ByteArrayInputStream(json10000))
                .rows()
                .size();
    }

    /** The same through commons-csv's records (the path of answers that echo the input columns), no model. */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public int csvRecordsOf10000() throws IOException {
        int[] count = {0};
        new CsvRowsParser(classifier.signature(), 1_000_000)
                .forEachChunk(new ByteArrayInputStream(csv10000), chunk -> count[0] += chunk.size());
        return count[0];
    }

    private RowChunk chunk;
    private List<Prediction> chunkPredictions;

    private void scoredChunk() throws IOException {
        new CsvRowsParser(classifier.signature(), 1_000_000)
                .validateAndKeep(
                        new ByteArrayInputStream(csv10000),
                        RowsReader.CHUNK_ROWS,
                        c -> chunk = chunk == null ? c : chunk,
                        (rows, chars) -> true);
        chunkPredictions = classifier.predict(chunk.batch());
    }

    /** Writing one chunk's JSON answer, row by row with the one-row writer: nanoseconds per row. */
    @Benchmark
    @OperationsPerInvocation(RowsReader.CHUNK_ROWS)
    public void jsonWriteChunk() throws IOException {
        ModelCard card = classifier.card();
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(OutputStream.nullOutputStream())) {
            json.writeStartArray();
            for (int r = 0; r < chunk.size(); r++) {
                PredictionJson.write(json, chunkPredictions.get(r), card, chunk.warnings(card, r));
            }
            json.writeEndArray();
        }
    }

    /** The same with the names encoded once ({@link PredictionJson.Rows}), as the servlets write many rows. */
    @Benchmark
    @OperationsPerInvocation(RowsReader.CHUNK_ROWS)
    public void jsonWriteChunkEncoded() throws IOException {
        PredictionJson.Rows rows = new PredictionJson.Rows(classifier.signature(), classifier.card());
        try (JsonGenerator json = JsonText.FACTORY.createGenerator(OutputStream.nullOutputStream())) {
            json.writeStartArray();
            for (int r = 0; r < chunk.size(); r++) {
                rows.write(json, chunkPredictions.get(r), chunk.warnings(rows, r));
            }
            json.writeEndArray();
        }
    }
}
