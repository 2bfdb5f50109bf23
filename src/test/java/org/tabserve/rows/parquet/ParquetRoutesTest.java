package org.tabserve.rows.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.testing.TableFiles;

/**
 * Parquet on the routes beyond {@code /predict_file}'s upload: MLflow's Parquet body on {@code /invocations}
 * ({@code application/x-parquet}, as MLflow's scoring server takes it, or Parquet's registered type) answered as the
 * same rows in CSV are, a Parquet answer for {@code Accept: application/vnd.apache.parquet} there and on
 * {@code /predict_file} (the CSV answer's columns and values), and a hostile body (a column chunk claiming 2 GB) a 400
 * in words.
 */
class ParquetRoutesTest {

    private static final String PARQUET = "application/vnd.apache.parquet";

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    private static byte[] notes() throws Exception {
        return Files.readAllBytes(TableFiles.NOTES_PARQUET);
    }

    private static byte[] notesCsv() throws Exception {
        return Files.readAllBytes(Path.of("data/BankNote_Authentication.csv"));
    }

    @Test
    void invocationsTakesMlflowsParquetBodyAsTheSameRowsInCsv() throws Exception {
        Http.Response fromCsv = http.post("/invocations", "text/csv", notesCsv());
        assertEquals(200, fromCsv.status(), fromCsv.text());
        for (String type : List.of("application/x-parquet", PARQUET)) {
            Http.Response fromParquet = http.post("/invocations", type, notes());
            assertEquals(200, fromParquet.status(), type + ": " + fromParquet.text());
            assertEquals(fromCsv.json().get("predictions"), fromParquet.json().get("predictions"), type);
        }
        assertEquals(1372, fromCsv.json().get("predictions").size());
    }

    @Test
    void invocationsAnswersParquetForItsAccept() throws Exception {
        JsonNode labels = http.post("/invocations", "application/x-parquet", notes())
                .json()
                .get("predictions");
        Http.Response answer = http.post("/invocations", "application/x-parquet", notes(), "Accept", PARQUET);
        assertEquals(200, answer.status(), answer.text());
        assertEquals(PARQUET, answer.mediaType());
        List<String> names = new ArrayList<>();
        List<Group> rows = ParquetAnswers.rows(answer.body(), names);
        assertEquals(List.of("label", "probability_0", "probability_1"), names);
        assertEquals(labels.size(), rows.size());
        for (int r = 0; r < rows.size(); r++) {
            assertEquals(labels.get(r).asText(), rows.get(r).getString("label", 0), "row " + r);
        }
    }

    @Test
    void predictFileAnswersParquetWithTheCsvAnswersColumnsAndValues() throws Exception {
        Http.Response csv = http.upload(
                "/predict_file",
                new Multipart().file("file", "notes.parquet", "application/octet-stream", notes()),
                "Accept",
                "text/csv");
        assertEquals(200, csv.status(), csv.text());
        List<String> lines = csv.text().lines().toList();
        List<String> header = List.of(lines.get(0).split(","));
        for (String[] ask : new String[][] {{"/predict_file", "Accept", PARQUET}, {"/predict_file?format=parquet"}}) {
            Http.Response answer = ask.length == 3
                    ? http.upload(
                            ask[0],
                            new Multipart().file("file", "notes.parquet", "application/octet-stream", notes()),
                            ask[1],
                            ask[2])
                    : http.upload(
                            ask[0], new Multipart().file("file", "notes.parquet", "application/octet-stream", notes()));
            assertEquals(200, answer.status(), answer.text());
            assertEquals(PARQUET, answer.mediaType());
            List<String> names = new ArrayList<>();
            List<Group> rows = ParquetAnswers.rows(answer.body(), names);
            assertEquals(header, names);
            assertEquals(lines.size() - 1, rows.size());
            for (int r = 0; r < rows.size(); r++) {
                String[] cells = lines.get(r + 1).split(",");
                Group row = rows.get(r);
                assertEquals(Double.parseDouble(cells[0]), row.getDouble("variance", 0), "row " + r);
                assertEquals(cells[header.indexOf("label")], row.getString("label", 0), "row " + r);
                assertEquals(
                        Double.parseDouble(cells[header.indexOf("probability_1")]),
                        row.getDouble("probability_1", 0),
                        1e-12,
                        "row " + r);
            }
        }
    }

    @Test
    void aParquetBodyWhoseColumnChunkClaimsTwoGigabytesIsA400InWords() throws Exception {
        byte[] hostile = TableFiles.withFooter(
                notes(),
                footer -> footer.getRow_groups()
                        .get(0)
                        .getColumns()
                        .get(0)
                        .getMeta_data()
                        .setTotal_compressed_size(0x7fff0000L));
        Http.Response refused = http.post("/invocations", "application/x-parquet", hostile);
        assertEquals(400, refused.status(), refused.text());
        assertTrue(
                refused.text()
                        .contains("the Parquet file's footer puts the column 'variance' at bytes 4 to 2147418116"),
                refused.text());
        assertEquals(
                200, http.post("/invocations", "application/x-parquet", notes()).status());
    }
}
