package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.rows.read.RowsReader;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;

/**
 * Issue 61, item 9, on the routes: the iris row (5, 1.5e38, 1e38, 5e37), whose logistic regression score overflows
 * float in one order of adding and not in another (ONNX Runtime refuses it alone and answers it in a batch), gets one
 * answer on {@code POST /api/predict} (JSON) and {@code POST /predict_file} (CSV), alone, in 17 rows and in 1,000, and
 * on either side of a CSV upload's chunk boundary ({@link RowsReader#CHUNK_ROWS} rows): a 400 naming its two fields
 * beyond what the model takes unchecked, "too large for this model", or, with {@code ?on_error=row}, those errors in
 * its place and every other row answered. Before the fix it was refused alone and answered in a batch of 17 (and in the full first chunk of an
 * upload), so which answer a caller got depended on how many rows it sent.
 */
class OverflowingLinearRowsRoutesTest {

    private static final String EXTREME = "5,1.5e38,1e38,5e37";
    private static final String ORDINARY = "5.1,3.5,1.4,0.2";
    /** The features beyond the largest magnitude the model takes without computing the row: 1.5e38 and 1e38. */
    private static final List<String> BLAMED = List.of("f1", "f2");

    @RegisterExtension
    static final Http http = Http.startingTheApp(
            "--model",
            Path.of("src/test/resources/org/tabserve/fixtures/iris/iris-single-tensor.onnx")
                    .toAbsolutePath()
                    .toString());

    @Test
    void theJsonRouteRefusesTheRowAloneAndInEveryBatchNamingTheSameFields() {
        for (int size : new int[] {1, 17, 1_000}) {
            for (int at : new int[] {0, size - 1}) {
                JsonNode problem = http.postJson("/api/predict", json(size, at)).problem(400);
                assertRefused(problem.path("errors"), size == 1 ? 0 : at, size + " rows, the row at " + at);
            }
        }
    }

    @Test
    void theJsonRouteAnswersTheOtherRowsAndTellsTheRowsErrorsInItsPlace() {
        for (int size : new int[] {1, 17, 1_000}) {
            JsonNode predictions = http.postJson("/api/predict?on_error=row", instances(size, size - 1))
                    .json()
                    .path("predictions");
            assertEquals(size, predictions.size());
            for (int r = 0; r < size - 1; r++) {
                assertEquals("0", predictions.get(r).path("label").asText(), "row " + r);
            }
            assertRefused(predictions.get(size - 1).path("errors"), size - 1, size + " rows");
        }
    }

    /** The row last in the upload's first chunk (ONNX Runtime's batch before the fix), and alone in its second. */
    @Test
    void theCsvUploadRefusesTheRowOnEitherSideOfAChunkBoundary() {
        int rows = RowsReader.CHUNK_ROWS + 1;
        for (int at : new int[] {RowsReader.CHUNK_ROWS - 1, RowsReader.CHUNK_ROWS}) {
            Http.Response refused = http.upload("/predict_file", Multipart.csv(csv(rows, at)));
            JsonNode errors = refused.problem(400).path("errors");
            assertEquals(BLAMED.size(), errors.size(), errors.toString());
            for (int i = 0; i < BLAMED.size(); i++) {
                assertEquals(BLAMED.get(i), errors.get(i).path("field").asText(), errors.toString());
                assertTrue(
                        errors.get(i).path("message").asText().contains("too large for this model"), errors.toString());
            }

            JsonNode predictions = http.upload("/predict_file?on_error=row", Multipart.csv(csv(rows, at)))
                    .json()
                    .path("predictions");
            assertEquals(rows, predictions.size());
            for (int r = 0; r < rows; r++) {
                JsonNode entry = predictions.get(r);
                if (r == at) {
                    JsonNode rowErrors = entry.path("errors");
                    assertEquals(BLAMED.size(), rowErrors.size(), rowErrors.toString());
                    for (int i = 0; i < BLAMED.size(); i++) {
                        assertEquals(
                                BLAMED.get(i), rowErrors.get(i).path("field").asText());
                        assertEquals(
                                at, rowErrors.get(i).path("row").asInt(), "the file's data row: its entry's place");
                        assertTrue(rowErrors.get(i).path("message").asText().contains("its score overflows float"));
                    }
                } else {
                    assertFalse(entry.has("errors"), "row " + r);
                    assertEquals("0", entry.path("label").asText(), "row " + r);
                }
            }
        }
    }

    private static void assertRefused(JsonNode errors, int row, String what) {
        assertEquals(BLAMED.size(), errors.size(), what + ": " + errors);
        for (int i = 0; i < BLAMED.size(); i++) {
            JsonNode error = errors.get(i);
            assertEquals(BLAMED.get(i), error.path("field").asText(), what + ": " + errors);
            assertEquals(row, error.path("row").asInt(), what + ": " + errors);
            String message = error.path("message").asText();
            assertTrue(
                    message.startsWith("'" + BLAMED.get(i) + "' is too large for this model: its score overflows"
                                    + " float (in some order of adding its terms, so that whether it is finite would"
                                    + " depend on how it is computed); every value within ±")
                            && message.endsWith(" is taken"),
                    what + ": " + message);
            if (first == null) {
                first = errors;
            }
            assertEquals(first.get(i).path("message"), error.path("message"), what + ": the same words everywhere");
        }
    }

    /** The first refusal's errors, which every other refusal repeats. */
    private static JsonNode first;

    /** A lone row, the extreme one, or the {@link #instances} of a batch. */
    private static String json(int size, int at) {
        return size == 1 ? "{\"f0\": 5, \"f1\": 1.5e38, \"f2\": 1e38, \"f3\": 5e37}" : instances(size, at);
    }

    /** {@code {"instances": [...]}} of {@code size} rows, the extreme one at {@code at}. */
    private static String instances(int size, int at) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            rows.add("[" + (r == at ? EXTREME : ORDINARY) + "]");
        }
        return "{\"instances\": [" + String.join(", ", rows) + "]}";
    }

    private static String csv(int rows, int at) {
        StringBuilder csv = new StringBuilder("f0,f1,f2,f3\n");
        for (int r = 0; r < rows; r++) {
            csv.append(r == at ? EXTREME : ORDINARY).append('\n');
        }
        return csv.toString();
    }
}
