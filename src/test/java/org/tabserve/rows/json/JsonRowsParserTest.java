package org.tabserve.rows.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.rows.field.OnError;
import org.tabserve.rows.field.RowsException;

/**
 * {@link JsonRowsParser} on a model of typed columns ({@link RowsFixtures#TYPED}: text with categories, a
 * float that may be missing, an int64, text whose unknown values are refused, a boolean) and on the bundled
 * numbers-only model: values keep their JSON type, every problem is named with its field (and row in a batch).
 */
class JsonRowsParserTest {

    private static final String VALID = "{\"island\": \"Dream\", \"bill_length_mm\": 39.1, \"flipper_length_mm\": 181,"
            + " \"sex\": \"MALE\", \"tagged\": true}";

    private static JsonRowsParser.ParsedRows typed(String body) throws IOException {
        return new JsonRowsParser(RowsFixtures.TYPED, 10).parse(utf8(body));
    }

    private static RowsException refused(String body) {
        return assertThrows(RowsException.class, () -> typed(body));
    }

    private static ByteArrayInputStream utf8(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String with(String field, String json) {
        return VALID.replaceFirst(
                "\"" + field + "\": [^,}]+", java.util.regex.Matcher.quoteReplacement("\"" + field + "\": " + json));
    }

    @Test
    void readsEachValueAsItsJsonTypeInSignatureOrder() throws IOException {
        JsonRowsParser.ParsedRows parsed =
                typed("{\"tagged\": false, \"sex\": \"FEMALE\", \"flipper_length_mm\": 4611686018427387905,"
                        + " \"bill_length_mm\": null, \"island\": \"Biscoe\"}");
        assertFalse(parsed.batch());
        assertArrayEquals(
                new Object[] {"Biscoe", null, 4611686018427387905L, "FEMALE", false},
                parsed.cells().get(0));
        Batch batch = parsed.rows();
        assertEquals(1, batch.size());
        assertTrue(Double.isNaN(batch.number(0, 1)), "a missing float is NaN");
        assertEquals(4611686018427387905L, ((long[]) batch.data(2))[0], "2^62 + 1 exactly, not rounded to a double");
    }

    @Test
    void takesABatchOfObjectsAndArraysInFeatureOrder() throws IOException {
        JsonRowsParser.ParsedRows parsed =
                typed("{\"instances\": [" + VALID + ", [\"Torgersen\", 40, 190.0, \"FEMALE\", false]]}");
        assertTrue(parsed.batch());
        assertEquals(2, parsed.rows().size());
        assertArrayEquals(
                new Object[] {"Torgersen", 40.0, new java.math.BigDecimal("190.0"), "FEMALE", false},
                parsed.cells().get(1));
        assertEquals(190L, ((long[]) parsed.rows().data(2))[1], "190.0 is a whole number");
    }

    @Test
    void warnsAboutAnUnknownCategoryTheModelTakes() throws IOException {
        JsonRowsParser.ParsedRows parsed = typed(with("island", "\"Atlantis\""));
        assertEquals("island", parsed.rows().warnings(0).get(0).feature());
        assertTrue(parsed.rows().warnings(0).get(0).message().contains("Biscoe"), "lists the known values");
    }

    @Test
    void neverTurnsTextIntoANumberNorTheReverseExceptANumberWithOneTextFormForText() throws IOException {
        assertEquals(List.of("bill_length_mm"), fields(refused(with("bill_length_mm", "\"39.1\""))));
        assertEquals(List.of("flipper_length_mm"), fields(refused(with("flipper_length_mm", "\"181\""))));
        assertEquals(List.of("island"), fields(refused(with("island", "3e0"))));
        assertEquals(List.of("island"), fields(refused(with("island", "0.10000000000000000555"))));
        for (String number : List.of("3", "-7", "2.5", "0.1", "3.0")) {
            JsonRowsParser.ParsedRows taken = typed(with("island", number));
            assertEquals(number, taken.cells().get(0)[0], "taken as the text it was written as");
            assertEquals(java.util.Map.of("island", number), taken.numbersAsText());
            assertEquals("island", taken.requestWarnings().get(0).feature());
        }
        assertEquals(List.of("tagged"), fields(refused(with("tagged", "\"true\""))));
        assertEquals(List.of("tagged"), fields(refused(with("tagged", "1"))));
    }

    @Test
    void takesNullOnlyWhereAValueMayBeMissing() throws IOException {
        assertNull(typed(with("bill_length_mm", "null")).cells().get(0)[1]);
        RowsException problem = refused(with("island", "null"));
        assertEquals(List.of("island"), fields(problem));
        assertTrue(problem.getMessage().contains("missing value for 'island'"), problem.getMessage());
    }

    @Test
    void refusesFractionsAndOverflowForAnInteger() {
        assertTrue(refused(with("flipper_length_mm", "181.5")).getMessage().contains("whole number"));
        assertTrue(refused(with("flipper_length_mm", "9223372036854775808"))
                .getMessage()
                .contains("range"));
        assertTrue(refused(with("flipper_length_mm", "1e19")).getMessage().contains("range"));
        assertEquals(
                List.of("flipper_length_mm"),
                fields(refused(with("flipper_length_mm", "1e4034567890"))),
                "an exponent beyond BigDecimal's");
        assertTrue(
                refused(with("flipper_length_mm", "3.0000000000000000001"))
                        .getMessage()
                        .contains("whole number"),
                "a fraction too small for a double is still a fraction");
    }

    @Test
    void refusesAnUnknownCategoryTheModelCannotTakeListingTheKnownOnes() {
        RowsException problem = refused(with("sex", "\"UNKNOWN\""));
        assertEquals(List.of("sex"), fields(problem));
        assertTrue(problem.getMessage().contains("[FEMALE, MALE]"), problem.getMessage());
    }

    @Test
    void refusesLongTextNulAndInvalidUtf8NamingTheFieldAndTheBadBytesOffset() throws IOException {
        assertTrue(refused(with("island", "\"" + "x".repeat(Feature.MAX_TEXT_LENGTH + 1) + "\""))
                .getMessage()
                .contains("at most " + Feature.MAX_TEXT_LENGTH));
        RowsException huge = refused(with("island", "\"" + "x".repeat(102_400) + "\""));
        assertEquals(List.of("island"), fields(huge), "text beyond the JSON reader's limit");
        assertEquals(List.of("island"), fields(refused(with("island", "\"Dr\\u0000eam\""))));
        assertEquals(List.of("island"), fields(refused(with("island", "\"Dr\u0001eam\""))), "a raw control character");
        byte[] invalid = with("island", "\"DrXXeam\"").getBytes(StandardCharsets.UTF_8);
        int at = new String(invalid, StandardCharsets.UTF_8).indexOf("XX");
        invalid[at] = (byte) 0xC3;
        invalid[at + 1] = (byte) 0x28;
        RowsException problem = assertThrows(
                RowsException.class,
                () -> new JsonRowsParser(RowsFixtures.TYPED, 10).parse(new ByteArrayInputStream(invalid)));
        assertEquals(RowsException.Kind.INVALID_FIELDS, problem.kind());
        assertEquals(List.of("island"), fields(problem));
        assertTrue(
                problem.errors()
                        .get(0)
                        .message()
                        .contains("invalid UTF-8 at byte offset " + at + " (counted from 0): "
                                + "0xC3 starts a sequence of 2 bytes, but byte " + (at + 1)
                                + " (0x28) is not a continuation byte"),
                problem.errors().get(0).message());
    }

    @Test
    void listsEveryProblemOfEveryRowAtOnceWithItsRow() {
        RowsException problem = refused("{\"instances\": [" + VALID + ", " + with("tagged", "\"no\"")
                + ", {\"island\": \"Dream\", \"colour\": 1}, [\"Dream\", 1, 2, \"MALE\"], " + with("island", "{}")
                + "]}");
        List<String> found = problem.errors().stream()
                .map(e -> e.row() + ":" + e.field())
                .sorted()
                .toList();
        assertEquals(
                List.of(
                        "1:tagged",
                        "2:bill_length_mm",
                        "2:flipper_length_mm",
                        "2:sex",
                        "2:tagged",
                        "3:tagged",
                        "4:island"),
                found,
                "colour, which the model does not take, is ignored");
    }

    @Test
    void keepsTheBundledModelsNumbersAndWording() throws IOException {
        JsonRowsParser parser = new JsonRowsParser(RowsFixtures.SIGNATURE, 10);
        JsonRowsParser.ParsedRows parsed = parser.parse(
                utf8(
                        "{\"instances\": [{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}, [1, 2, 3, 4]]}"));
        assertNull(parsed.cells(), "a numbers-only model's rows are plain doubles, not boxed cells");
        assertArrayEquals(new double[] {3.6, 8.6, -2.8, -0.44}, parsed.numbers()[0]); // the data's order
        assertArrayEquals(new double[] {1.0, 2.0, 3.0, 4.0}, parsed.numbers()[1]);
        RowsException problem = assertThrows(
                RowsException.class,
                () -> parser.parse(
                        utf8("{\"variance\": \"3.6\", \"skewness\": null, \"curtosis\": true, \"entropy\": 1e300}")));
        assertEquals(
                List.of(
                        "'variance' must be a number, got a string",
                        "missing value for 'skewness'",
                        "'curtosis' must be a number, got a boolean"),
                problem.errors().stream().limit(3).map(FieldProblem::message).toList());
        assertEquals("entropy", problem.errors().get(3).field());
    }

    @Test
    void readsNamedRowsInAnyOrderAndStillRefusesADuplicateName() throws IOException {
        // Rows in the model's order are matched on their raw bytes; any other order takes the lookup by name.
        JsonRowsParser parser = new JsonRowsParser(RowsFixtures.SIGNATURE, 10);
        JsonRowsParser.ParsedRows parsed = parser.parse(utf8("{\"instances\": ["
                + "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4},"
                + "{\"entropy\": 4, \"curtosis\": 3, \"skewness\": 2, \"variance\": 1},"
                + "{\"skewness\": 2, \"curtosis\": 3, \"variance\": 1, \"entropy\": 4},"
                + "{\"vari\\u0061nce\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}]}"));
        for (double[] row : parsed.numbers()) {
            assertArrayEquals(new double[] {1, 2, 3, 4}, row);
        }
        JsonRowsParser.ParsedRows extra = parser.parse(utf8("{\"instances\": [{\"variance\": 1,"
                + " \"colour\": 0, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}, {\"colour\": 1, \"variance\": 1,"
                + " \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4, \"size\": 9}]}"));
        assertArrayEquals(new double[] {1, 2, 3, 4}, extra.numbers()[1], "a field the model does not take is skipped");
        assertEquals(List.of("colour", "size"), extra.ignored(), "each ignored field once, in the order first met");
        for (String twice : List.of(
                "{\"variance\": 1, \"skewness\": 2, \"variance\": 3, \"curtosis\": 3, \"entropy\": 4}",
                "{\"variance\": 1, \"variance\": 2, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4}",
                "{\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4, \"entropy\": 4}")) {
            RowsException problem =
                    assertThrows(RowsException.class, () -> parser.parse(utf8("{\"instances\": [" + twice + "]}")));
            assertTrue(problem.getMessage().contains("Duplicate field"), problem.getMessage());
        }
    }

    /**
     * Rows matched on their raw bytes go through another of Jackson's reading methods than rows read name by name:
     * its malformed-JSON answers must stay the same, position included (each detail here is what the parser answered
     * before that matching was added).
     */
    @Test
    void keepsJacksonsWordsForMalformedRowObjects() {
        JsonRowsParser parser = new JsonRowsParser(RowsFixtures.SIGNATURE, 10);
        String four = "\"variance\": 1, \"skewness\": 2, \"curtosis\": 3, \"entropy\": 4";
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(
                "{\"variance\" 1}",
                "column 28: Unexpected character ('1' (code 49)): was expecting a colon to separate "
                        + "field name and value");
        cases.put(
                "{variance: 1}",
                "column 17: Unexpected character ('v' (code 118)): was expecting double-quote to start "
                        + "field name");
        cases.put(
                "{\"variance\": 1,}",
                "column 31: Unexpected character ('}' (code 125)): was expecting double-quote to "
                        + "start field name");
        cases.put(
                "{\"variance\": 1 \"skewness\": 2}",
                "column 31: Unexpected character ('\"' (code 34)): was expecting "
                        + "comma to separate Object entries");
        cases.put("{\"variance\": 1, \"skewness\": 2, \"variance\": 3}", "column 57: Duplicate field 'variance'");
        cases.put(
                "{\"variance\": 1,\n \"skewness\": 2,\n \"skewness\": 3}",
                "line 3, column 12: Duplicate field 'skewness'");
        cases.put("{\"vari\\u0061nce\": 1, \"variance\": 3}", "column 47: Duplicate field 'variance'");
        cases.put("{" + four + ", \"entropy\": 5}", "column 85: Duplicate field 'entropy'");
        cases.put("{" + four + ", \"x\": {\"a\": 1, \"a\": 2}}", "column 93: Duplicate field 'a'");
        cases.put("{\"variance\": 1, \"skewn", "column 38: Unexpected end-of-input in field name");
        for (var c : cases.entrySet()) {
            RowsException problem = assertThrows(
                    RowsException.class,
                    () -> parser.parse(
                            utf8("{\"instances\": [" + c.getKey() + (c.getKey().endsWith("}") ? "]}" : ""))));
            String where = c.getValue().startsWith("line") ? "" : "line 1, ";
            assertEquals("malformed JSON at " + where + c.getValue(), problem.getMessage(), c.getKey());
        }
    }

    private static List<String> fields(RowsException problem) {
        return problem.errors().stream().map(FieldProblem::field).toList();
    }

    /** Python's json.dumps writes pandas' missing values as a bare NaN: a missing value where the model takes one. */
    @Test
    void aBareNaNIsAMissingValueWhereTheFeatureMayBeMissingAndAClearRefusalElsewhere() throws IOException {
        JsonRowsParser.ParsedRows parsed = typed(with("bill_length_mm", "NaN"));
        assertNull(parsed.cells().get(0)[1], "NaN is read as the missing value, as null is");
        assertTrue(Double.isNaN(parsed.rows().number(0, 1)));

        RowsException text = refused(with("sex", "NaN"));
        assertEquals("sex", text.errors().get(0).field());
        assertEquals(
                "missing value for 'sex' (a text value cannot be missing)",
                text.errors().get(0).message(),
                "NaN is refused as any missing value is, in the same words");

        RowsException numbers = assertThrows(
                RowsException.class,
                () -> new JsonRowsParser(RowsFixtures.SIGNATURE, 10)
                        .parse(utf8("{\"instances\": [[1, 2, 3, 4], [NaN, 2, 3, 4]]}")));
        assertEquals(1, numbers.errors().size(), numbers.errors().toString());
        assertEquals(1, numbers.errors().get(0).row());
        assertEquals("missing value for 'variance'", numbers.errors().get(0).message());

        RowsException infinity = refused(with("bill_length_mm", "-Infinity"));
        assertEquals(
                "'bill_length_mm' is -Infinity; a finite number is required",
                infinity.errors().get(0).message(),
                "Infinity is a number out of range, not a missing value");
    }

    /** Jackson's advice to enable one of its settings is the server's business: no Java name reaches the caller. */
    @Test
    void malformedJsonIsToldWithoutJacksonsSettingNames() {
        for (String body : List.of(
                "{\"variance\": +1}",
                "{'variance': 1}",
                "{\"variance\": 01}",
                "{\"variance\": 1,}",
                "{variance: 1}",
                "{\"a\": \"\t\"}",
                "{\"variance\": nan}")) {
            RowsException e = refused(body);
            assertTrue(e.getMessage().startsWith("malformed JSON at line 1"), e.getMessage());
            for (String java : List.of("Feature", "JsonRead", "ALLOW_", "com.fasterxml", "jackson")) {
                assertFalse(e.getMessage().contains(java), () -> body + ": '" + java + "' in " + e.getMessage());
            }
        }
    }

    /** Issue 61: a row whose reader found three bad cells left out its fourth, which only the model's check finds. */
    @Test
    void everyBadCellOfARowIsNamedOnceBesideThreeTheReaderFound() throws IOException {
        String bad = "{\"island\": [1], \"bill_length_mm\": {}, \"flipper_length_mm\": [2], \"sex\": \"MALE\","
                + " \"tagged\": 3}";
        RowsException refused = refused(bad);
        assertEquals(
                List.of("island", "bill_length_mm", "flipper_length_mm", "tagged"),
                fields(refused),
                refused.errors().toString());
        assertTrue(
                refused.errors().get(3).message().contains("'tagged' must be a boolean"),
                refused.errors().toString());
        JsonRowsParser.ParsedRows inPlace = new JsonRowsParser(RowsFixtures.TYPED, 10)
                .parse(utf8("{\"instances\": [" + bad + ", " + VALID + ", 5]}"), OnError.ROW);
        // Row by row: each row's problems, the reader's then the model's, and nothing said of row 2 but its shape.
        for (int row : new int[] {0, 2}) {
            assertEquals(
                    row == 0
                            ? List.of("island", "bill_length_mm", "flipper_length_mm", "tagged")
                            : List.of("instances"),
                    inPlace.problems().stream()
                            .filter(p -> p.row() == row)
                            .map(FieldProblem::field)
                            .toList(),
                    inPlace.problems().toString());
        }
        assertArrayEquals(new int[] {1}, inPlace.sentRows());
    }
}
