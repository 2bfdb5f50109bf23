package org.tabserve.rows.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueType;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowsReader;

/**
 * The CSV parser's validating pass that keeps rows and hands them on for scoring ahead, in chunks; the separators
 * and decimal commas of files that people make; and messages that speak of the user's file.
 */
class CsvRowsParserTest {

    private static final ModelSignature SIGNATURE =
            ModelSignature.floatClassifier("input", List.of("a", "b"), List.of("0", "1"), OutputKind.PROBABILITIES);
    private static final int ROWS = 2 * RowsReader.CHUNK_ROWS + 5;

    private static ByteArrayInputStream csv(int rows, String badRow) {
        StringBuilder text = new StringBuilder("b,a\n");
        for (int i = 0; i < rows; i++) {
            text.append(i == rows - 1 && badRow != null ? badRow : i + "," + (-i))
                    .append('\n');
        }
        return new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static double[][] numbers(List<RowChunk> chunks) {
        return chunks.stream()
                .flatMap(c -> java.util.Arrays.stream(c.numbers()))
                .toArray(double[][]::new);
    }

    @Test
    void fullChunksAreHandedOnAsTheyAreReadAndTheLastPartChunkOnceTheWholeFileIsValid() throws IOException {
        List<RowChunk> chunks = new ArrayList<>();
        assertTrue(new CsvRowsParser(SIGNATURE, 1_000_000)
                .validateAndKeep(csv(ROWS, null), 100_000, chunks::add, (rows, chars) -> true));
        assertEquals(
                List.of(RowsReader.CHUNK_ROWS, RowsReader.CHUNK_ROWS, 5),
                chunks.stream().map(RowChunk::size).toList());
        double[][] kept = numbers(chunks);
        assertEquals(ROWS, kept.length);
        assertArrayEquals(new double[] {-(ROWS - 1), ROWS - 1}, kept[ROWS - 1], "in the model's column order");
        assertEquals(-(ROWS - 1), chunks.get(2).batch().number(4, 0), "the batch holds the same rows");
    }

    @Test
    void aBadLastRowRefusesTheUploadAndItsLastPartChunkIsNeverHandedOn() {
        List<RowChunk> chunks = new ArrayList<>();
        RowsException problem = assertThrows(
                RowsException.class,
                () -> new CsvRowsParser(SIGNATURE, 1_000_000)
                        .validateAndKeep(csv(ROWS, "1,x"), 100_000, chunks::add, (rows, chars) -> true));
        assertEquals(RowsException.Kind.INVALID_FIELDS, problem.kind());
        assertEquals(ROWS - 1, problem.errors().get(0).row(), "the last row, counted from 0");
        assertTrue(problem.oneLine().contains("row " + (ROWS - 1) + ": "), problem::oneLine);
        assertEquals(2, chunks.size(), "only the full chunks read before the bad row");
    }

    @Test
    void pastTheKeptRowsNothingMoreIsHandedOnAndFalseSaysReadItAgain() throws IOException {
        List<RowChunk> chunks = new ArrayList<>();
        assertFalse(new CsvRowsParser(SIGNATURE, 1_000_000)
                .validateAndKeep(csv(ROWS, null), RowsReader.CHUNK_ROWS + 10, chunks::add, (rows, chars) -> true));
        assertEquals(1, chunks.size());
    }

    @Test
    void whenTheBudgetHasNoRoomForAnotherChunkItStopsKeepingButStillChecksEveryRow() throws IOException {
        List<RowChunk> chunks = new ArrayList<>();
        int[] asked = {0};
        RowsReader.Room roomForOneChunk = (rows, chars) -> ++asked[0] == 1;
        assertFalse(new CsvRowsParser(SIGNATURE, 1_000_000)
                .validateAndKeep(csv(ROWS, null), 100_000, chunks::add, roomForOneChunk));
        assertEquals(1, chunks.size(), "only the chunk there was room for");
        assertEquals(2, asked[0], "asked once per chunk until refused, then never again");

        RowsException problem = assertThrows(
                RowsException.class,
                () -> new CsvRowsParser(SIGNATURE, 1_000_000)
                        .validateAndKeep(csv(ROWS, "1,x"), 100_000, chunk -> {}, (rows, chars) -> false));
        assertEquals(
                RowsException.Kind.INVALID_FIELDS,
                problem.kind(),
                "a file that is not kept is still checked to its last row");
    }

    private static final CsvRowsParser PARSER = new CsvRowsParser(SIGNATURE, 1_000);

    private static double[][] rowsOf(String text) throws IOException {
        List<RowChunk> chunks = new ArrayList<>();
        PARSER.forEachChunk(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), chunks::add);
        return numbers(chunks);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Typed columns: text, whole numbers, booleans, missing numbers

    /**
     * island: text the model takes unknown values of; sex: text it refuses unknown values of; count: int64; mass:
     * a float that may be missing; adult: a boolean.
     */
    static final ModelSignature TYPED = new ModelSignature(
            List.of(
                    column("island", ValueType.STRING, false, List.of("Biscoe", "Dream", "Torgersen"), false),
                    column("sex", ValueType.STRING, false, List.of("FEMALE", "MALE"), true),
                    column("count", ValueType.INT64, false, List.of(), false),
                    column("mass", ValueType.FLOAT, true, List.of(), false),
                    column("adult", ValueType.BOOL, false, List.of(), false)),
            Task.CLASSIFICATION,
            List.of("a", "b"),
            OutputKind.PROBABILITIES,
            false,
            0);

    private static ModelInput column(
            String name, ValueType type, boolean missing, List<String> categories, boolean refuses) {
        return new ModelInput(name, type, List.of(new Feature(name, type, missing, categories, refuses)), 2);
    }

    private static final org.tabserve.model.card.ModelCard EMPTY_CARD =
            org.tabserve.model.card.ModelCard.builder("m", "").build();

    private static List<RowChunk> typedChunks(String text) throws IOException {
        CsvRowsParser parser = new CsvRowsParser(TYPED, 100_000);
        parser.validate(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        List<RowChunk> chunks = new ArrayList<>();
        parser.forEachChunk(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), chunks::add);
        return chunks;
    }

    private static RowsException typedRefusal(String text) {
        return assertThrows(
                RowsException.class,
                () -> new CsvRowsParser(TYPED, 100_000)
                        .validate(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void eachCellIsReadByItsFeaturesTypeWithQuotesAndSeparatorsInTextAsCommonsCsvReadsThem() throws IOException {
        List<RowChunk> chunks = typedChunks("adult,note,mass,count,sex,island\n"
                + "TRUE,\"a, b\",3.5,4611686018427387905,MALE,\"Dre\"\"am, \"\"north\"\"; x\"\n"
                + "false,,,-3,FEMALE,Biscoe\n"
                + "true,z,1e2,3.0,FEMALE,Torgersen\n");
        assertEquals(1, chunks.size());
        Batch batch = chunks.get(0).batch();
        assertArrayEquals(new String[] {"Dre\"am, \"north\"; x", "Biscoe", "Torgersen"}, (String[]) batch.data(0));
        assertArrayEquals(
                new long[] {4611686018427387905L, -3, 3},
                (long[]) batch.data(2),
                "whole numbers exactly: 2^62 + 1 is not rounded through a double");
        float[] mass = (float[]) batch.data(3);
        assertEquals(3.5f, mass[0]);
        assertTrue(Float.isNaN(mass[1]), "an empty cell of a number that may be missing is NaN");
        assertEquals(100f, mass[2]);
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) batch.data(4));
        assertEquals("Dre\"am, \"north\"; x", chunks.get(0).cell(0, "island"), "the record is echoed");
        assertNull(chunks.get(0).numbers(), "no plain numbers on the typed path");
        assertEquals(
                List.of("island"),
                chunks.get(0).warnings(EMPTY_CARD, 0).stream()
                        .map(org.tabserve.model.signature.RangeWarning::feature)
                        .toList(),
                "an unknown category the model takes warns");
    }

    @Test
    void aTypedValueAtTheVeryEndOfTheTrainingRangeIsCheckedAsSentNotAsTheModelsFloatHoldsIt() throws IOException {
        // 6.8248 is held by a float as 6.82480001, above this maximum: the check must read the cell as sent.
        assertTrue((double) 6.8248f > 6.8248, "the premise: the float is above the double");
        org.tabserve.model.card.ModelCard card = org.tabserve.model.card.ModelCard.builder("m", "")
                .featureStats(java.util.Map.of("mass", new org.tabserve.model.signature.FeatureStats(1.0, 6.8248, 3.0)))
                .build();
        List<RowChunk> chunks = typedChunks(
                "island,sex,count,mass,adult\n" + "Dream,MALE,1,6.8248,true\n" + "Dream,MALE,1,6.8249,true\n");
        assertEquals(List.of(), chunks.get(0).warnings(card, 0), "the maximum itself is inside the range");
        assertEquals(
                List.of("mass"),
                chunks.get(0).warnings(card, 1).stream()
                        .map(org.tabserve.model.signature.RangeWarning::feature)
                        .toList(),
                "just above it is not");
    }

    @Test
    void aSemicolonFileReadsDecimalCommasInNumberAndWholeNumberColumns() throws IOException {
        Batch batch = typedChunks("island;sex;count;mass;adult\nDream;MALE;7,0;3,25;false\n")
                .get(0)
                .batch();
        assertArrayEquals(new long[] {7}, (long[]) batch.data(2));
        assertEquals(3.25f, ((float[]) batch.data(3))[0]);
        RowsException problem = typedRefusal("island;sex;count;mass;adult\nDream;MALE;1.234;1;false\n");
        assertTrue(messages(problem).contains("where '.' may separate thousands"), messages(problem));
    }

    @Test
    void badTypedValuesAreRefusedNamingFieldAndRowOfTheUpload() {
        StringBuilder csv = new StringBuilder("island,sex,count,mass,adult\n");
        for (int i = 0; i < RowsReader.CHUNK_ROWS + 2; i++) {
            csv.append("Dream,MALE,1,2,true\n");
        }
        csv.append("Dream,,1,2,true\n") // an empty text cell: text cannot be missing
                .append("Dream,MALE,x,2,true\n") // text in a whole-number column
                .append("Dream,MALE,1,abc,true\n") // text in a number column
                .append("Dream,OTHER,1,2,true\n") // an unknown category the model refuses
                .append("Dream,MALE,1.5,2,yes\n") // a fraction for a whole number, a boolean that is not one
                .append("Dream,MALE,1,,true\n"); // a missing number the model takes: fine
        RowsException problem = typedRefusal(csv.toString());
        assertEquals(RowsException.Kind.INVALID_FIELDS, problem.kind());
        int first = RowsReader.CHUNK_ROWS + 2; // data rows counted from 0
        assertEquals(
                List.of("sex", "count", "mass", "sex", "adult", "count"),
                problem.errors().stream().map(FieldProblem::field).toList(),
                messages(problem));
        assertEquals(
                List.of(first, first + 1, first + 2, first + 3, first + 4, first + 4),
                problem.errors().stream().map(FieldProblem::row).toList(),
                "rows of the upload, not of the chunk");
        for (FieldProblem error : problem.errors()) {
            assertFalse(error.message().startsWith("row "), "the row is in its own key: " + error.message());
            assertTrue(error.message().contains("'" + error.field() + "'"), error.message());
        }
        String text = messages(problem);
        assertTrue(text.contains("missing value for 'sex'"), text);
        assertTrue(text.contains("'count' must be a whole number, got 'x'"), text);
        assertTrue(text.contains("'mass' must be a finite decimal number, got 'abc'"), text);
        assertTrue(text.contains("'adult' must be true or false, got 'yes'"), text);
        assertTrue(text.contains("[FEMALE, MALE]"), text);
    }

    private static RowsException refusal(String text) {
        return assertThrows(
                RowsException.class,
                () -> PARSER.validate(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    private static String messages(RowsException problem) {
        return problem.getMessage() + " "
                + problem.errors().stream().map(FieldProblem::message).toList();
    }

    @Test
    void aSemicolonFileAsEuropeanExcelWritesItIsReadWithItsDecimalCommas() throws IOException {
        assertArrayEquals(
                new double[][] {{3.6, -0.44}, {1234.5, 2}, {0.5, 12.25}},
                rowsOf("\uFEFFa;b;note\r\n3,6;-0,44;\"x; y\"\r\n1234,5;2;\r\n0.5;12.25;z\r\n"));
    }

    @Test
    void aTabFileIsReadWithDecimalPoints() throws IOException {
        assertArrayEquals(new double[][] {{3.6, -0.44}, {1, 2}}, rowsOf("b\ta\tnote\n-0.44\t3.6\ta, b\n2\t1\t\n"));
    }

    @Test
    void aCommaFileStillRefusesADecimalCommaInAQuotedField() {
        RowsException problem = refusal("a,b\n\"3,6\",1\n");
        assertTrue(messages(problem).contains("'a' must be a finite decimal number, got '3,6'"), messages(problem));
    }

    @Test
    void valuesThatADecimalCommaFileCouldMeanTwoWaysAreRefusedNamingTheirFieldAndRow() {
        RowsException problem = refusal("a;b\n1.234,5;1\n1;1.234\n1,2,3;1\n");
        assertEquals(RowsException.Kind.INVALID_FIELDS, problem.kind());
        assertEquals(
                List.of("a", "b", "a"),
                problem.errors().stream().map(FieldProblem::field).toList());
        assertEquals(
                List.of(0, 1, 2),
                problem.errors().stream().map(FieldProblem::row).toList());
        assertTrue(problem.errors().get(0).message().contains("with both '.' and ','"), messages(problem));
        assertTrue(problem.errors().get(1).message().contains("where '.' may separate thousands"), messages(problem));
        assertTrue(problem.errors().get(2).message().contains("more than one ','"), messages(problem));
    }

    @Test
    void aHeaderThatDoesNotMatchSaysWhichSeparatorAndColumnsWereSeen() {
        String message = messages(refusal("a|b\n1|2\n"));
        assertTrue(
                message.contains("the CSV header has no column 'a'; read as comma-separated, its columns are [a|b]"),
                message);
        String semicolons = messages(refusal("x;b;c\n1;2;3\n"));
        assertTrue(
                semicolons.contains("read as semicolon-separated (decimal commas allowed), its columns are [x, b, c]"),
                semicolons);
    }

    @Test
    void aColumnNamedTwiceOrNotAtAllIsRefusedInTheTermsOfTheFile() {
        String twice = refusal("a,b,b\n1,2,3\n").getMessage();
        assertEquals("column 'b' appears twice in the header (columns 2 and 3); name each column once", twice);
        String unnamed = refusal("a;b;;\n1;2;;\n").getMessage();
        assertTrue(unnamed.startsWith("column 3 of the CSV header has no name (read as semicolon-separated"), unnamed);
        for (String message : List.of(twice, unnamed)) {
            assertTrue(!message.contains("CSVFormat") && !message.contains("setDuplicateHeaderMode"), message);
        }
    }

    @Test
    void quoteErrorsSayWhereInTheFileNotWhatTheLibraryThrew() {
        assertEquals(
                "malformed CSV header: a quoted field that starts on line 1 is never closed",
                refusal("\"a,b\n1,2\n").getMessage());
        assertEquals(
                "malformed CSV: text follows a closing quote on line 2 (character 8); quote the whole field, and "
                        + "double any quote inside it",
                refusal("a,b\n\"1\"x,2\n").getMessage());
    }

    @Test
    void aFirstLineLongerThanAnyHeaderIsRefusedBeforeItIsHeldWhole() {
        RowsException problem = refusal("a".repeat(CsvLimits.MAX_HEADER_CHARS + 1));
        assertTrue(problem.getMessage().contains("first line is longer than"), problem.getMessage());
    }

    @Test
    void aHeaderLongerThanTheReadersBufferIsHandedBackWholeBeforeTheRows() throws IOException {
        // The separator is found by reading the header row, which is then read again with the rest: here it is far
        // longer than the reader's buffer, quoted over a line end, and ends in CRLF, and every row still comes after
        // it.
        String ignored = "\"" + "x".repeat(20_000) + "\n;y\"";
        assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, rowsOf("a," + ignored + ",b\r\n1,z,2\r\n3,z,4\r\n"));
        assertArrayEquals(new double[][] {{1, 2}}, rowsOf("b;" + ignored + ";a\n2;z;1"));
        assertArrayEquals(
                new double[][] {{1, 2}, {3, 4}},
                numbers(PARSER.readAll(new ByteArrayInputStream(
                        ("a," + ignored + ",b\r\n1,z,2\r\n3,z,4").getBytes(StandardCharsets.UTF_8)))),
                "the plain-line path");
        assertEquals(
                java.util.Arrays.asList("a", ignored.substring(1, ignored.length() - 1), "b"),
                CsvFiles.header(new ByteArrayInputStream(
                        ("a," + ignored + ",b\r\n1,z,2\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void theSeparatorIsTheOneTheHeaderUsesMostOutsideQuotes() throws IOException {
        assertEquals(CsvSeparator.COMMA, separatorOf("a"));
        assertEquals(CsvSeparator.COMMA, separatorOf("a,b;c"));
        assertEquals(CsvSeparator.SEMICOLON, separatorOf("\"a,b,c\";d;e"));
        assertEquals(CsvSeparator.TAB, separatorOf("a\tb\tc;d"));
    }

    private static CsvSeparator separatorOf(String header) throws IOException {
        return new CsvLexer(new java.io.StringReader(header), org.tabserve.rows.read.RowMemory.NONE).separator();
    }

    /**
     * Issue 15: a valid CSV read while the heap ran out was answered 400 "malformed CSV header: Self-suppression not
     * permitted" (the JVM's shared OutOfMemoryError thrown again by close() made try-with-resources throw an
     * IllegalArgumentException, which the parser took for a bad header). Only the header row's own failures are the
     * file's fault; this must reach the caller as the server's failure, never as a RowsException.
     */
    @Test
    void runningOutOfMemoryAfterTheHeaderIsTheServersFailureNotABadFile() {
        OutOfMemoryError shared = new OutOfMemoryError("Java heap space");
        byte[] head = "b,a\n1,2\n".getBytes(StandardCharsets.UTF_8);
        java.io.InputStream failing = new java.io.InputStream() {
            private int at;

            @Override
            public int read() {
                if (at < head.length) {
                    return head[at++];
                }
                throw shared;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (at >= head.length) {
                    throw shared;
                }
                int n = Math.min(length, head.length - at);
                System.arraycopy(head, at, buffer, offset, n);
                at += n;
                return n;
            }

            @Override
            public void close() {
                throw shared;
            }
        };
        Throwable thrown = assertThrows(Throwable.class, () -> new CsvRowsParser(SIGNATURE, 1_000).validate(failing));
        assertTrue(!(thrown instanceof RowsException), "blamed the file: " + thrown);
    }
}
