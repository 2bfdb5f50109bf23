package org.tabserve.rows.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowChunk;
import org.tabserve.rows.read.RowMemory;
import org.tabserve.rows.read.RowsReader;

/**
 * The CSV reader ({@link CsvLexer}) against commons-csv 1.14.1 configured as the reader configured it before the lexer
 * ({@link CommonsCsvRows}): on every input both must give the same rows, the same values, the same warnings and the
 * same field errors, word for word, an answer that echoes the input columns the same cells, and row mode the same
 * places; and the lexer alone gives commons-csv's records and line numbers, or refuses where it throws, on thousands
 * of random files of quotes, separators, spaces and line ends.
 */
class CsvLexerTest {

    private static final Path CORPUS =
            Path.of("src/test/resources/org/tabserve/web/api/RequestParsersFuzzTestInputs/csvUpload");
    private static final Path PENGUINS = Path.of("src/test/resources/org/tabserve/fixtures/penguins");

    /** The ways an upload is read. */
    private enum Way {
        /** commons-csv, with the rows' records: the reference. */
        COMMONS,
        /** commons-csv in row mode, with the rows' records: the reference for {@link #ROW_RECORDS}. */
        COMMONS_ROW,
        /** Row mode, echoing: every bad row's cells in its place. */
        ROW_RECORDS,
        /** The checking pass of an answer scored from the rows kept: no records. */
        PLAIN_KEPT,
        /** The second pass of an answer that echoes the input columns: records from the split lines. */
        PLAIN_RECORDS
    }

    /**
     * What one path made of an upload: its refusal, or its chunks, rendered for a readable comparison.
     *
     * @param records whether the chunks' records are rendered too
     */
    private static String outcome(ModelSignature signature, byte[] csv, Way way, boolean records) throws IOException {
        RowsReader parser = way == Way.COMMONS || way == Way.COMMONS_ROW
                ? new CommonsCsvRows(signature, 50_000, false)
                : new CsvRowsParser(signature, 50_000);
        if (way == Way.COMMONS_ROW || way == Way.ROW_RECORDS) {
            parser.onError(OnError.ROW);
        }
        List<RowChunk> chunks = new ArrayList<>();
        try {
            switch (way) {
                case PLAIN_KEPT ->
                    parser.validateAndKeep(
                            new ByteArrayInputStream(csv), Integer.MAX_VALUE, chunks::add, (r, c) -> true);
                default -> parser.forEachChunk(new ByteArrayInputStream(csv), chunks::add);
            }
        } catch (RowsException problem) {
            return "refused " + problem.kind() + ": " + problem.getMessage() + "\n"
                    + String.join(
                            "\n",
                            problem.errors().stream().map(Object::toString).toList());
        }
        StringBuilder out = new StringBuilder("longest record " + parser.longestRecordChars() + "\n");
        for (RowChunk chunk : chunks) {
            out.append("chunk of ").append(chunk.size()).append('\n');
            if (chunk.places() != null) {
                out.append(chunk.places()).append('\n');
            }
            if (chunk.numbers() != null) {
                out.append(Arrays.deepToString(chunk.numbers())).append('\n');
            }
            if (chunk.cells() != null) {
                for (Object[] row : chunk.cells()) {
                    for (Object cell : row) {
                        out.append(cell == null ? "null" : cell.getClass().getSimpleName() + ":" + cell)
                                .append(' ');
                    }
                    out.append('\n');
                }
            }
            Batch batch = chunk.batch();
            for (int i = 0; i < batch.signature().inputs().size(); i++) {
                out.append(Arrays.deepToString(new Object[] {batch.data(i)})).append('\n');
            }
            for (int r = 0; r < chunk.size(); r++) {
                out.append(batch.warnings(r)).append('\n');
            }
            if (records) {
                for (List<String> record : chunk.records()) {
                    out.append(record.size()).append(" cells: ");
                    for (String cell : record) {
                        out.append('[').append(cell).append(']');
                    }
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    private static void assertSame(ModelSignature signature, byte[] csv) throws IOException {
        java.util.function.Supplier<String> input =
                () -> "for the input " + Arrays.toString(new String(csv, StandardCharsets.UTF_8).toCharArray());
        assertEquals(
                outcome(signature, csv, Way.COMMONS, false), outcome(signature, csv, Way.PLAIN_KEPT, false), input);
        assertEquals(
                outcome(signature, csv, Way.COMMONS, true), outcome(signature, csv, Way.PLAIN_RECORDS, true), input);
        assertEquals(
                outcome(signature, csv, Way.COMMONS_ROW, true), outcome(signature, csv, Way.ROW_RECORDS, true), input);
    }

    private static final List<ModelSignature> SIGNATURES =
            List.of(RowsFixtures.SIGNATURE, RowsFixtures.TYPED_CELLS, RowsFixtures.TYPED);

    @Test
    void readsWhiteSpaceAsTheJdkDoesForEveryCharacter() {
        for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
            assertEquals(
                    Character.isWhitespace((char) c), CsvLexer.isWhitespace((char) c), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void theFuzzCorpusGivesTheSameRowsAndErrorsOnBothPaths() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(CORPUS)) {
            files = list.sorted().toList();
        }
        assertTrue(files.size() > 10, "the corpus is there");
        for (Path file : files) {
            byte[] csv = Files.readAllBytes(file);
            for (ModelSignature signature : SIGNATURES) {
                assertSame(signature, csv);
            }
        }
    }

    private static final String BANKNOTE = "variance,skewness,curtosis,entropy\n";

    @Test
    void writtenCasesGiveTheSameRowsAndErrorsOnBothPaths() throws IOException {
        List<String> cases = List.of(
                BANKNOTE + "3.6216,8.6661,-2.8073,-0.44699\n",
                BANKNOTE + "3.6216,8.6661,-2.8073,-0.44699", // no trailing newline
                BANKNOTE.replace("\n", "\r\n") + "1,2,3,4\r\n5,6,7,8\r\n", // CRLF
                BANKNOTE + "1,2,3,4\r5,6,7,8\r", // CR alone
                "\uFEFF" + BANKNOTE + "1,2,3,4\n", // BOM
                BANKNOTE + "1,,3,4\n", // empty cell
                BANKNOTE + " 1 , 2\t,\t3,4 \n", // spaces
                BANKNOTE + "1,2,3,4\n\n5,6,7,8\n\n", // empty lines
                BANKNOTE + "1,2,3,4\n   \n5,6,7,8\n", // a blank line
                BANKNOTE + "1,2,3\n1,2,3,4,5\n1,2,3,4\n", // too few, too many
                BANKNOTE + "NaN,Infinity,-Infinity,nan\n",
                BANKNOTE + "1e3,1E-3,-2.5e+2,.5e1\n", // exponents
                BANKNOTE + "1e39,-1e39,1e400,4e-50\n", // beyond float, beyond double
                BANKNOTE + "123456789012345,1234567890123456,0.000000000000001,999999999999999999999\n",
                BANKNOTE + "+1,-0,+.5,5.\n",
                BANKNOTE + ".,-,+,e1\n",
                BANKNOTE + "0x10,1_000,1.2.3,١٢\n", // hex, underscores, Arabic digits
                BANKNOTE + "\"1\",2,3,4\n5,6,7,8\n", // quotes from the first row
                BANKNOTE + "1,2,3,4\n\"5\",6,\"7\",8\n9,10,11,12\n", // quotes later
                BANKNOTE + "1,2,3,4\n\"5\n6\",6,7,8\n", // a quoted line break
                BANKNOTE + "1,2,3,4\n\"5,6,7,8\n", // an unclosed quote
                BANKNOTE + "1,2,3,4\n\"5\"x,6,7,8\n", // text after a quote
                BANKNOTE + "1,2,3,4\n1,2,3,4\r\n1,2,3,4\n", // mixed line ends
                "entropy,curtosis,extra,skewness,variance\n1,2,x,3,4\n", // another order, an extra column
                "variance;skewness;curtosis;entropy\n1,5;2;3,25;-4\n1.234;1.5;2,5.1;3\n", // decimal commas
                "variance\tskewness\tcurtosis\tentropy\n1\t2\t3\t4\n \t\t\t\n", // tabs
                BANKNOTE, // no rows
                "",
                "\n\n" + BANKNOTE + "1,2,3,4\n", // blank lines before the header
                "\"variance\",skewness,curtosis,entropy\n1,2,3,4\n", // a quoted header
                BANKNOTE + "1,2,3,4\n".repeat(RowsReader.CHUNK_ROWS + 3) + "x,2,3,4\n",
                BANKNOTE + "1,2,3,4\n".repeat(RowsReader.CHUNK_ROWS + 3) + "\"5\",6,7,8\n1,2,3,4\n",
                BANKNOTE + "1,2," + "3".repeat(60_000) + ",\"" + "4".repeat(60_000)
                        + "\"\n1,2,3,4\n", // past the first buffer
                // the typed signatures' columns
                "island,sex,count,mass,adult\nBiscoe,MALE,3,4.5,true\nDream, FEMALE ,,,false\nMars,X,1.5,NaN,maybe\n",
                "island,sex,count,mass,adult\r\nBiscoe,MALE,99999999999999999999,1e3,TRUE\r\n\"Dre,am\",MALE,1,2,no\r\n");
        for (String text : cases) {
            byte[] csv = text.getBytes(StandardCharsets.UTF_8);
            for (ModelSignature signature : SIGNATURES) {
                assertSame(signature, csv);
            }
        }
    }

    @Test
    void thePenguinsFixturesGiveTheSameRowsOnBothPaths() throws IOException {
        for (String name : List.of("species-zipmap", "body-mass-regressor", "int64-column")) {
            ModelSignature signature;
            try (Model model = OnnxModelLoader.load(PENGUINS.resolve(name + ".onnx"))) {
                signature = model.signature();
            }
            String text = Files.readString(PENGUINS.resolve(name + ".inputs.csv"));
            for (String variant : List.of(
                    text,
                    text.replace("\n", "\r\n"),
                    text.replace(",", " , "),
                    text.replace("Torgersen", "Atlantis"),
                    text.replaceFirst("\n([^,\n]*),", "\n$1,,"),
                    text.replace("MALE", ""),
                    text.replaceFirst("\n", "\n\"Dream\",1,2,3,4,MALE\n"))) {
                assertSame(signature, variant.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void randomLinesOfTrickyCellsGiveTheSameRowsAndErrorsOnBothPaths() throws IOException {
        String[] cells = {
            "1",
            "-2.5",
            " 3 ",
            "",
            "1e5",
            "NaN",
            "Infinity",
            "\"4\"",
            "1,5",
            "abc",
            "Biscoe",
            "MALE",
            "99999999999999999999",
            "0.0000000000000001",
            "\t",
            "1.234",
            "+.5",
            "5.",
            "-0",
            "true",
            " ",
            "4e38"
        };
        String[] separators = {",", ",", ",", ";", "\t"};
        String[] lineEnds = {"\n", "\n", "\r\n", "\r", ""};
        Random random = new Random(16);
        for (int n = 0; n < 500; n++) {
            String separator = separators[random.nextInt(separators.length)];
            ModelSignature signature = SIGNATURES.get(random.nextInt(SIGNATURES.size()));
            StringBuilder text = new StringBuilder(String.join(separator, signature.featureNames())).append('\n');
            int lines = random.nextInt(6);
            for (int l = 0; l < lines; l++) {
                int width = signature.featureCount() + (random.nextInt(8) == 0 ? random.nextInt(3) - 1 : 0);
                for (int c = 0; c < width; c++) {
                    text.append(c == 0 ? "" : separator).append(cells[random.nextInt(cells.length)]);
                }
                text.append(lineEnds[random.nextInt(lineEnds.length)]);
            }
            assertSame(signature, text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void recordsAreSplitInPlaceWithTheirQuotesTakenOutAndTheLineTheyEndOn() throws IOException {
        CsvLexer lexer = new CsvLexer(
                new java.io.StringReader("a,b\n 1.5 ,-2\r\n3\t,4e1\n\n5, \"6\"\"x\"\"\" \n\"7\n\",8"), RowMemory.NONE);
        assertEquals(CsvSeparator.COMMA, lexer.separator());
        assertTrue(lexer.next());
        assertEquals(List.of("a", "b"), lexer.texts());
        assertTrue(lexer.next());
        assertEquals(2, lexer.cells());
        assertEquals("1.5", lexer.text(0));
        assertEquals(1.5, lexer.plainNumber(0));
        assertEquals(-2.0, lexer.plainNumber(1));
        assertEquals(2, lexer.line());
        assertTrue(lexer.next());
        assertEquals("3", lexer.text(0));
        assertTrue(Double.isNaN(lexer.plainNumber(1)), "an exponent is for NumberText");
        assertTrue(lexer.next(), "after an empty line");
        assertEquals(List.of("5", "6\"x\""), lexer.texts());
        assertEquals(5, lexer.line());
        assertTrue(lexer.next());
        assertEquals(List.of("7\n", "8"), lexer.texts());
        assertEquals(7, lexer.line(), "the line it ends on");
        assertFalse(lexer.next());
    }

    /** Characters that make CSV hard, each many times as likely as a letter. */
    private static final String TRICKY = ",;\t\"\"\" \n\r\r\n\u00a0\u2028ab1";

    /**
     * The lexer alone against commons-csv with the reader's format (delimiter, quote, surrounding spaces ignored,
     * empty lines skipped), on 12,000 random files of {@link #TRICKY} characters: the same records, each ending on the
     * same line, or both refuse, in the same words when commons-csv's are the two the reader told.
     */
    @Test
    void randomFilesSplitAsCommonsCsvSplitsThemOrAreRefusedWhereItThrows() throws IOException {
        Random random = new Random(93);
        int refused = 0;
        int quoted = 0;
        for (int n = 0; n < 12_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(n % 10 == 0 ? 400 : 30);
            for (int i = 0; i < length; i++) {
                text.append(TRICKY.charAt(random.nextInt(TRICKY.length())));
            }
            String input = text.toString();
            String expected = commonsRecords(input);
            String actual = lexerRecords(input);
            assertEquals(expected, actual, () -> "for the input " + Arrays.toString(input.toCharArray()));
            refused += expected.startsWith("refused") ? 1 : 0;
            quoted += input.indexOf('"') >= 0 && !expected.startsWith("refused") ? 1 : 0;
        }
        assertTrue(refused > 500 && quoted > 500, "both kinds were tried: " + refused + " refused, " + quoted);
    }

    private static String commonsRecords(String input) {
        CsvSeparator separator = CommonsCsvRows.separatorOf(input);
        StringBuilder out = new StringBuilder(separator + "\n");
        try (CSVParser parser = CSVParser.parse(input, CommonsCsvRows.format(separator.character))) {
            for (CSVRecord record : parser) {
                out.append(parser.getCurrentLineNumber())
                        .append(' ')
                        .append(record.toList())
                        .append('\n');
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            String problem =
                    CommonsCsvRows.syntaxProblem(e instanceof java.io.UncheckedIOException u ? u.getCause() : e);
            return "refused: " + problem;
        }
        return out.toString();
    }

    private static String lexerRecords(String input) throws IOException {
        CsvLexer lexer = new CsvLexer(new java.io.StringReader(input), RowMemory.NONE);
        StringBuilder out = new StringBuilder(lexer.separator() + "\n");
        try {
            while (lexer.next()) {
                out.append(lexer.line()).append(' ').append(lexer.texts()).append('\n');
            }
        } catch (RowsException e) {
            return "refused: " + e.getMessage().replaceFirst("^malformed CSV( header)?: ", "");
        }
        return out.toString();
    }
}
