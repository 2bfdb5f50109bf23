package org.tabserve.web;

import org.junit.jupiter.api.Test;
import org.tabserve.model.ModelSignature;
import org.tabserve.model.OutputKind;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 inference request parser: datatypes, shapes, nesting, exact conversion to float32, and its refusals. */
class V2InferRequestParserTest {

    private static final ModelSignature SIGNATURE = ModelSignature.floatClassifier("input", List.of("a", "b"), List.of("0", "1"), OutputKind.PROBABILITIES);
    private final V2InferRequestParser parser = new V2InferRequestParser(SIGNATURE, 3);

    private V2InferRequestParser.V2InferRequest parse(String json) throws IOException {
        return parser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String request(String shape, String datatype, String data) {
        return "{\"inputs\": [{\"name\": \"input\", \"shape\": " + shape + ", \"datatype\": \"" + datatype
                + "\", \"data\": " + data + "}]}";
    }

    private HttpProblem refused(String json) {
        return assertThrows(HttpProblem.class, () -> parse(json));
    }

    @Test
    void readsFlatFp32DataAsRowsInRowMajorOrder() throws IOException {
        var parsed = parse(request("[2, 2]", "FP32", "[1.5, 2, 3, 4]"));
        assertArrayEquals(new double[] {1.5, 2}, parsed.rows()[0]);
        assertArrayEquals(new double[] {3, 4}, parsed.rows()[1]);
        assertNull(parsed.id());
        assertEquals(List.of("label", "probabilities"), parsed.outputs(), "no outputs named: all of them");
    }

    @Test
    void readsNestedDataTheSameAsFlatData() throws IOException {
        var flat = parse(request("[2, 2]", "FP32", "[1, 2, 3, 4]"));
        var nested = parse(request("[2, 2]", "FP32", "[[1, 2], [3, 4]]"));
        assertArrayEquals(flat.rows(), nested.rows());
    }

    @Test
    void roundsFp32ValuesToTheNearestFloat() throws IOException {
        var parsed = parse(request("[1, 2]", "FP32", "[0.1, -2.8]"));
        assertEquals((double) 0.1f, parsed.rows()[0][0]);
        assertEquals((double) -2.8f, parsed.rows()[0][1]);
    }

    @Test
    void takesFp64AndIntegerDataThatIsExactlyAFloat32() throws IOException {
        assertArrayEquals(new double[] {0.5, -1024.25}, parse(request("[1, 2]", "FP64", "[0.5, -1024.25]")).rows()[0]);
        assertArrayEquals(new double[] {16777216, -7}, parse(request("[1, 2]", "INT32", "[16777216, -7]")).rows()[0]);
        assertArrayEquals(new double[] {1L << 40, 3}, parse(request("[1, 2]", "INT64", "[1099511627776, 3]")).rows()[0]);
    }

    @Test
    void refusesFp64ValuesThatAreNotExactlyAFloat32() {
        HttpProblem problem = refused(request("[1, 2]", "FP64", "[0.1, 1]"));
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains("0.1") && problem.detail().contains("not exactly a float32"), problem.detail());
    }

    @Test
    void refusesIntegersThatAreNotExactlyAFloat32OrOutsideTheirType() {
        assertTrue(refused(request("[1, 2]", "INT32", "[16777217, 1]")).detail().contains("16777217"));
        assertTrue(refused(request("[1, 2]", "INT32", "[2147483648, 1]")).detail().contains("outside the INT32 range"));
        assertTrue(refused(request("[1, 2]", "INT64", "[1.5, 1]")).detail().contains("not a whole number"));
    }

    @Test
    void refusesFp32ValuesBeyondTheFloatRange() {
        assertTrue(refused(request("[1, 2]", "FP32", "[1e39, 1]")).detail().contains("outside the FP32 range"));
    }

    @Test
    void refusesDatatypesOtherThanTheFourItConverts() {
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
        assertTrue(refused(request("[1, 2]", "FP32", "[\"1\", 2]")).detail().contains("must be a number, got a string"));
        assertTrue(refused(request("[1, 2]", "FP32", "[null, 2]")).detail().contains("got null"));
    }

    @Test
    void refusesAMissingUnknownOrRepeatedInput() {
        assertTrue(refused("{\"inputs\": []}").detail().contains("missing input 'input'"));
        assertTrue(refused("{\"id\": \"1\"}").detail().contains("\"inputs\" must be an array"));
        assertTrue(refused("{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}]}")
                .detail().contains("unknown input 'x'"));
        String one = "{\"name\": \"input\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}";
        assertTrue(refused("{\"inputs\": [" + one + ", " + one + "]}").detail().contains("more than once"));
    }

    @Test
    void echoesTheIdAndKeepsRequestedOutputsInOrder() throws IOException {
        var parsed = parse("{\"id\": \"42\", \"parameters\": {}, \"inputs\": [{\"name\": \"input\", \"shape\": [1, 2], "
                + "\"datatype\": \"FP32\", \"data\": [1, 2]}], \"outputs\": [{\"name\": \"probabilities\"}, {\"name\": \"label\"}]}");
        assertEquals("42", parsed.id());
        assertEquals(List.of("probabilities", "label"), parsed.outputs());
    }

    @Test
    void refusesUnknownOrRepeatedOutputsAndANonStringId() {
        String input = "\"inputs\": [{\"name\": \"input\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}]";
        assertTrue(refused("{" + input + ", \"outputs\": [{\"name\": \"logits\"}]}").detail().contains("unknown output 'logits'"));
        assertTrue(refused("{" + input + ", \"outputs\": [{\"name\": \"label\"}, {\"name\": \"label\"}]}")
                .detail().contains("more than once"));
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
}
