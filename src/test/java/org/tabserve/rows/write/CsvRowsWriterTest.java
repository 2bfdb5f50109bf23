package org.tabserve.rows.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;
import org.junit.jupiter.api.Test;

/**
 * {@link CsvRowsWriter} writes every cell as commons-csv's printer does (a formula's text escaped), whether the cell
 * is one it writes bare ({@link CsvRowsWriter#isBare}) or one it hands to commons-csv: each row is held to the same
 * row printed by commons-csv alone, cell by cell, on written cases and 2,000 random rows of tricky characters.
 */
class CsvRowsWriterTest {

    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
    private static final CSVFormat QUOTED =
            FORMAT.builder().setQuoteMode(QuoteMode.ALL).get();

    /** The row as commons-csv alone prints it, with the writer's formula escape. */
    private static String reference(List<String> input, List<?> answer) throws IOException {
        StringWriter out = new StringWriter();
        List<Object> cells = new ArrayList<>(input);
        cells.addAll(answer);
        for (int i = 0; i < cells.size(); i++) {
            Object value = cells.get(i);
            if (value instanceof String text && CsvRowsWriter.isFormula(text)) {
                QUOTED.print("'" + text, out, i == 0);
            } else {
                FORMAT.print(value, out, i == 0);
            }
        }
        FORMAT.println(out);
        return out.toString();
    }

    private static String written(List<String> input, List<?> answer) throws IOException {
        StringWriter out = new StringWriter();
        new CsvRowsWriter(out).row(input, answer);
        return out.toString();
    }

    private static void assertSame(List<String> input, List<?> answer) throws IOException {
        assertEquals(reference(input, answer), written(input, answer), () -> input + " " + answer);
    }

    @Test
    void writtenCellsAreWrittenAsCommonsCsvPrintsThem() throws IOException {
        List<String> texts = List.of(
                "3.6216",
                "-2.8073",
                "+1",
                "1e5",
                "-1E-5",
                "",
                " ",
                " 1",
                "1 ",
                "a,b",
                "a\"b",
                "a\nb",
                "a\rb",
                "#1",
                "!x",
                "\"",
                "=1+2",
                "=HYPERLINK(\"x\")",
                "-A1",
                "+A1",
                "@SUM",
                "-",
                "+",
                ".",
                "-1,5",
                "\t1",
                "\u00e9t\u00e9",
                "Infinity",
                "-Infinity",
                "NaN",
                "label_0",
                "x_y",
                "1;2");
        for (String text : texts) {
            assertSame(List.of(text), List.of());
            assertSame(List.of("1", text), List.of(text));
            assertSame(List.of(), List.of(text, "x"));
        }
        List<Double> numbers = List.of(
                0.0,
                -0.0,
                1.0,
                0.123456789012345678,
                1.0e-5,
                9.99e-8,
                1.0e21,
                Double.MIN_VALUE,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY);
        for (Double number : numbers) {
            assertSame(List.of("1"), Arrays.asList("0", number, number));
            assertSame(List.of(), Arrays.asList(number, "0"));
        }
        assertSame(List.of("1"), Arrays.asList("", null, Boolean.TRUE, 3, 2.5f));
    }

    @Test
    void randomCellsAreWrittenAsCommonsCsvPrintsThem() throws IOException {
        String alphabet = "09aZ.-+_ ,\"\n\r\t#!=@;é'E";
        Random random = new Random(68);
        for (int n = 0; n < 2_000; n++) {
            List<String> input = new ArrayList<>();
            List<Object> answer = new ArrayList<>();
            int cells = 1 + random.nextInt(5);
            for (int c = 0; c < cells; c++) {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(6);
                for (int i = 0; i < length; i++) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                input.add(text.toString());
                answer.add(
                        random.nextBoolean()
                                ? text.toString()
                                : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20));
            }
            assertSame(input, answer);
        }
    }
}
