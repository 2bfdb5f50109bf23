package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Batch;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.model.signature.Task;
import org.tabserve.model.signature.ValueType;
import org.tabserve.testing.BatchRows;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Problems;

/**
 * The v2 inference request parser: for the bank-note model's one float input, datatypes, shapes, nesting and exact
 * conversion to float32; for a typed model, one tensor per input of its own datatype; and every refusal naming the input.
 */
public class V2InferRequestParserTest {

    private static final ModelSignature SIGNATURE =
            ModelSignature.floatClassifier("input", List.of("a", "b"), List.of("0", "1"), OutputKind.PROBABILITIES);
    private final V2InferRequestParser parser = new V2InferRequestParser(SIGNATURE, 3);

    private V2InferRequestParser.V2InferRequest parse(String json) throws IOException {
        return parser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String request(String shape, String datatype, String data) {
        return "{\"inputs\": [{\"name\": \"input\", \"shape\": " + shape + ", \"datatype\": \"" + datatype
                + "\", \"data\": " + data + "}]}";
    }

    /** The batch's rows as numbers, in feature order. */
    public static double[][] rows(V2InferRequestParser.V2InferRequest parsed) {
        return BatchRows.of(parsed.batch());
    }

    private HttpProblem refused(String json) {
        return Problems.thrownBy(() -> parse(json));
    }

    @Test
    void readsFlatFp32DataAsRowsInRowMajorOrder() throws IOException {
        var parsed = parse(request("[2, 2]", "FP32", "[1.5, 2, 3, 4]"));
        assertArrayEquals(new double[] {1.5, 2}, rows(parsed)[0]);
        assertArrayEquals(new double[] {3, 4}, rows(parsed)[1]);
        assertNull(parsed.id());
        assertEquals(List.of("label", "probabilities"), parsed.outputs(), "no outputs named: all of them");
    }

    @Test
    void readsNestedDataTheSameAsFlatData() throws IOException {
        var flat = parse(request("[2, 2]", "FP32", "[1, 2, 3, 4]"));
        var nested = parse(request("[2, 2]", "FP32", "[[1, 2], [3, 4]]"));
        assertArrayEquals(rows(flat), rows(nested));
    }

    @Test
    void roundsFp32ValuesToTheNearestFloat() throws IOException {
        var parsed = parse(request("[1, 2]", "FP32", "[0.1, -2.8]"));
        assertEquals((double) 0.1f, rows(parsed)[0][0]);
        assertEquals((double) -2.8f, rows(parsed)[0][1]);
    }

    @Test
    void takesFp64AndIntegerDataThatIsExactlyAFloat32() throws IOException {
        assertArrayEquals(new double[] {0.5, -1024.25}, rows(parse(request("[1, 2]", "FP64", "[0.5, -1024.25]")))[0]);
        assertArrayEquals(new double[] {16777216, -7}, rows(parse(request("[1, 2]", "INT32", "[16777216, -7]")))[0]);
        assertArrayEquals(new double[] {1L << 40, 3}, rows(parse(request("[1, 2]", "INT64", "[1099511627776, 3]")))[0]);
    }

    @Test
    void refusesFp64ValuesThatAreNotExactlyAFloat32() {
        HttpProblem problem = refused(request("[1, 2]", "FP64", "[0.1, 1]"));
        assertEquals(400, problem.status());
        assertTrue(
                problem.detail().contains("0.1") && problem.detail().contains("not exactly a float32"),
                problem.detail());
    }

    @Test
    void refusesIntegersThatAreNotExactlyAFloat32OrOutsideTheirType() {
        assertTrue(refused(request("[1, 2]", "INT32", "[16777217, 1]")).detail().contains("16777217"));
        assertTrue(
                refused(request("[1, 2]", "INT32", "[2147483648, 1]")).detail().contains("outside the INT32 range"));
        assertTrue(refused(request("[1, 2]", "INT64", "[1.5, 1]")).detail().contains("not a whole number"));
    }

    @Test
    void refusesFp32ValuesBeyondTheFloatRange() {
        assertTrue(refused(request("[1, 2]", "FP32", "[1e39, 1]")).detail().contains("outside the FP32 range"));
    }

    @Test
    void refusesDatatypesOtherThanTheFourAFloatInputTakes() {
        HttpProblem problem = refused(request("[1, 2]", "BYTES", "[\"1\", \"2\"]"));
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains("'BYTES'"), problem.detail());
        assertTrue(refused(request("[1, 2]", "UINT32", "[1, 2]")).detail().contains("'UINT32'"));
    }

    @Test
    void refusesAShapeThatDoesNotMatchTheDataLength() {
        HttpProblem problem = refused(request("[2, 2]", "FP32", "[1, 2, 3]"));
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains("needs 4 values, but its data has 3"), problem.detail());
    }

    @Test
    void refusesAShapeOtherThanRowsByFeatures() {
        assertTrue(refused(request("[4]", "FP32", "[1, 2, 3, 4]")).detail().contains("shape [N, 2]"));
        assertTrue(refused(request("[1, 2, 1]", "FP32", "[1, 2]")).detail().contains("shape [N, 2]"));
        assertTrue(refused(request("[2, 1]", "FP32", "[1, 2]")).detail().contains("got [2, 1]"));
        assertTrue(refused(request("[0, 2]", "FP32", "[]")).detail().contains("no rows"));
        assertTrue(refused(request("[-1, 2]", "FP32", "[1, 2]")).detail().contains("shape[0]"));
    }

    @Test
    void refusesNestedDataThatDoesNotFollowTheShape() {
        HttpProblem problem = refused(request("[2, 2]", "FP32", "[[1, 2, 3], [4]]"));
        assertTrue(problem.detail().contains("data[0] is an array of 3"), problem.detail());
        assertTrue(refused(request("[2, 2]", "FP32", "[[1, 2], 3]")).detail().contains("data[1] is a number"));
        assertTrue(refused(request("[1, 2]", "FP32", "[[[1], [2]]]")).detail().contains("nested deeper"));
    }

    @Test
    void refusesValuesThatAreNotNumbers() {
        assertTrue(refused(request("[1, 2]", "FP32", "[\"1\", 2]"))
                .detail()
                .contains("must be a number (FP32), got a string"));
        HttpProblem nul = refused(request("[1, 2]", "FP32", "[null, 2]"));
        assertTrue(nul.detail().contains("is null, but 'a' may not be missing"), nul.detail());
        assertTrue(refused(request("[1, 2]", "FP32", "[true, 2]")).detail().contains("got a boolean"));
    }

    @Test
    void refusesAMissingUnknownOrRepeatedInput() {
        assertTrue(refused("{\"inputs\": []}").detail().contains("missing input 'input'"));
        assertTrue(refused("{\"id\": \"1\"}").detail().contains("\"inputs\" must be an array"));
        assertTrue(refused(
                        "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}]}")
                .detail()
                .contains("unknown input 'x'"));
        String one = "{\"name\": \"input\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}";
        assertTrue(refused("{\"inputs\": [" + one + ", " + one + "]}").detail().contains("more than once"));
    }

    @Test
    void echoesTheIdAndKeepsRequestedOutputsInOrder() throws IOException {
        var parsed = parse(
                "{\"id\": \"42\", \"parameters\": {}, \"inputs\": [{\"name\": \"input\", \"shape\": [1, 2], "
                        + "\"datatype\": \"FP32\", \"data\": [1, 2]}], \"outputs\": [{\"name\": \"probabilities\"}, {\"name\": \"label\"}]}");
        assertEquals("42", parsed.id());
        assertEquals(List.of("probabilities", "label"), parsed.outputs());
    }

    @Test
    void refusesUnknownOrRepeatedOutputsAndANonStringId() {
        String input =
                "\"inputs\": [{\"name\": \"input\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}]";
        assertTrue(refused("{" + input + ", \"outputs\": [{\"name\": \"logits\"}]}")
                .detail()
                .contains("unknown output 'logits'"));
        assertTrue(refused("{" + input + ", \"outputs\": [{\"name\": \"label\"}, {\"name\": \"label\"}]}")
                .detail()
                .contains("more than once"));
        assertTrue(refused("{\"id\": 42, " + input + "}").detail().contains("\"id\" must be a string"));
    }

    @Test
    void refusesMalformedOrEmptyBodies() {
        assertTrue(refused("{\"inputs\": [").detail().startsWith("malformed JSON"));
        assertTrue(refused("").detail().contains("the body is empty"));
        assertTrue(refused("[1, 2]").detail().contains("must be a JSON object"));
    }

    @Test
    void answers413ForMoreRowsThanTheLimit() {
        HttpProblem problem = refused(request("[4, 2]", "FP32", "[1, 2, 3, 4, 5, 6, 7, 8]"));
        assertEquals(413, problem.status());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Typed models: one tensor per input, as skl2onnx exports a ColumnTransformer pipeline

    /** Text with known categories (unknown ones warned), a float that may be missing, an int64, a bool, a refusing text. */
    public static final ModelSignature TYPED = new ModelSignature(
            List.of(
                    new ModelInput(
                            "island",
                            ValueType.STRING,
                            List.of(new Feature(
                                    "island", ValueType.STRING, false, List.of("Biscoe", "Dream", "Torgersen"), false)),
                            2),
                    new ModelInput(
                            "bill",
                            ValueType.FLOAT,
                            List.of(new Feature("bill", ValueType.FLOAT, true, List.of(), false)),
                            2),
                    new ModelInput(
                            "year",
                            ValueType.INT64,
                            List.of(new Feature("year", ValueType.INT64, false, List.of(), false)),
                            2),
                    new ModelInput(
                            "tagged",
                            ValueType.BOOL,
                            List.of(new Feature("tagged", ValueType.BOOL, false, List.of(), false)),
                            1),
                    new ModelInput(
                            "sex",
                            ValueType.STRING,
                            List.of(new Feature("sex", ValueType.STRING, false, List.of("FEMALE", "MALE"), true)),
                            2),
                    new ModelInput(
                            "mass",
                            ValueType.DOUBLE,
                            List.of(new Feature("mass", ValueType.DOUBLE, false, List.of(), false)),
                            2)),
            Task.CLASSIFICATION,
            List.of("Adelie", "Gentoo"),
            OutputKind.LABEL_AND_ZIPMAP,
            false,
            0);

    private final V2InferRequestParser typed = new V2InferRequestParser(TYPED, 3);

    private static String tensor(String name, String shape, String datatype, String data) {
        return "{\"name\": \"" + name + "\", \"shape\": " + shape + ", \"datatype\": \"" + datatype + "\", \"data\": "
                + data + "}";
    }

    /** Two rows of every input, with one input replaced. */
    private static String typedRequest(String... replace) {
        Map<String, String> tensors = new java.util.LinkedHashMap<>();
        tensors.put("island", tensor("island", "[2, 1]", "BYTES", "[\"Dream\", \"Atlantis\"]"));
        tensors.put("bill", tensor("bill", "[2]", "FP32", "[39.1, null]"));
        tensors.put("year", tensor("year", "[2, 1]", "INT64", "[[2007], [9007199254740993]]"));
        tensors.put("tagged", tensor("tagged", "[2]", "BOOL", "[true, false]"));
        tensors.put("sex", tensor("sex", "[2, 1]", "BYTES", "[\"MALE\", \"FEMALE\"]"));
        tensors.put("mass", tensor("mass", "[2, 1]", "FP64", "[3750.5, 0.1]"));
        for (int i = 0; i < replace.length; i += 2) {
            if (replace[i + 1] == null) {
                tensors.remove(replace[i]);
            } else {
                tensors.put(replace[i], replace[i + 1]);
            }
        }
        return "{\"inputs\": [" + String.join(", ", tensors.values()) + "]}";
    }

    private V2InferRequestParser.V2InferRequest parseTyped(String json) throws IOException {
        return typed.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpProblem refusedTyped(String json) {
        return Problems.thrownBy(() -> parseTyped(json));
    }

    @Test
    void readsOneTensorPerInputIntoTypedColumns() throws IOException {
        Batch batch = parseTyped(typedRequest()).batch();
        assertEquals(2, batch.size());
        assertArrayEquals(new String[] {"Dream", "Atlantis"}, (String[]) batch.data(0));
        float[] bill = (float[]) batch.data(1);
        assertEquals(39.1f, bill[0]);
        assertTrue(Float.isNaN(bill[1]), "null is a missing value, NaN for a feature that may be missing");
        assertArrayEquals(
                new long[] {2007, 9007199254740993L}, (long[]) batch.data(2), "int64 exactly, not via a double");
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) batch.data(3));
        assertArrayEquals(new String[] {"MALE", "FEMALE"}, (String[]) batch.data(4));
        assertArrayEquals(new double[] {3750.5, 0.1}, (double[]) batch.data(5), "FP64 for a double input, not rounded");
        assertEquals("island", batch.warnings(1).get(0).feature(), "an unknown category the model takes is a warning");
        assertEquals(
                List.of("label", "probabilities"), parseTyped(typedRequest()).outputs());
    }

    @Test
    void takesTheOrderOfInputsAsSentAndNestedColumns() throws IOException {
        String reordered = "{\"inputs\": ["
                + tensor("mass", "[1]", "FP32", "[[1.5]]").replace("[1]", "[1, 1]")
                + ", " + tensor("sex", "[1]", "BYTES", "[\"MALE\"]") + ", "
                + tensor("tagged", "[1, 1]", "BOOL", "[[false]]")
                + ", " + tensor("year", "[1]", "INT32", "[2009.0]") + ", " + tensor("bill", "[1, 1]", "FP64", "[0.5]")
                + ", " + tensor("island", "[1]", "BYTES", "[\"Biscoe\"]") + "]}";
        Batch batch = parseTyped(reordered).batch();
        assertArrayEquals(new double[] {1.5}, (double[]) batch.data(5));
        assertArrayEquals(new long[] {2009}, (long[]) batch.data(2), "2009.0 is a whole number");
        assertArrayEquals(new boolean[] {false}, (boolean[]) batch.data(3));
    }

    @Test
    void refusesADatatypeOfAnotherKindNamingTheInput() {
        HttpProblem problem = refusedTyped(typedRequest("island", tensor("island", "[2, 1]", "FP32", "[1, 2]")));
        assertEquals(400, problem.status());
        assertTrue(
                problem.detail().contains("input 'island' has datatype 'FP32'; the model takes BYTES"),
                problem.detail());
        assertTrue(refusedTyped(typedRequest("year", tensor("year", "[2]", "FP32", "[1, 2]")))
                .detail()
                .contains("input 'year' has datatype 'FP32'; the model takes INT64"));
        assertTrue(refusedTyped(typedRequest("tagged", tensor("tagged", "[2]", "INT64", "[1, 0]")))
                .detail()
                .contains("input 'tagged' has datatype 'INT64'; the model takes BOOL"));
    }

    @Test
    void refusesValuesOfAnotherKindThanTheDatatypeNamingTheInput() {
        assertTrue(refusedTyped(typedRequest("year", tensor("year", "[2]", "INT64", "[\"2007\", 2008]")))
                .detail()
                .contains("input 'year': data value 0 must be a number (INT64), got a string"));
        assertTrue(refusedTyped(typedRequest("island", tensor("island", "[2]", "BYTES", "[\"Dream\", 7]")))
                .detail()
                .contains("input 'island': data value 1 must be a string (BYTES), got a number"));
        assertTrue(refusedTyped(typedRequest("tagged", tensor("tagged", "[2]", "BOOL", "[\"true\", false]")))
                .detail()
                .contains("input 'tagged': data value 0 must be true or false (BOOL), got a string"));
        assertTrue(refusedTyped(typedRequest("year", tensor("year", "[2]", "INT64", "[2007.5, 2008]")))
                .detail()
                .contains("not a whole number"));
        assertTrue(refusedTyped(typedRequest("year", tensor("year", "[2]", "INT32", "[2147483648, 2008]")))
                .detail()
                .contains("outside the INT32 range"));
        assertTrue(refusedTyped(typedRequest("year", tensor("year", "[2]", "INT64", "[9223372036854775808, 2008]")))
                .detail()
                .contains("outside the INT64 range"));
    }

    @Test
    void refusesMissingValuesWhereTheFeatureMayNotBeMissing() {
        HttpProblem problem = refusedTyped(typedRequest("sex", tensor("sex", "[2]", "BYTES", "[\"MALE\", null]")));
        assertTrue(
                problem.detail().contains("input 'sex': data value 1 is null, but 'sex' may not be missing"),
                problem.detail());
    }

    @Test
    void refusesAMissingInputAWrongShapeOrRowsThatDisagree() {
        HttpProblem missing = refusedTyped(typedRequest("sex", null, "year", null));
        assertTrue(
                missing.detail().contains("missing inputs 'year' (INT64, shape [-1, 1]), 'sex' (BYTES, shape [-1, 1])"),
                missing.detail());
        assertTrue(refusedTyped(typedRequest("bill", tensor("bill", "[1, 2]", "FP32", "[1, 2]")))
                .detail()
                .contains("input 'bill' must have shape [N, 1] or [N]"));
        assertTrue(refusedTyped(typedRequest("bill", tensor("bill", "[1]", "FP32", "[1]")))
                .detail()
                .contains("input 'bill' has 1 rows but input 'island' has 2"));
        assertTrue(refusedTyped(typedRequest("x", tensor("x", "[2]", "FP32", "[1, 2]")))
                .detail()
                .contains("unknown input 'x'; the model's inputs are [island, bill, year, tagged, sex, mass]"));
    }

    @Test
    void listsEveryValueTheModelRefusesWithItsInputAndRow() {
        HttpProblem problem = refusedTyped(typedRequest("sex", tensor("sex", "[2]", "BYTES", "[\"X\", \"Y\"]")));
        assertEquals(400, problem.status());
        assertEquals(2, problem.errors().size());
        assertEquals("sex", problem.errors().get(1).field());
        assertEquals(1, problem.errors().get(1).row());
        assertTrue(
                problem.detail()
                        .startsWith("2 invalid values: input 'sex', row 0: 'sex' is \"X\", which the model "
                                + "cannot take; the model knows [FEMALE, MALE]; input 'sex', row 1:"),
                problem.detail());
    }

    @Test
    void aRegressorsOutputIsTheOneItNames() throws IOException {
        ModelSignature regressor = new ModelSignature(
                List.of(new ModelInput(
                        "x",
                        ValueType.DOUBLE,
                        List.of(new Feature("x", ValueType.DOUBLE, false, List.of(), false)),
                        2)),
                Task.REGRESSION,
                List.of(),
                OutputKind.VALUE,
                false,
                0);
        V2InferRequestParser parser = new V2InferRequestParser(regressor, List.of("variable"), 3);
        String body = "{\"inputs\": [" + tensor("x", "[1, 1]", "FP64", "[2.5]") + "]";
        assertEquals(
                List.of("variable"),
                parser.parse(new ByteArrayInputStream((body + "}").getBytes(StandardCharsets.UTF_8)))
                        .outputs());
        HttpProblem problem = Problems.thrownBy(() -> parser.parse(new ByteArrayInputStream(
                (body + ", \"outputs\": [{\"name\": \"label\"}]}").getBytes(StandardCharsets.UTF_8))));
        assertTrue(
                problem.detail().contains("unknown output 'label'; the model's outputs are [variable]"),
                problem.detail());
    }
}
