package org.tabserve.rows;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tabserve.model.Model;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Prediction;
import org.tabserve.rows.answerjson.PredictionJson;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.field.JsonText;
import org.tabserve.rows.json.JsonRowsParser;
import org.tabserve.rows.read.RowChunk;

/**
 * The CSV path's parts timed by this thread's CPU time rather than wall time, each pair alternating in one run: on a
 * machine shared with other builds (load 20–40) JMH's wall-clock scores swung more than the differences measured.
 * Run by bench/csv-cpu: the CSV lexer's pass with records against its checking pass, on plain and quoted files
 * (parse, check, batch; no model), and
 * the one-row JSON writer against the encoded one, the model, and the JSON batch parser boxing cells against its
 * plain-doubles path: nanoseconds of CPU per row, median of the rounds.
 */
public final class CsvCpuTiming {

    private interface Part {
        void run() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        List<String> lines = java.nio.file.Files.readAllLines(Path.of("data/BankNote_Authentication.csv"));
        StringBuilder text = new StringBuilder(lines.get(0)).append('\n');
        int rows = 100_000;
        for (int r = 0; r < rows; r++) {
            text.append(lines.get(1 + r % (lines.size() - 1))).append('\n');
        }
        byte[] csv = text.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder quotedText = new StringBuilder(lines.get(0)).append('\n');
        for (int r = 0; r < rows; r++) {
            quotedText
                    .append('"')
                    .append(lines.get(1 + r % (lines.size() - 1)).replace(",", "\",\""))
                    .append("\"\n");
        }
        byte[] quoted = quotedText.toString().getBytes(StandardCharsets.UTF_8);
        try (Model classifier = OnnxModelLoader.load(Path.of("model.onnx"))) {
            List<RowChunk> chunks = new ArrayList<>();
            new CsvRowsParser(classifier.signature(), 1_000_000)
                    .validateAndKeep(new ByteArrayInputStream(csv), 1_000_000, chunks::add, (n, chars) -> true);
            List<List<Prediction>> predictions = new ArrayList<>();
            for (RowChunk chunk : chunks) {
                predictions.add(classifier.predict(chunk.batch()));
            }
            ModelCard card = classifier.card();
            Part records = () -> new CsvRowsParser(classifier.signature(), 1_000_000)
                    .forEachChunk(new ByteArrayInputStream(csv), chunk -> {});
            Part plain = () -> new CsvRowsParser(classifier.signature(), 1_000_000)
                    .validateAndKeep(new ByteArrayInputStream(csv), 1_000_000, chunk -> {}, (n, chars) -> true);
            Part quotedRecords = () -> new CsvRowsParser(classifier.signature(), 1_000_000)
                    .forEachChunk(new ByteArrayInputStream(quoted), chunk -> {});
            Part quotedPlain = () -> new CsvRowsParser(classifier.signature(), 1_000_000)
                    .validateAndKeep(new ByteArrayInputStream(quoted), 1_000_000, chunk -> {}, (n, chars) -> true);
            Part oneRow = () -> {
                try (JsonGenerator json = JsonText.FACTORY.createGenerator(OutputStream.nullOutputStream())) {
                    json.writeStartArray();
                    for (int c = 0; c < chunks.size(); c++) {
                        for (int r = 0; r < chunks.get(c).size(); r++) {
                            PredictionJson.write(
                                    json,
                                    predictions.get(c).get(r),
                                    card,
                                    chunks.get(c).warnings(card, r));
                        }
                    }
                    json.writeEndArray();
                }
            };
            Part encoded = () -> {
                PredictionJson.Rows encoder = new PredictionJson.Rows(classifier.signature(), card);
                try (JsonGenerator json = JsonText.FACTORY.createGenerator(OutputStream.nullOutputStream())) {
                    json.writeStartArray();
                    for (int c = 0; c < chunks.size(); c++) {
                        for (int r = 0; r < chunks.get(c).size(); r++) {
                            encoder.write(
                                    json,
                                    predictions.get(c).get(r),
                                    chunks.get(c).warnings(encoder, r));
                        }
                    }
                    json.writeEndArray();
                }
            };
            Part model = () -> {
                for (RowChunk chunk : chunks) {
                    classifier.predict(chunk.batch());
                }
            };
            StringBuilder body = new StringBuilder("{\"instances\": [");
            for (int r = 0; r < 1000; r++) {
                String[] cells = lines.get(1 + r % (lines.size() - 1)).split(",");
                body.append(r == 0 ? "" : ",")
                        .append("{\"variance\":")
                        .append(cells[0])
                        .append(",\"skewness\":")
                        .append(cells[1])
                        .append(",\"curtosis\":")
                        .append(cells[2])
                        .append(",\"entropy\":")
                        .append(cells[3])
                        .append('}');
            }
            byte[] batch = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            Part jsonParse = () -> {
                for (int i = 0; i < rows / 1000; i++) {
                    new JsonRowsParser(classifier.signature(), 10_000).parse(new ByteArrayInputStream(batch));
                }
            };
            Part jsonParseBoxed = () -> {
                for (int i = 0; i < rows / 1000; i++) {
                    new JsonRowsParser(classifier.signature(), 10_000, false).parse(new ByteArrayInputStream(batch));
                }
            };
            String[] names = {
                "CSV parse+check+batch, with records",
                "CSV parse+check+batch, checking pass",
                "quoted CSV parse+check+batch, with records",
                "quoted CSV parse+check+batch, checking pass",
                "JSON answer, one-row writer",
                "JSON answer, names encoded once",
                "model (ORT), 4,096-row chunks",
                "JSON batch of 1,000 parsed and checked, boxed cells",
                "JSON batch of 1,000 parsed and checked"
            };
            Part[] parts = {
                records, plain, quotedRecords, quotedPlain, oneRow, encoded, model, jsonParseBoxed, jsonParse
            };
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            double[][] ns = new double[parts.length][rounds];
            for (int warm = 0; warm < 5; warm++) {
                for (Part part : parts) {
                    part.run();
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (int p = 0; p < parts.length; p++) {
                    long start = cpu.getCurrentThreadCpuTime();
                    parts[p].run();
                    ns[p][round] = (cpu.getCurrentThreadCpuTime() - start) / (double) rows;
                }
            }
            for (int p = 0; p < parts.length; p++) {
                double[] sorted = ns[p].clone();
                Arrays.sort(sorted);
                System.out.printf(
                        "%-48s %7.0f ns CPU/row median (min %.0f, max %.0f), %d rounds of %,d rows%n",
                        names[p], sorted[rounds / 2], sorted[0], sorted[rounds - 1], rounds, rows);
            }
        }
    }
}
