package org.tabserve.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.example.data.Group;
import org.tabserve.rows.parquet.ParquetAnswers;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.TableFiles;

/**
 * The same bank notes (the data set's first {@link #ROWS} rows) as an upload in each format {@code /predict_file}
 * takes, and each answer format read back to the one column every format carries, {@code probability_1}, so that the
 * suite can compare answers bit for bit across formats: the Arrow fixture of the former ArrowContainersIT and
 * ParquetScoreIT's Parquet writer, reused.
 */
final class TableFormats {

    static final int ROWS = 30;
    static final String COLUMN = "probability_1";

    /** An upload: a file name the server knows the format by, its media type, its bytes. */
    record Upload(String filename, String mediaType, byte[] bytes) {}

    private TableFormats() {}

    static List<Upload> uploads() throws IOException {
        List<String> lines = Files.readAllLines(BankNotes.DATA).subList(0, ROWS + 1);
        StringBuilder jsonl = new StringBuilder();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            jsonl.append("{\"variance\": ")
                    .append(cells[0])
                    .append(", \"skewness\": ")
                    .append(cells[1])
                    .append(", \"curtosis\": ")
                    .append(cells[2])
                    .append(", \"entropy\": ")
                    .append(cells[3])
                    .append("}\n");
        }
        return List.of(
                new Upload("notes.csv", "text/csv", (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)),
                new Upload(
                        "notes.jsonl", "application/x-ndjson", jsonl.toString().getBytes(StandardCharsets.UTF_8)),
                new Upload(
                        "notes.arrows", "application/vnd.apache.arrow.stream", arrow(lines.subList(1, lines.size()))),
                new Upload(
                        "notes.parquet", "application/vnd.apache.parquet", TableFiles.notesInRowGroups(ROWS, 1 << 20)));
    }

    /** The rows' four features as float64 columns, written by the heap channel (the server needs no JVM flag for it). */
    private static byte[] arrow(List<String> rows) throws IOException {
        ArrowType type = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(
                        new Schema(BankNotes.FEATURES.stream()
                                .map(n -> Field.nullable(n, type))
                                .toList()),
                        allocator)) {
            root.allocateNew();
            for (int r = 0; r < rows.size(); r++) {
                String[] cells = rows.get(r).split(",");
                for (int c = 0; c < 4; c++) {
                    ((Float8Vector) root.getVector(c)).setSafe(r, Double.parseDouble(cells[c]));
                }
            }
            root.setRowCount(rows.size());
            return TableFiles.write(root, List.of());
        }
    }

    /** The answer formats of {@code /predict_file}, as its {@code ?format=} names them. */
    static final List<String> ANSWER_FORMATS = List.of("csv", "json", "jsonl", "arrow", "parquet");

    /** The probability of class 1 of every row of an answer in {@code format}, in row order. */
    static List<Double> probabilities(String format, byte[] answer) throws IOException {
        List<Double> out = new ArrayList<>();
        switch (format) {
            case "csv" -> {
                List<String> lines =
                        new String(answer, StandardCharsets.UTF_8).lines().toList();
                int column = List.of(lines.get(0).split(",")).indexOf(COLUMN);
                if (column < 0) {
                    throw new AssertionError("no " + COLUMN + " in the CSV's header: " + lines.get(0));
                }
                lines.subList(1, lines.size()).forEach(l -> out.add(Double.parseDouble(l.split(",")[column])));
            }
            case "json" ->
                DeploymentChecks.JSON
                        .readTree(answer)
                        .path("predictions")
                        .forEach(row ->
                                out.add(row.path("probabilities").path("1").doubleValue()));
            case "jsonl" -> {
                for (String line :
                        new String(answer, StandardCharsets.UTF_8).lines().toList()) {
                    JsonNode row = DeploymentChecks.JSON.readTree(line);
                    out.add(row.path(COLUMN).doubleValue());
                }
            }
            case "arrow" -> {
                try (BufferAllocator allocator = new RootAllocator();
                        ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(answer), allocator)) {
                    while (reader.loadNextBatch()) {
                        Float8Vector column =
                                (Float8Vector) reader.getVectorSchemaRoot().getVector(COLUMN);
                        for (int r = 0; r < column.getValueCount(); r++) {
                            out.add(column.get(r));
                        }
                    }
                }
            }
            case "parquet" -> {
                for (Group row : ParquetAnswers.rows(answer, new ArrayList<>())) {
                    out.add(row.getDouble(COLUMN, 0));
                }
            }
            default -> throw new IllegalArgumentException(format);
        }
        return out;
    }
}
