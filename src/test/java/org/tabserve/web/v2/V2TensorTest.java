package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.OutputKind;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.Problems;

/** One input tensor checked against the model's input: shape, datatype, flat or nested data, its length, the row limit. */
class V2TensorTest {

    /** One input of two float features. */
    private static final ModelInput WIDE = ModelSignature.floatClassifier(
                    "input", List.of("a", "b"), List.of("0", "1"), OutputKind.PROBABILITIES)
            .inputs()
            .get(0);

    private static V2Tensor read(String shape, String datatype, String data) throws Exception {
        JsonNode tensor = Json.MAPPER.readTree("{\"name\": \"input\", \"shape\": " + shape + ", \"datatype\": \""
                + datatype + "\", \"data\": " + data + "}");
        return V2Tensor.read(tensor, WIDE, 3);
    }

    private static HttpProblem refused(String shape, String datatype, String data) {
        return Problems.thrownBy(() -> read(shape, datatype, data));
    }

    @Test
    void readsFlatAndNestedDataAsTheSameValuesInRowMajorOrder() throws Exception {
        V2Tensor flat = read("[2, 2]", "FP32", "[1, 2, 3, 4]");
        V2Tensor nested = read("[2, 2]", "FP32", "[[1, 2], [3, 4]]");
        assertEquals(2, flat.rows());
        assertEquals("FP32", flat.datatype());
        assertEquals(flat.values(), nested.values());
        assertEquals("[1, 2, 3, 4]", flat.values().toString());
    }

    @Test
    void refusesAShapeOrDataThatDoesNotFitTheInput() {
        assertTrue(refused("[2, 3]", "FP32", "[1, 2, 3, 4, 5, 6]").detail().contains("must have shape [N, 2]"));
        assertTrue(refused("[2, 2]", "FP32", "[1, 2, 3]").detail().contains("needs 4 values, but its data has 3"));
        assertTrue(refused("[2, 2]", "FP32", "[[1, 2, 3], [4]]").detail().contains("must follow the shape [2, 2]"));
        assertTrue(refused("[0, 2]", "FP32", "[]").detail().contains("has no rows"));
    }

    @Test
    void refusesADatatypeTheInputDoesNotTake() {
        String detail = refused("[1, 2]", "BYTES", "[\"1\", \"2\"]").detail();
        assertTrue(detail.contains("'BYTES'") && detail.contains("the model takes FP32"), detail);
    }

    @Test
    void answers413ForMoreRowsThanTheLimit() {
        assertEquals(413, refused("[4, 2]", "FP32", "[1, 2, 3, 4, 5, 6, 7, 8]").status());
    }
}
