package org.tabserve.rows.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.cli.CsvScoring;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.csv.CsvRowsParser;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowPlace;
import org.tabserve.rows.field.RowsException;

/**
 * The CSV reader with {@link OnError#ROW}: every row in file order, a bad one with its problems in its place and the
 * good ones scored as a file of those rows alone is; with {@link OnError#REJECT} (the default) the same file is
 * refused whole as before. The data are real: rows 1 to 13 of {@code penguins.csv}, five of them with an empty
 * {@code sex}, which the penguins species model ({@code species-zipmap.onnx}) cannot take missing.
 */
class CsvRowsInPlaceTest {

    static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");
    /** Rows 1 to 13 of penguins.csv, as published (CC0; see the fixtures' README). */
    static final Path EMPTY_SEX = PENGUINS.resolve("empty-sex.csv");
    /** The data rows of {@link #EMPTY_SEX} whose sex is empty, counted from 0 as every error counts rows. */
    static final List<Long> BAD_ROWS = List.of(3L, 8L, 9L, 10L, 11L);

    private static Model species;

    @BeforeAll
    static void load() {
        species = OnnxModelLoader.load(PENGUINS.resolve("species-zipmap.onnx"));
    }

    @AfterAll
    static void close() {
        species.close();
    }

    @Test
    void inRowModeEveryRowHasItsPlaceInFileOrderAndOnlyTheBadOnesCarryProblems() throws IOException {
        CsvRowsParser parser = new CsvRowsParser(species.signature(), 1_000).onError(OnError.ROW);
        List<RowChunk> chunks = parser.readAll(Files.newInputStream(EMPTY_SEX));
        List<RowPlace> places =
                chunks.stream().flatMap(c -> c.places().stream()).toList();
        assertEquals(13, places.size());
        for (int i = 0; i < places.size(); i++) {
            RowPlace place = places.get(i);
            assertEquals(i, place.number(), "file order, counted from 0");
            assertEquals(!BAD_ROWS.contains(place.number()), place.isScored(), "row " + place.number());
            if (!place.isScored()) {
                assertEquals(
                        List.of("sex"),
                        place.problems().stream().map(FieldProblem::field).toList());
                assertEquals(place.number(), (long) place.problems().get(0).row());
                assertTrue(
                        place.problems().get(0).message().contains("missing"),
                        place.problems().toString());
                assertFalse(place.problems().get(0).message().startsWith("row "), "the row is told by its place");
            }
        }
        assertEquals(8, chunks.get(0).size(), "the batch holds the good rows");
        assertEquals(5, parser.refusedRows());
        assertTrue(parser.longestRefusedBytes() > 0);
    }

    @Test
    void byDefaultTheSameFileIsRefusedWholeListingEveryBadRow() {
        RowsException refusal = assertThrows(
                RowsException.class,
                () -> new CsvRowsParser(species.signature(), 1_000).validate(Files.newInputStream(EMPTY_SEX)));
        assertEquals(RowsException.Kind.INVALID_FIELDS, refusal.kind());
        assertEquals(
                BAD_ROWS, refusal.errors().stream().map(e -> (long) e.row()).toList());
        assertEquals(
                "missing value for 'sex' (a text value cannot be missing)",
                refusal.errors().get(0).message(),
                "the row is in its own key, not in the words");
        assertTrue(refusal.oneLine().contains("row 3: missing value for 'sex'"), refusal.oneLine());
    }

    @Test
    void theCsvAnswerPutsEachBadRowInItsPlaceAndScoresTheOthersAsAFileOfThemAlone() throws IOException {
        String inPlace = scored(Files.readString(EMPTY_SEX), OnError.ROW);
        List<String> lines = inPlace.lines().toList();
        List<String> source = Files.readAllLines(EMPTY_SEX);
        String good = source.get(0) + "\n"
                + java.util.stream.IntStream.rangeClosed(1, 13)
                        .filter(r -> !BAD_ROWS.contains((long) r - 1))
                        .mapToObj(source::get)
                        .collect(Collectors.joining("\n"));
        List<String> rejectAnswer = scored(good, OnError.REJECT).lines().toList();

        assertEquals(rejectAnswer.get(0) + ",error", lines.get(0), "one more column, last");
        assertEquals(14, lines.size());
        int next = 1;
        for (int r = 1; r <= 13; r++) {
            String line = lines.get(r);
            if (BAD_ROWS.contains((long) r - 1)) {
                int answerColumns =
                        rejectAnswer.get(0).split(",").length - source.get(0).split(",").length;
                assertTrue(line.startsWith(source.get(r) + ",".repeat(answerColumns) + ",sex: "), line);
                assertTrue(line.contains("missing"), line);
            } else {
                assertEquals(rejectAnswer.get(next++) + ",", line, "row " + r + ": as scored without the bad rows");
            }
        }
    }

    @Test
    void aRowOfTheWrongLengthAndAnUnreadableNumberAreToldInPlaceOnTheNumbersOnlyPath() throws IOException {
        String csv = "variance,skewness,curtosis,entropy\n1,2,3,4\n1,2,3\n1,x,3,4\n5,6,7,8\n";
        CsvRowsParser parser = new CsvRowsParser(RowsFixtures.SIGNATURE, 1_000).onError(OnError.ROW);
        List<RowPlace> places = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        parser.forEachChunk(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), chunk -> {
            places.addAll(chunk.places());
            sizes.add(chunk.size());
            assertEquals(List.of(1.0, 5.0), List.of(chunk.numbers()[0][0], chunk.numbers()[1][0]));
        });
        assertEquals(List.of(2), sizes);
        assertEquals(
                List.of(true, false, false, true),
                places.stream().map(RowPlace::isScored).toList());
        assertEquals(
                List.of(0, -1, -1, 1), places.stream().map(RowPlace::batchRow).toList());
        assertEquals("row", places.get(1).problems().get(0).field());
        assertTrue(
                places.get(1).problems().get(0).message().contains("has 3 fields; the header has 4"),
                places.get(1).toString());
        assertEquals(List.of("1", "2", "3"), places.get(1).cells(), "the cells as written, for the answer's echo");
        assertEquals("skewness", places.get(2).problems().get(0).field());
        assertEquals(2, places.get(2).problems().get(0).row());
    }

    @Test
    void aFileOfBadRowsAloneIsAnsweredRowByRowButAFileOfNoRowsIsStillRefused() throws IOException {
        String csv = "variance,skewness,curtosis,entropy\nx,2,3,4\n";
        List<RowChunk> chunks = new CsvRowsParser(RowsFixtures.SIGNATURE, 1_000)
                .onError(OnError.ROW)
                .readAll(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, chunks.get(0).size());
        assertEquals(1, chunks.get(0).rowCount());
        RowsException refusal = assertThrows(
                RowsException.class,
                () -> new CsvRowsParser(RowsFixtures.SIGNATURE, 1_000)
                        .onError(OnError.ROW)
                        .readAll(new ByteArrayInputStream(
                                "variance,skewness,curtosis,entropy\n".getBytes(StandardCharsets.UTF_8))));
        assertTrue(refusal.getMessage().contains("no data rows"), refusal.getMessage());
    }

    @Test
    void aRowsProblemsAreBoundedSoThatAWideBadRowHoldsLittle() {
        ChunkPlaces places = new ChunkPlaces();
        for (int i = 0; i < 500; i++) {
            places.problem(new FieldProblem("f" + i, "bad", 1));
        }
        places.endRow(1, -1, null);
        RowPlace place = places.places(new int[0], c -> null).get(0);
        assertEquals(RowPlace.MAX_PROBLEMS, place.problems().size());
        assertTrue(
                place.problems().get(RowPlace.MAX_PROBLEMS - 1).message().startsWith("401 more problems"),
                place.problems().get(RowPlace.MAX_PROBLEMS - 1).message());
    }

    private static String scored(String csv, OnError onError) throws IOException {
        StringWriter out = new StringWriter();
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        long refused = CsvScoring.writeScored(species, () -> new ByteArrayInputStream(bytes), out, onError, rows -> {});
        assertEquals(onError == OnError.ROW ? BAD_ROWS.size() : 0, refused);
        return out.toString();
    }
}
