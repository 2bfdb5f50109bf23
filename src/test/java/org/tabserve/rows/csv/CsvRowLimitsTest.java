package org.tabserve.rows.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.rows.field.RowsException;
import org.tabserve.rows.read.RowMemory;

/**
 * Issue 21, case 1: a 4 MB upload of one row of two million cells, one endless cell, an unclosed quote or a quoted
 * cell of newlines ended the server with an OutOfMemoryError, because commons-csv holds a whole record (and a whole
 * cell) before it hands it on. Every reading pass (the validating one, which splits plain lines itself, and the one
 * with records, which commons-csv reads whole) now refuses such a row with a 413 naming the limit and the row, having
 * read little more than the limit of the file.
 */
class CsvRowLimitsTest {

    private static final ModelSignature SIGNATURE = ModelSignature.floatClassifier(
            "input",
            List.of("variance", "skewness", "curtosis", "entropy"),
            List.of("0", "1"),
            OutputKind.PROBABILITIES);
    private static final String HEADER = "variance,skewness,curtosis,entropy\n";
    /** What a refusal may have read: the limit and the readers' buffers (the tokenizer's 64 Ki chars, and more). */
    private static final long READ_AT_MOST = CsvLimits.MAX_ROW_CHARS + (1 << 18);

    /** The pass that splits plain lines, and the pass that echoes records, read by commons-csv. */
    private interface Pass {
        void read(CsvRowsParser parser, InputStream in) throws IOException;
    }

    private static final List<Pass> PASSES =
            List.of(CsvRowsParser::validate, (parser, in) -> parser.forEachChunk(in, chunk -> {}));

    /** {@code head}, then {@code repeated} until the stream holds {@code bytes}, then {@code tail}; counts what is read. */
    private static final class Generated extends InputStream {
        private final byte[] head;
        private final byte[] repeated;
        private final byte[] tail;
        private final long bodyBytes;
        long read;

        Generated(String head, String repeated, long bytes, String tail) {
            this.head = head.getBytes(StandardCharsets.UTF_8);
            this.repeated = repeated.getBytes(StandardCharsets.UTF_8);
            this.tail = tail.getBytes(StandardCharsets.UTF_8);
            this.bodyBytes = bytes - this.head.length - this.tail.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            int n = 0;
            while (n < length) {
                long at = read;
                byte b;
                if (at < head.length) {
                    b = head[(int) at];
                } else if (at - head.length < bodyBytes) {
                    b = repeated[(int) ((at - head.length) % repeated.length)];
                } else if (at - head.length - bodyBytes < tail.length) {
                    b = tail[(int) (at - head.length - bodyBytes)];
                } else {
                    break;
                }
                into[offset + n++] = b;
                read++;
            }
            return n == 0 && length > 0 ? -1 : n;
        }
    }

    /** Reads the file in each pass; @return the problems, after checking each read little of the file. */
    private static List<RowsException> refusals(java.util.function.Supplier<Generated> file) {
        List<RowsException> problems = new ArrayList<>();
        for (Pass pass : PASSES) {
            Generated in = file.get();
            RowsException problem =
                    assertThrows(RowsException.class, () -> pass.read(new CsvRowsParser(SIGNATURE, 1_000_000), in));
            assertTrue(
                    in.read <= READ_AT_MOST,
                    "read " + in.read + " bytes of the file before refusing it: " + problem.getMessage());
            problems.add(problem);
        }
        return problems;
    }

    private static void assertRefused(java.util.function.Supplier<Generated> file, String... said) {
        for (RowsException problem : refusals(file)) {
            assertEquals(RowsException.Kind.TOO_LARGE, problem.kind(), problem.getMessage());
            for (String words : said) {
                assertTrue(problem.getMessage().contains(words), "'" + words + "' in: " + problem.getMessage());
            }
        }
    }

    @Test
    void aRowOfTwoMillionCellsIsRefusedNamingTheCellLimitAndTheRow() {
        assertRefused(
                () -> new Generated(HEADER + "1,2,3,4", ",x", 4_000_000, "\n"),
                "row 0 (line 2)",
                "more than " + CsvLimits.MAX_CELLS + " cells");
    }

    @Test
    void anEndlessCellIsRefusedNamingTheCellLimit() {
        assertRefused(
                () -> new Generated(HEADER + "5,6,7,1\n1,2,3,", "x", 8_000_000, "\n"),
                "row 1 (line 3)",
                "longer than " + CsvLimits.MAX_CELL_CHARS + " characters");
    }

    @Test
    void anUnclosedQuoteIsRefusedSayingWhereTheQuotedCellStarts() {
        assertRefused(
                () -> new Generated(HEADER + "1,2,3,\"", "x", 8_000_000, ""),
                "row 0 (line 2)",
                "longer than " + CsvLimits.MAX_CELL_CHARS + " characters",
                "closing quote");
    }

    @Test
    void aQuotedCellOfNewlinesIsRefusedLikeAnyLongCell() {
        assertRefused(
                () -> new Generated(HEADER + "1,2,3,\"", "\n", 8_000_000, "\"\n"),
                "row 0 (line 2)",
                "longer than " + CsvLimits.MAX_CELL_CHARS + " characters");
    }

    @Test
    void aRowOfManyCellsEachWithinTheLimitsIsRefusedPastTheRowLimit() {
        String cell = ",\"" + "y".repeat(500) + "\"";
        assertRefused(
                () -> new Generated(HEADER + "1,2,3,4\r\n1,2,3,4", cell, 4_000_000, "\n"),
                "row 1 (line 3)",
                "longer than " + CsvLimits.MAX_ROW_CHARS + " characters");
    }

    @Test
    void aHeaderOfTooManyColumnsIsRefusedAsTheHeader() {
        assertRefused(
                () -> new Generated("variance,skewness,curtosis,entropy", ",c", 500_000, "\n1,2,3,4\n"),
                "header",
                "more than " + CsvLimits.MAX_CELLS + " cells");
    }

    /**
     * The limits count cells as commons-csv splits them: a quote inside an unquoted cell (an inch mark) opens no
     * quoted cell, a doubled quote inside a quoted one closes none, and a separator or line end inside quotes ends no
     * cell; so a long file with these is read whole.
     */
    @Test
    void quotesAsCommonsCsvReadsThemDoNotMakeALongFileOneRow() throws IOException {
        StringBuilder text = new StringBuilder("variance,skewness,curtosis,entropy,note\n");
        text.append("1,2,3,4,5'11\"\n");
        text.append("1,2,3,4,\"a \"\"quoted\"\" word, and\na line end\"\n");
        text.append("1,2,3,4, \"spaces before the quote\" \n");
        String row = "1,2,3,4," + "z".repeat(1000) + "\r\n";
        int rows = 3 * CsvLimits.MAX_ROW_CHARS / row.length();
        text.append(row.repeat(rows));
        text.append("1,2,3,4,")
                .append(",".repeat(0))
                .append("\"")
                .append("w".repeat(CsvLimits.MAX_CELL_CHARS - 2))
                .append("\"\n");
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        for (Pass pass : PASSES) {
            long[] count = {0};
            CsvRowsParser parser = new CsvRowsParser(SIGNATURE, 1_000_000);
            if (pass == PASSES.get(0)) {
                parser.validate(new java.io.ByteArrayInputStream(bytes));
            } else {
                parser.forEachChunk(new java.io.ByteArrayInputStream(bytes), chunk -> count[0] += chunk.size());
                assertEquals(rows + 4, count[0]);
            }
        }
    }

    /**
     * The limits split rows as commons-csv does: after random files of quoted and plain cells (quotes doubled,
     * separators and line ends inside quotes, an inch mark in a plain cell, spaces around quotes, blank lines, LF, CRLF
     * and CR), the row past the cell limit is named with commons-csv's row and line numbers.
     */
    @Test
    void rowsAndLinesAreCountedAsCommonsCsvCountsThem() throws IOException {
        java.util.Random random = new java.util.Random(21);
        String[] cells = {
            "a",
            "12.5",
            "",
            " b ",
            "5'11\"",
            "\"q\"",
            "\"x,y\"",
            "\"two\nlines\"",
            "\"say \"\"hi\"\"\"",
            " \"spaced\" ",
            "\"\r\n\"",
            "\"\""
        };
        String[] lineEnds = {"\n", "\r\n", "\r"};
        for (int file = 0; file < 2000; file++) {
            StringBuilder text = new StringBuilder();
            int rows = 1 + random.nextInt(6);
            for (int r = 0; r < rows; r++) {
                if (random.nextInt(5) == 0) {
                    text.append(lineEnds[random.nextInt(lineEnds.length)]); // a blank line
                }
                int width = 1 + random.nextInt(4);
                StringBuilder row = new StringBuilder();
                for (int c = 0; c < width; c++) {
                    row.append(c == 0 ? "" : ",").append(cells[random.nextInt(cells.length)]);
                }
                text.append(row.isEmpty() ? "z" : row); // an empty row would be a blank line
                text.append(lineEnds[random.nextInt(lineEnds.length)]);
            }
            String prefix = text.toString();
            long records;
            long lines;
            try (var parser = org.apache.commons.csv.CSVParser.parse(prefix, CommonsCsvRows.format(','))) {
                records = parser.getRecords().size();
                lines = parser.getCurrentLineNumber();
            }
            String wide = "1" + ",x".repeat(CsvLimits.MAX_CELLS) + "\n";
            CsvLexer lexer = new CsvLexer(new java.io.StringReader(prefix + wide), RowMemory.NONE);
            RowsException problem = assertThrows(RowsException.class, () -> {
                lexer.separator();
                while (lexer.next()) {
                    continue;
                }
            });
            String expected = records == 0
                    ? "header row (line " + (lines + 1) + ")"
                    : "row " + (records - 1) + " (line " + (lines + 1) + ")"; // data rows from 0, after the header
            assertTrue(
                    problem.getMessage().contains(expected),
                    "'" + expected + "' for " + prefix.replace("\r", "\\r").replace("\n", "\\n") + ": "
                            + problem.getMessage());
        }
    }

    /**
     * Issue 21, case 1, rows within the limits: the heap a parse holds for a long row (several MB for a row near the
     * limit) was outside the memory budget, and 32 such uploads at once filled the heap. Each pass now reserves it
     * as the longest row so far passes what is reserved, in doubling steps; short rows reserve nothing.
     */
    @Test
    void longRowsReserveTheirHeapInDoublingStepsAndShortRowsNothing() throws IOException {
        int bytesPerChar = RowMemory.BYTES_PER_CHAR;
        int free = RowMemory.FREE_CHARS;
        String shortRows = HEADER + "1,2,3,4\n".repeat(10_000); // far more than the free length in all, none alone
        String row = "1,2,3," + "x".repeat(60_000) + ",".repeat(3) + "x".repeat(60_000) + "\n"; // 4 * free > 120,009
        String longRows = HEADER.replace("\n", ",a,b,c,d\n") + "1,2,3,4,,,,\n" + row.replace("1,2,3,", "1,2,3,4,")
                + "1,2,3,4,,,,\n" + row.replace("1,2,3,", "1,2,3,4,");
        String names = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> i + "h".repeat(3 * free / 4))
                .collect(java.util.stream.Collectors.joining(","));
        String longHeader = "variance,skewness,curtosis,entropy," + names + "\n1,2,3,4,5,6,7,8\n";
        for (Pass pass : PASSES) {
            assertEquals(List.of(), grown(pass, shortRows), "a file of short rows reserves nothing");
            // 120,013 characters: past the free 64 Ki, within 128 Ki; the second such row takes nothing more.
            assertEquals(List.of(2L * free * bytesPerChar), grown(pass, longRows));
            // 3 * 64 Ki + 42: 128 Ki, then 256 Ki, reserved while the header's separator is found; read again, the
            // header takes nothing more.
            assertEquals(List.of(2L * free * bytesPerChar, 2L * free * bytesPerChar), grown(pass, longHeader));
        }
        // One parser's second pass over the same rows (an upload is validated, then scored) reserves nothing more:
        // the request holds what the first pass took until it ends.
        List<Long> grown = new ArrayList<>();
        CsvRowsParser parser = new CsvRowsParser(SIGNATURE, Long.MAX_VALUE).reservingRowMemory(grown::add);
        for (Pass pass : PASSES) {
            pass.read(parser, new java.io.ByteArrayInputStream(longRows.getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals(List.of(2L * free * bytesPerChar), grown, "a second pass takes what the first took again");
    }

    /** What a pass over {@code csv} asked the budget for, in order. */
    private static List<Long> grown(Pass pass, String csv) throws IOException {
        List<Long> grown = new ArrayList<>();
        pass.read(
                new CsvRowsParser(SIGNATURE, Long.MAX_VALUE).reservingRowMemory(grown::add),
                new java.io.ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        return grown;
    }
}
