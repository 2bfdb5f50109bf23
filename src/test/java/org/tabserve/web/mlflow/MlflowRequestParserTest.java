package org.tabserve.web.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.testing.BatchRows;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Problems;

/**
 * MLflow's scoring bodies: every layout MLflow defines gives the same rows in the model's column order, and every
 * way of getting one wrong is a 400 (or 413) that names what is wrong.
 */
class MlflowRequestParserTest {

    /** Graph order b, a: a layout that read columns by position instead of name would swap them. */
    private static final ModelSignature SIGNATURE =
            ModelSignature.floatClassifier("input", List.of("b", "a"), List.of("0", "1"), OutputKind.PROBABILITIES);

    private static final double[][] ROWS = {{2.0, 1.0}, {-4.5, 3.25}};
    private static final int MAX_ROWS = 3;

    private static double[][] json(String body) throws IOException {
        return BatchRows.of(new MlflowRequestParser(SIGNATURE, MAX_ROWS).parseJson(stream(body)));
    }

    private static double[][] csv(String body) throws IOException {
        return BatchRows.of(new MlflowRequestParser(SIGNATURE, MAX_ROWS).parseCsv(stream(body)));
    }

    private static ByteArrayInputStream stream(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpProblem refusedJson(String body) {
        return Problems.thrownBy(() -> json(body), body);
    }

    /** The detail and every field error, in one text to search. */
    private static String said(HttpProblem problem) {
        return problem.detail() + " " + problem.errors();
    }

    // --- every layout, the same rows -------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": [[1, 2], [3.25, -4.5]]}}",
                "{\"dataframe_split\": {\"index\": [7, 8], \"columns\": [\"id\", \"a\", \"b\"], \"data\": [[\"x\", 1, 2], [null, 3.25, -4.5]]}}",
                "{\"dataframe_split\": {\"data\": [[1, 2], [3.25, -4.5]], \"columns\": [\"a\", \"b\"]}}",
                "{\"dataframe_records\": [{\"a\": 1, \"b\": 2}, {\"b\": -4.5, \"a\": 3.25, \"note\": \"ignored\"}]}",
                "{\"instances\": [{\"a\": 1, \"b\": 2}, {\"b\": -4.5, \"a\": 3.25}]}",
                "{\"instances\": [[2, 1], [-4.5, 3.25]]}",
                "{\"instances\": {\"a\": [1, 3.25], \"b\": [2, -4.5], \"id\": [\"p\", \"q\"]}}",
                "{\"inputs\": [{\"a\": 1, \"b\": 2}, [-4.5, 3.25]]}",
                "{\"inputs\": {\"b\": [2, -4.5], \"a\": [1, 3.25]}}",
                "{\"params\": {\"k\": 1}, \"inputs\": [[2, 1], [-4.5, 3.25]]}",
                "{\"inputs\": [[2, 1], [-4.5, 3.25]], \"params\": null}",
            })
    void everyJsonLayoutGivesTheRowsInTheModelsColumnOrder(String body) throws IOException {
        assertArrayEquals(ROWS, json(body));
    }

    @Test
    void csvWithAHeaderInAnyColumnOrderAndPandasUnnamedIndexGivesTheSameRows() throws IOException {
        assertArrayEquals(ROWS, csv("a,b\n1,2\n3.25,-4.5\n"));
        assertArrayEquals(ROWS, csv("b,a\n2,1\n-4.5,3.25\n"));
        assertArrayEquals(ROWS, csv(",a,b,id\n0,1,2,x\n1,3.25,-4.5,y\n"), "DataFrame.to_csv() with its index");
    }

    @Test
    void anEmptyBatchIsA400SayingItHasNoRows() {
        assertEquals(
                "\"instances\" has no rows; send at least one",
                refusedJson("{\"instances\": []}").detail());
        assertEquals(
                "\"dataframe_split\" has no rows; send at least one",
                refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": []}}")
                        .detail());
    }

    // --- the top level ---------------------------------------------------------------------------------------------

    @Test
    void noFormatKeyIsA400NamingMlflowsInputFieldsAndWhatWasReceived() {
        HttpProblem problem = refusedJson("{\"data\": [[1, 2]]}");
        assertEquals(400, problem.status());
        assertTrue(
                problem.detail()
                        .contains("exactly one of the input fields \"dataframe_split\", \"dataframe_records\", "
                                + "\"instances\" or \"inputs\""),
                problem.detail());
        assertTrue(problem.detail().contains("received the fields [\"data\"]"), problem.detail());
    }

    @Test
    void twoFormatKeysAreA400NamingBoth() {
        HttpProblem problem = refusedJson("{\"instances\": [[2, 1]], \"inputs\": [[2, 1]]}");
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains("exactly one of the input fields"), problem.detail());
        assertTrue(problem.detail().contains("[\"instances\", \"inputs\"]"), problem.detail());
    }

    @Test
    void aKeyBesideTheFormatOtherThanParamsIsA400NamingIt() {
        HttpProblem problem = refusedJson("{\"instances\": [[2, 1]], \"colums\": [\"a\"]}");
        assertEquals("colums", problem.errors().get(0).field());
        assertTrue(problem.errors().get(0).message().contains("unexpected field \"colums\""), said(problem));
    }

    @Test
    void paramsThatAreNotAnObjectAreA400() {
        HttpProblem problem = refusedJson("{\"instances\": [[2, 1]], \"params\": 3}");
        assertEquals("params", problem.errors().get(0).field());
    }

    @Test
    void aTopLevelListAnEmptyBodyMalformedJsonAndTrailingContentAre400s() {
        assertTrue(refusedJson("[[2, 1]]").detail().contains("received an array"));
        assertTrue(refusedJson("").detail().contains("the body is empty"));
        assertTrue(refusedJson("{\"instances\": [").detail().startsWith("malformed JSON"));
        assertTrue(refusedJson("{\"instances\": []} {}").detail().contains("unexpected content after the JSON object"));
        assertTrue(
                refusedJson("{\"instances\": [], \"instances\": []}").detail().contains("Duplicate field"));
    }

    // --- dataframe_split -------------------------------------------------------------------------------------------

    @Test
    void aSplitFrameThatIsNotAnObjectOrLacksColumnsOrDataOrHasOtherKeysIsA400() {
        assertTrue(
                refusedJson("{\"dataframe_split\": [[1, 2]]}").detail().contains("must be an object with \"columns\""));
        assertTrue(refusedJson("{\"dataframe_split\": {\"data\": [[1, 2]]}}")
                .detail()
                .contains("needs \"columns\""));
        assertTrue(refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", \"b\"]}}")
                .detail()
                .contains("and \"data\""));
        assertTrue(refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": [], \"dtypes\": {}}}")
                .detail()
                .contains("unexpected key \"dtypes\""));
    }

    @Test
    void splitColumnsThatAreNotNamesOrNameAColumnTwiceAreA400() {
        assertTrue(refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", 2], \"data\": []}}")
                .detail()
                .contains("item 1 is a number"));
        assertTrue(refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", \"b\", \"a\"], \"data\": []}}")
                .detail()
                .contains("column 'a' appears twice"));
    }

    @Test
    void aSplitFrameWithoutAFeatureColumnIsA400NamingIt() {
        HttpProblem problem = refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", \"c\"], \"data\": [[1, 2]]}}");
        assertEquals("b", problem.errors().get(0).field());
        assertTrue(problem.errors().get(0).message().contains("missing column 'b'"), said(problem));
    }

    @Test
    void raggedSplitRowsAndAnIndexOfTheWrongLengthAreA400() {
        HttpProblem ragged =
                refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": [[1, 2], [1], 5]}}");
        assertEquals(
                List.of(1, 2), ragged.errors().stream().map(FieldProblem::row).toList(), said(ragged));
        assertTrue(ragged.errors().get(0).message().contains("has 1 values; \"columns\" names 2"), said(ragged));
        assertTrue(ragged.errors().get(1).message().contains("must be an array of values, got a number"), said(ragged));
        assertTrue(refusedJson(
                        "{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"index\": [0], \"data\": [[1, 2], [3, 4]]}}")
                .detail()
                .contains("1 index values for 2 rows"));
    }

    // --- records and instances -------------------------------------------------------------------------------------

    @Test
    void recordsThatAreNotAListOfObjectsAreA400() {
        assertTrue(refusedJson("{\"dataframe_records\": {\"a\": 1}}").detail().contains("must be an array of objects"));
        HttpProblem problem = refusedJson("{\"dataframe_records\": [{\"a\": 1, \"b\": 2}, [1, 2]]}");
        assertEquals(
                new FieldProblem("dataframe_records", "record 1 must be an object of columns, got an array", 1),
                problem.errors().get(0));
        assertEquals(1, problem.errors().size(), "no missing-feature errors besides");
    }

    @Test
    void aRecordWithoutAFeatureIsA400NamingTheFeatureAndTheRow() {
        HttpProblem problem = refusedJson("{\"dataframe_records\": [{\"a\": 1, \"b\": 2}, {\"a\": 1}]}");
        assertEquals(
                new FieldProblem("b", "missing value for feature 'b'", 1),
                problem.errors().get(0));
    }

    @Test
    void instancesOfTheWrongLengthOrKindAreA400NamingTheRow() {
        HttpProblem problem = refusedJson("{\"instances\": [[2], [2, 1, 0], 7]}");
        assertEquals(
                List.of(0, 1, 2),
                problem.errors().stream().map(FieldProblem::row).toList(),
                said(problem));
        assertTrue(
                problem.errors()
                        .get(0)
                        .message()
                        .contains("instance 0 has 1 values; the model takes 2 in this order: [b, a]"),
                said(problem));
        assertTrue(problem.errors().get(2).message().contains("got a number"), said(problem));
        assertTrue(
                refusedJson("{\"inputs\": 3}").detail().contains("must be an array of rows or an object of columns"));
        assertTrue(refusedJson("{\"instances\": [2, 1]}")
                .errors()
                .get(0)
                .message()
                .contains("instance 0 must be an object"));
    }

    @Test
    void columnsOfDifferentLengthsOrNotArraysOrLackingAFeatureAreA400() {
        assertTrue(refusedJson("{\"inputs\": {\"a\": [1, 2], \"b\": [1]}}")
                .detail()
                .contains("must all have the same number of values; got {a=2, b=1}"));
        HttpProblem scalar = refusedJson("{\"inputs\": {\"a\": 1, \"b\": 2}}");
        assertEquals("a", scalar.errors().get(0).field());
        assertTrue(scalar.errors().get(0).message().contains("must be an array with one value per row"), said(scalar));
        assertEquals(
                "b", refusedJson("{\"inputs\": {\"a\": [1]}}").errors().get(0).field());
        assertEquals(2, refusedJson("{\"inputs\": {}}").errors().size(), "both features are missing");
    }

    // --- values ----------------------------------------------------------------------------------------------------

    @Test
    void textNullBooleansAndNumbersOutOfRangeAreListedEachWithItsFeatureAndRow() {
        HttpProblem problem = refusedJson("{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": "
                + "[[\"1.0\", null], [true, 1e400], [1, 1e39]]}}");
        assertEquals(
                List.of(
                        new FieldProblem("a", "'a' must be a number, got a string", 0),
                        new FieldProblem("b", "missing value for 'b'", 0),
                        new FieldProblem("a", "'a' must be a number, got a boolean", 1),
                        new FieldProblem("b", "'b' is 1e400; a finite number is required", 1)),
                problem.errors().subList(0, 4),
                "in the order sent");
        assertTrue(problem.errors().get(4).message().contains("float range"), said(problem));
        assertEquals(5, problem.errors().size());
    }

    @Test
    void csvValuesThatAreNotNumbersAreListedAsTheUploadListsThem() {
        HttpProblem problem = Problems.thrownBy(() -> csv("a,b\n1,x\n"));
        assertEquals("b", problem.errors().get(0).field());
        assertEquals(0, problem.errors().get(0).row(), "the first data row, counted from 0 as JSON's rows are");
        assertEquals(
                "'b' must be a finite decimal number, got 'x'",
                problem.errors().get(0).message());
        HttpProblem unnamed = Problems.thrownBy(() -> csv("a,,b\n1,2,3\n"));
        assertTrue(unnamed.detail().contains("column 2 of the CSV header has no name"), unnamed.detail());
    }

    // --- limits ----------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"instances\": [[2, 1], [2, 1], [2, 1], [2, 1]]}",
                "{\"inputs\": {\"a\": [1, 1, 1, 1], \"b\": [1, 1, 1, 1]}}",
                "{\"inputs\": {\"id\": [1, 1, 1, 1], \"a\": [1], \"b\": [1]}}",
                "{\"dataframe_records\": [{}, {}, {}, {}]}",
                "{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": [[1, 2], [1, 2], [1, 2], [1, 2]]}}",
                "{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"index\": [1, 2, 3, 4], \"data\": []}}",
            })
    void moreRowsThanTheBatchLimitIsA413(String body) {
        HttpProblem problem = refusedJson(body);
        assertEquals(413, problem.status());
        assertTrue(problem.detail().contains("more than 3 rows in one request"), problem.detail());
    }

    @Test
    void aCsvOfMoreRowsThanTheBatchLimitIsA413() {
        assertEquals(
                413, Problems.thrownBy(() -> csv("a,b\n1,2\n1,2\n1,2\n1,2\n")).status());
    }

    // --- typed models: text, missing values, whole numbers, booleans ------------------------------------------------

    private static Batch typed(String body) throws IOException {
        return new MlflowRequestParser(org.tabserve.web.api.RequestParsersFuzzTest.TYPED, MAX_ROWS)
                .parseJson(stream(body));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"dataframe_split\": {\"columns\": [\"sex\", \"island\", \"bill_length_mm\", \"flipper_length_mm\", \"tagged\", \"id\"], "
                        + "\"data\": [[\"MALE\", \"Dream\", null, 9007199254740993, true, 1], [\"FEMALE\", \"Biscoe\", 39.5, 181.0, false, 2]]}}",
                "{\"dataframe_split\": {\"data\": [[\"MALE\", \"Dream\", null, 9007199254740993, true], [\"FEMALE\", \"Biscoe\", 39.5, 181.0, false]], "
                        + "\"columns\": [\"sex\", \"island\", \"bill_length_mm\", \"flipper_length_mm\", \"tagged\"]}}",
                "{\"dataframe_records\": [{\"island\": \"Dream\", \"bill_length_mm\": null, \"flipper_length_mm\": 9007199254740993, "
                        + "\"sex\": \"MALE\", \"tagged\": true}, {\"tagged\": false, \"sex\": \"FEMALE\", \"flipper_length_mm\": 181, "
                        + "\"bill_length_mm\": 39.5, \"island\": \"Biscoe\", \"note\": \"ignored\"}]}",
                "{\"inputs\": {\"island\": [\"Dream\", \"Biscoe\"], \"bill_length_mm\": [null, 39.5], "
                        + "\"flipper_length_mm\": [9007199254740993, 181], \"sex\": [\"MALE\", \"FEMALE\"], \"tagged\": [true, false]}}",
                "{\"instances\": [[\"Dream\", null, 9007199254740993, \"MALE\", true], [\"Biscoe\", 39.5, 181, \"FEMALE\", false]]}",
            })
    void typedLayoutsKeepTextMissingValuesWholeNumbersAndBooleansAsSent(String body) throws IOException {
        Batch batch = typed(body);
        assertEquals(2, batch.size());
        assertArrayEquals(new String[] {"Dream", "Biscoe"}, (String[]) batch.data(0));
        float[] bill = (float[]) batch.data(1);
        assertTrue(Float.isNaN(bill[0]), "null is the missing value the imputer fills");
        assertEquals(39.5f, bill[1]);
        assertArrayEquals(new long[] {9007199254740993L, 181}, (long[]) batch.data(2), "2^53 + 1 not rounded");
        assertArrayEquals(new String[] {"MALE", "FEMALE"}, (String[]) batch.data(3));
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) batch.data(4));
    }

    @Test
    void typedValuesOfTheWrongKindAreA400NamingEachFieldAndRowAndNothingIsConverted() {
        HttpProblem problem = Problems.thrownBy(() -> typed("{\"dataframe_split\": {\"columns\": "
                + "[\"sex\", \"island\", \"bill_length_mm\", \"flipper_length_mm\", \"tagged\"], \"data\": "
                + "[[\"MALE\", \"Dream\", \"39.1\", 181, true], [7, null, 39.1, 181.5, \"true\"]]}}"));
        assertEquals(400, problem.status());
        List<String> found = problem.errors().stream()
                .map(e -> e.row() + " " + e.field())
                .sorted()
                .toList();
        assertEquals(
                List.of("0 bill_length_mm", "1 flipper_length_mm", "1 island", "1 sex", "1 tagged"),
                found,
                said(problem));
    }
}
