package org.tabserve.rows.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TableFiles;
import org.tabserve.testing.TabserveProcess;

/**
 * A Java client of Arrow IPC streams, as a user writes one with Arrow Java's own {@link ArrowStreamWriter} and
 * {@link ArrowStreamReader} (this JVM has {@code --add-opens java.base/java.nio}, as Arrow Java asks of its users),
 * against the WAR started as README ships it ({@code MALLOC_ARENA_MAX=2 java -Xmx128m -XX:+UseSerialGC
 * -XX:+ExitOnOutOfMemoryError -jar}, no other flag): the bank-note file uploaded as Arrow to {@code /predict_file}
 * and its model's route answers in Arrow the labels and probabilities the CSV upload answers; {@code /invocations}
 * takes an Arrow body (MLflow's JSON answer, or Arrow for {@code Accept}); hostile headers get a 413 in words and
 * the server lives on.
 */
class ArrowClientIT {

    private static TabserveProcess server;
    private static Http http;
    private static final BufferAllocator allocator = new RootAllocator();
    private static byte[] notes;
    private static List<String[]> rows;

    @BeforeAll
    static void start() throws Exception {
        server = TabserveProcess.start(
                TabserveProcess.war(),
                TabserveProcess.SHIPPED_BOUNDS_JVM_OPTIONS,
                List.of("--port", "0"),
                TabserveProcess.SHIPPED_ENVIRONMENT);
        server.awaitReady(Duration.ofSeconds(90));
        http = new Http(server);
        rows = new ArrayList<>();
        for (String line : Files.readAllLines(BankNotes.DATA).subList(1, 1373)) {
            rows.add(line.split(","));
        }
        notes = arrow(rows);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        allocator.close();
    }

    /** The bank notes' four features as float64 columns, in batches of 500 rows, written by Arrow Java. */
    static byte[] arrow(List<String[]> rows) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (String name : BankNotes.FEATURES) {
            fields.add(Field.nullable(name, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            writer.start();
            for (int from = 0; from < rows.size(); from += 500) {
                int n = Math.min(500, rows.size() - from);
                root.allocateNew();
                for (int c = 0; c < 4; c++) {
                    Float8Vector vector = (Float8Vector) root.getVector(c);
                    for (int r = 0; r < n; r++) {
                        vector.setSafe(r, Double.parseDouble(rows.get(from + r)[c]));
                    }
                }
                root.setRowCount(n);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    @Test
    void anArrowUploadIsAnsweredInArrowAsTheCsvUploadIsInCsv() throws IOException {
        String path = "/models/" + server.model().split(" ")[0] + "/predict_file";
        Http.Response arrow = http.upload(
                path,
                new Multipart().file("file", "notes.arrows", ArrowRowsReader.MEDIA_TYPE, notes),
                "Accept",
                ArrowRowsReader.MEDIA_TYPE);
        assertEquals(200, arrow.status(), arrow.text());
        assertEquals(ArrowRowsReader.MEDIA_TYPE, arrow.mediaType());
        Http.Response csv = http.upload(path, Multipart.csv(Files.readAllBytes(BankNotes.DATA)), "Accept", "text/csv");
        assertEquals(200, csv.status(), csv.text());
        List<String> csvLines = csv.text().lines().toList();
        List<String> header = List.of(csvLines.get(0).split(","));
        int label = header.indexOf("label");
        int forged = header.indexOf("probability_1");

        int row = 0;
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(arrow.body()), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertTrue(root.getSchema().getFields().stream()
                    .map(Field::getName)
                    .toList()
                    .containsAll(List.of("variance", "label", "probability_0", "probability_1")));
            while (reader.loadNextBatch()) {
                VarCharVector labels = (VarCharVector) root.getVector("label");
                Float8Vector probabilities = (Float8Vector) root.getVector("probability_1");
                for (int r = 0; r < root.getRowCount(); r++, row++) {
                    String[] cells = csvLines.get(row + 1).split(",");
                    assertEquals(cells[label], labels.getObject(r).toString(), "row " + (row + 1));
                    assertEquals(Double.parseDouble(cells[forged]), probabilities.get(r), 1e-12, "row " + (row + 1));
                }
            }
        }
        assertEquals(1372, row);
    }

    @Test
    void invocationsTakesAnArrowBodyAndAnswersMlflowsJsonOrArrow() throws IOException {
        Http.Response json = http.post("/invocations", ArrowRowsReader.MEDIA_TYPE, notes);
        assertEquals(200, json.status(), json.text());
        JsonNode predictions = Http.JSON.readTree(json.body()).get("predictions");
        assertEquals(1372, predictions.size());

        Http.Response table = http.post(
                "/models/" + server.model().split(" ")[0] + "/invocations",
                ArrowRowsReader.MEDIA_TYPE,
                notes,
                "Accept",
                ArrowRowsReader.MEDIA_TYPE);
        assertEquals(200, table.status(), table.text());
        int row = 0;
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(table.body()), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (reader.loadNextBatch()) {
                VarCharVector labels = (VarCharVector) root.getVector("label");
                for (int r = 0; r < root.getRowCount(); r++, row++) {
                    assertEquals(
                            predictions.get(row).asText(), labels.getObject(r).toString(), "row " + (row + 1));
                }
            }
        }
        assertEquals(1372, row);
    }

    @Test
    void hostileHeadersAre413InWordsAndTheServerLivesOn() throws IOException {
        ArrowType type = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        byte[] schema = TableFiles.schema(new Schema(BankNotes.FEATURES.stream()
                .map(name -> Field.nullable(name, type))
                .toList()));
        byte[] rowsBomb = TableFiles.concat(schema, TableFiles.batchHeader(1L << 31, 64, 8, false));
        byte[] gigabyte = TableFiles.concat(schema, TableFiles.batchHeader(10, 1L << 30, 1L << 30, false));
        for (byte[] hostile : List.of(rowsBomb, gigabyte)) {
            Http.Response upload = http.upload(
                    "/predict_file", new Multipart().file("file", "bomb.arrows", ArrowRowsReader.MEDIA_TYPE, hostile));
            assertEquals(413, upload.status(), upload.text());
            assertTrue(
                    upload.text().contains("declares 2147483648 rows")
                            || upload.text().contains("1073741824 bytes"),
                    upload.text());
            Http.Response body = http.post("/invocations", ArrowRowsReader.MEDIA_TYPE, hostile);
            assertEquals(413, body.status(), body.text());
        }
        Http.Response compressed = http.post(
                "/invocations",
                ArrowRowsReader.MEDIA_TYPE,
                TableFiles.concat(
                        schema, TableFiles.batchHeader(10, 80, 80, org.apache.arrow.flatbuf.CompressionType.ZSTD)));
        assertEquals(400, compressed.status(), compressed.text());
        assertTrue(compressed.text().contains("compressed with ZSTD"), compressed.text());
        // An LZ4 buffer declaring 320,000 bytes that inflates to 64 MiB, under -Xmx128m: refused, inflated no further
        // (40,000 rows: an upload's, past /invocations' 10,000, as a frame of 260 KB must be smaller than its buffer).
        byte[] bomb = ArrowCompressionTest.notes(new ArrowCompressionTest.BombCodec());
        Http.Response refused = http.upload(
                "/predict_file", new Multipart().file("file", "bomb.arrows", ArrowRowsReader.MEDIA_TYPE, bomb));
        assertEquals(400, refused.status(), refused.text());
        assertTrue(refused.text().contains("inflates to more than the 320000 bytes it declares"), refused.text());
        assertEquals(200, http.get("/health/ready").status());
    }
}
