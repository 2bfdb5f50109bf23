package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.BankNotes.assertSamePrediction;
import static org.tabserve.testing.BankNotes.assertWellFormed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.BankNotes;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.web.http.limits.GzipInputTest;

/** {@code POST /predict_file}: a CSV upload in multipart field {@code file}, over real HTTP. */
class PredictFileTest {

    private static final String HEADER = "variance,skewness,curtosis,entropy";

    @RegisterExtension
    static final Http http = Http.sharingTheApp();

    private static String csvOf(List<BankNotes.Note> notes) {
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        for (BankNotes.Note note : notes) {
            csv.append(String.join(",", note.text().values())).append('\n');
        }
        return csv.toString();
    }

    /** What POST /api/predict answers for these rows, one prediction each. */
    private static JsonNode apiPredictions(List<BankNotes.Note> notes) {
        ObjectNode body = Http.JSON.createObjectNode();
        notes.forEach(n -> body.withArray("instances").add(n.json()));
        return http.postJson("/api/predict", body.toString()).json().get("predictions");
    }

    private static List<CSVRecord> parseCsv(Http.Response response) throws IOException {
        assertEquals(200, response.status(), response::text);
        assertEquals("text/csv", response.mediaType());
        try (CSVParser csv = CSVParser.parse(
                new StringReader(response.text()),
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            List<CSVRecord> records = csv.getRecords();
            records.forEach(r -> assertTrue(r.isConsistent(), "row " + r.getRecordNumber() + " has every column"));
            return records;
        }
    }

    private static List<String> headerOf(Http.Response response) throws IOException {
        try (CSVParser csv = CSVParser.parse(
                new StringReader(response.text()),
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            return csv.getHeaderNames();
        }
    }

    private static String fieldsAndRows(JsonNode problem) {
        List<String> found = new ArrayList<>();
        problem.path("errors")
                .forEach(e -> found.add(e.path("field").asText() + "@"
                        + (e.has("row") ? e.get("row").asInt() : "-")));
        return String.join(" ", found);
    }

    @Test
    void answersOneJsonPredictionPerRowInOrderByDefault() {
        List<BankNotes.Note> notes = BankNotes.mixed(20);
        JsonNode predictions =
                http.upload("/predict_file", Multipart.csv(csvOf(notes))).json().get("predictions");
        JsonNode expected = apiPredictions(notes);
        assertEquals(notes.size(), predictions.size());
        for (int i = 0; i < notes.size(); i++) {
            assertSamePrediction(expected.get(i), predictions.get(i), "row " + (i + 1));
            assertEquals(notes.get(i).label(), predictions.get(i).get("label").asText(), "row " + (i + 1));
        }
    }

    @Test
    void labelsEveryRowOfTheBankNoteDataAsItsClass() throws IOException {
        // The whole data set, its class column included (an extra column): held-out and training accuracy are 1.0.
        byte[] data = Files.readAllBytes(BankNotes.DATA);
        JsonNode predictions =
                http.upload("/predict_file", Multipart.csv(data)).json().get("predictions");
        List<BankNotes.Note> notes = BankNotes.all();
        assertEquals(1372, notes.size());
        assertEquals(notes.size(), predictions.size());
        for (int i = 0; i < notes.size(); i++) {
            assertWellFormed(predictions.get(i));
            assertEquals(notes.get(i).label(), predictions.get(i).get("label").asText(), "row " + (i + 1));
        }
    }

    @Test
    void answersCsvWithTheInputColumnsLabelAndOneProbabilityPerClassForAcceptTextCsv() throws IOException {
        List<BankNotes.Note> notes = BankNotes.mixed(10);
        Http.Response response = http.upload("/predict_file", Multipart.csv(csvOf(notes)), "Accept", "text/csv");
        assertEquals(
                List.of("variance", "skewness", "curtosis", "entropy", "label", "probability_0", "probability_1"),
                headerOf(response));
        List<CSVRecord> rows = parseCsv(response);
        JsonNode expected = apiPredictions(notes);
        assertEquals(notes.size(), rows.size());
        for (int i = 0; i < notes.size(); i++) {
            CSVRecord row = rows.get(i);
            for (String feature : BankNotes.FEATURES) {
                assertEquals(
                        notes.get(i).text().get(feature), row.get(feature), "row " + (i + 1) + " echoes " + feature);
            }
            assertEquals(expected.get(i).get("label").asText(), row.get("label"), "row " + (i + 1));
            double p0 = Double.parseDouble(row.get("probability_0"));
            double p1 = Double.parseDouble(row.get("probability_1"));
            assertEquals(expected.get(i).at("/probabilities/0").asDouble(), p0, BankNotes.TOLERANCE);
            assertEquals(expected.get(i).at("/probabilities/1").asDouble(), p1, BankNotes.TOLERANCE);
            assertEquals(1.0, p0 + p1, BankNotes.TOLERANCE);
            assertEquals(p0 > p1 ? "0" : "1", row.get("label"), "label is the argmax");
        }
    }

    @Test
    void takesFeatureColumnsInAnyOrderAndKeepsExtraColumnsInTheCsvAnswer() throws IOException {
        BankNotes.Note genuine = BankNotes.genuine();
        BankNotes.Note forged = BankNotes.forged();
        String csv = "id,entropy,note,variance,curtosis,skewness\n"
                + "a1," + genuine.text().get("entropy") + ",\"first, genuine\","
                + genuine.text().get("variance") + ","
                + genuine.text().get("curtosis") + "," + genuine.text().get("skewness") + "\n"
                + "b2," + forged.text().get("entropy") + ",second,"
                + forged.text().get("variance") + ","
                + forged.text().get("curtosis") + "," + forged.text().get("skewness") + "\n";
        Http.Response response = http.upload("/predict_file", Multipart.csv(csv), "Accept", "text/csv");
        assertEquals(
                List.of(
                        "id",
                        "entropy",
                        "note",
                        "variance",
                        "curtosis",
                        "skewness",
                        "label",
                        "probability_0",
                        "probability_1"),
                headerOf(response));
        List<CSVRecord> rows = parseCsv(response);
        assertEquals(2, rows.size());
        assertEquals(
                List.of("a1", "first, genuine", "0"),
                List.of(
                        rows.get(0).get("id"),
                        rows.get(0).get("note"),
                        rows.get(0).get("label")));
        assertEquals(
                List.of("b2", "second", "1"),
                List.of(
                        rows.get(1).get("id"),
                        rows.get(1).get("note"),
                        rows.get(1).get("label")));

        JsonNode json = http.upload("/predict_file", Multipart.csv(csv)).json().get("predictions");
        JsonNode expected = apiPredictions(List.of(genuine, forged));
        assertSamePrediction(expected.get(0), json.get(0), "row 1");
        assertSamePrediction(expected.get(1), json.get(1), "row 2");
    }

    @Test
    void readsACsvWithAUtf8BomCrlfLineEndingsAndQuotedFields() {
        List<BankNotes.Note> notes = List.of(BankNotes.genuine(), BankNotes.forged());
        StringBuilder csv = new StringBuilder("\"variance\",\"skewness\",curtosis,entropy\r\n");
        for (BankNotes.Note note : notes) {
            csv.append('"')
                    .append(note.text().get("variance"))
                    .append("\",\"")
                    .append(note.text().get("skewness"))
                    .append("\",")
                    .append(note.text().get("curtosis"))
                    .append(',')
                    .append(note.text().get("entropy"))
                    .append("\r\n");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.writeBytes(csv.toString().getBytes(StandardCharsets.UTF_8));
        JsonNode predictions = http.upload("/predict_file", Multipart.csv(bytes.toByteArray()))
                .json()
                .get("predictions");
        JsonNode expected = apiPredictions(notes);
        assertEquals(2, predictions.size());
        assertSamePrediction(expected.get(0), predictions.get(0), "row 1");
        assertSamePrediction(expected.get(1), predictions.get(1), "row 2");
    }

    @Test
    void rejectsAnEmptyFileWith400() {
        http.upload("/predict_file", Multipart.csv(new byte[0])).problem(400);
    }

    @Test
    void rejectsAHeaderWithoutRowsWith400() {
        JsonNode problem =
                http.upload("/predict_file", Multipart.csv(HEADER + "\n")).problem(400);
        assertTrue(problem.path("detail").asText().contains("no data rows"), problem::toString);
    }

    @Test
    void rejectsAMissingFeatureColumnNamingIt() {
        JsonNode problem = http.upload("/predict_file", Multipart.csv("variance,skewness,entropy\n1,2,3\n"))
                .problem(400);
        assertEquals("curtosis@-", fieldsAndRows(problem));
    }

    @Test
    void rejectsABadValueInTheMiddleNamingItsFieldAndRow() {
        List<BankNotes.Note> notes = BankNotes.mixed(5);
        String[] lines = csvOf(notes).split("\n");
        String[] row3 = lines[3].split(","); // lines[0] is the header
        row3[1] = "abc"; // skewness
        lines[3] = String.join(",", row3);
        JsonNode problem = http.upload("/predict_file", Multipart.csv(String.join("\n", lines) + "\n"))
                .problem(400);
        assertEquals("skewness@2", fieldsAndRows(problem), "the third data row, counted from 0");
        assertTrue(problem.at("/errors/0/message").asText().contains("abc"), problem::toString);
    }

    @Test
    void rejectsNaNInfinityAndHexInTheCsvNamingEachFieldAndRow() {
        String csv = HEADER + "\n1,2,3,4\n1,NaN,3,4\n1,2,Infinity,0x1p3\n";
        JsonNode problem = http.upload("/predict_file", Multipart.csv(csv)).problem(400);
        assertEquals("skewness@1 curtosis@2 entropy@2", fieldsAndRows(problem));
    }

    @Test
    void rejectsRowsWithTheWrongColumnCountNamingEachRow() {
        String csv = HEADER + "\n1,2,3,4\n1,2,3\n1,2,3,4\n1,2,3,4,5\n";
        JsonNode problem = http.upload("/predict_file", Multipart.csv(csv)).problem(400);
        assertEquals("row@1 row@3", fieldsAndRows(problem));
    }

    @Test
    void rejectsBytesThatAreNotUtf8With400() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((HEADER + "\n1,2,3,4\n").getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, '1', ',', '2', ',', '3', ',', '4', '\n'});
        JsonNode problem =
                http.upload("/predict_file", Multipart.csv(bytes.toByteArray())).problem(400);
        assertTrue(problem.path("detail").asText().contains("UTF-8"), problem::toString);
    }

    @Test
    void rejectsADuplicateHeaderColumnWith400SpeakingOfTheFile() {
        JsonNode problem = http.upload("/predict_file", Multipart.csv("variance,variance,curtosis,entropy\n1,2,3,4\n"))
                .problem(400);
        assertEquals(
                "column 'variance' appears twice in the header (columns 1 and 2); name each column once",
                problem.path("detail").asText());
    }

    /** The notes as European Excel saves them: semicolons, decimal commas, CRLF, a text column. */
    private static String semicolonCsvOf(List<BankNotes.Note> notes) {
        StringBuilder csv = new StringBuilder("variance;skewness;curtosis;entropy;Notiz\r\n");
        for (BankNotes.Note note : notes) {
            for (String feature : List.of("variance", "skewness", "curtosis", "entropy")) {
                csv.append(note.text().get(feature).replace('.', ',')).append(';');
            }
            csv.append("geprüft\r\n");
        }
        return csv.toString();
    }

    @Test
    void readsASemicolonFileWithDecimalCommasAsTheSameNumbers() throws IOException {
        List<BankNotes.Note> notes = BankNotes.mixed(6);
        JsonNode predictions = http.upload("/predict_file", Multipart.csv(semicolonCsvOf(notes)))
                .json()
                .get("predictions");
        JsonNode expected = apiPredictions(notes);
        assertEquals(notes.size(), predictions.size());
        for (int i = 0; i < notes.size(); i++) {
            assertSamePrediction(expected.get(i), predictions.get(i), "row " + (i + 1));
        }
        // The CSV answer is written with commas and decimal points, the input columns echoed as they came.
        List<CSVRecord> rows =
                parseCsv(http.upload("/predict_file", Multipart.csv(semicolonCsvOf(notes)), "Accept", "text/csv"));
        assertEquals(
                notes.get(0).text().get("variance").replace('.', ','),
                rows.get(0).get("variance"));
        assertEquals(expected.get(0).path("label").asText(), rows.get(0).get("label"));
    }

    @Test
    void aCsvGzUploadGivesThePredictionsOfThePlainFile() {
        List<BankNotes.Note> notes = BankNotes.mixed(8);
        byte[] plain = csvOf(notes).getBytes(StandardCharsets.UTF_8);
        JsonNode expected =
                http.upload("/predict_file", Multipart.csv(plain)).json().get("predictions");
        JsonNode inflated = http.upload(
                        "/predict_file",
                        new Multipart().file("file", "notes.csv.gz", "application/gzip", GzipInputTest.gzip(plain)))
                .json()
                .get("predictions");
        assertEquals(expected, inflated);
    }

    @Test
    void readsATabSeparatedFile() {
        List<BankNotes.Note> notes = BankNotes.mixed(4);
        String tsv = csvOf(notes).replace(',', '\t');
        JsonNode predictions =
                http.upload("/predict_file", Multipart.csv(tsv)).json().get("predictions");
        JsonNode expected = apiPredictions(notes);
        for (int i = 0; i < notes.size(); i++) {
            assertSamePrediction(expected.get(i), predictions.get(i), "row " + (i + 1));
        }
    }

    @Test
    void refusesANumberASemicolonFileCouldMeanTwoWaysNamingItsFieldAndRow() {
        String csv = "variance;skewness;curtosis;entropy\r\n3,6;8,6;-2,8;-0,44\r\n1.234,5;8,6;-2,8;1.234\r\n";
        JsonNode problem = http.upload("/predict_file", Multipart.csv(csv)).problem(400);
        assertEquals("variance@1 entropy@1", fieldsAndRows(problem)); // in the model's feature order, rows from 0
        assertTrue(problem.at("/errors/0/message").asText().contains("with both '.' and ','"), problem::toString);
        assertTrue(
                problem.at("/errors/1/message").asText().contains("where '.' may separate thousands"),
                problem::toString);
    }

    @Test
    void aHeaderThatStillDoesNotMatchSaysWhatSeparatorAndColumnsWereRead() {
        JsonNode problem = http.upload("/predict_file", Multipart.csv("variance|skewness|curtosis|entropy\n1|2|3|4\n"))
                .problem(400);
        assertTrue(
                problem.at("/errors/0/message")
                        .asText()
                        .contains("read as comma-separated, its columns are [variance|skewness|curtosis|entropy]"),
                problem::toString);
    }

    @Test
    void rejectsAnUnclosedQuoteWith400() {
        http.upload("/predict_file", Multipart.csv(HEADER + "\n1,\"2,3,4\n")).problem(400);
    }

    @Test
    void rejectsABodyThatIsNotMultipartWith415() {
        http.post("/predict_file", "text/csv", (HEADER + "\n1,2,3,4\n").getBytes(StandardCharsets.UTF_8))
                .problem(415);
        http.post(
                        "/predict_file",
                        "application/json",
                        BankNotes.genuine().json().toString().getBytes(StandardCharsets.UTF_8))
                .problem(415);
    }

    @Test
    void rejectsAMultipartBodyWithoutTheFileFieldWith400() {
        JsonNode problem = http.upload("/predict_file", new Multipart().text("comment", "no file here"))
                .problem(400);
        assertTrue(problem.path("detail").asText().contains("'file'"), problem::toString);
        JsonNode wrongName = http.upload(
                        "/predict_file",
                        new Multipart()
                                .file(
                                        "upload",
                                        "data.csv",
                                        "text/csv",
                                        (HEADER + "\n1,2,3,4\n").getBytes(StandardCharsets.UTF_8)))
                .problem(400);
        assertTrue(wrongName.path("detail").asText().contains("'file'"), wrongName::toString);
    }

    @Test
    void rejectsAMultipartBodyWithNoPartsWith400() {
        JsonNode problem = http.upload("/predict_file", new Multipart()).problem(400);
        assertTrue(problem.path("detail").asText().contains("'file'"), problem::toString);
    }

    @Test
    void rejectsGetWith405() {
        Http.Response response = http.get("/predict_file");
        response.problem(405);
        assertEquals("OPTIONS, POST", response.header("Allow").orElse(""));
    }

    @Test
    void answersFiftyThousandGeneratedRowsWithFiftyThousandPredictions() {
        Random random = new Random(50_000);
        List<BankNotes.Note> all = BankNotes.all();
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        List<BankNotes.Note> sample = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            BankNotes.Note note = all.get(random.nextInt(all.size()));
            if (i % 5_000 == 4_999) {
                sample.add(note); // spot checks across chunk boundaries (4096 rows per model call)
            }
            csv.append(String.join(",", note.text().values())).append('\n');
        }
        JsonNode predictions = http.upload("/predict_file", Multipart.csv(csv.toString()))
                .json()
                .get("predictions");
        assertEquals(50_000, predictions.size());
        JsonNode expected = apiPredictions(sample);
        for (int k = 0; k < sample.size(); k++) {
            int row = k * 5_000 + 4_999;
            assertSamePrediction(expected.get(k), predictions.get(row), String.format(Locale.ROOT, "row %d", row + 1));
        }
        for (JsonNode prediction : predictions) {
            assertWellFormed(prediction);
        }
    }

    @Test
    void rejectsAValueBeyondFloatRangeWith400NamingItsRow() {
        String csv = HEADER + "\n1,2,3,4\n1,1e300,3,4\n";
        JsonNode problem = http.upload("/predict_file", Multipart.csv(csv)).problem(400);
        assertEquals("skewness@1", fieldsAndRows(problem));
    }

    @Test
    void neverAnswersFewerPredictionsThanRowsWith200() {
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        for (int i = 1; i <= 9_000; i++) {
            csv.append(i == 8_000 ? "1,1e300,3,4\n" : "1,2,3,4\n");
        }
        Http.Response response = http.upload("/predict_file", Multipart.csv(csv.toString()));
        if (response.status() == 200) {
            assertEquals(9_000, response.parse().get("predictions").size(), "a 200 answers every row");
        } else {
            assertEquals("skewness@7999", fieldsAndRows(response.problem(400))); // rows counted from 0
        }
    }

    @Test
    void describesAMalformedMultipartBodyWithoutNamingServerClasses() {
        // Http checks every error body for "jetty" and "exception"; these requests fail that check today.
        http.post("/predict_file", "multipart/form-data; boundary=XYZ", "hello".getBytes(StandardCharsets.UTF_8))
                .problem(400);
        http.post("/predict_file", "multipart/form-data", (HEADER + "\n1,2,3,4\n").getBytes(StandardCharsets.UTF_8))
                .problem(400);
    }
}
