package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ValueType;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.Problems;

/** One tensor value read as the cell a batch takes: each datatype's JSON kind, exactness, ranges, null. */
class V2ValuesTest {

    private static final ModelInput ISLAND = input("island");
    private static final ModelInput BILL = input("bill");
    private static final ModelInput YEAR = input("year");
    private static final ModelInput TAGGED = input("tagged");
    private static final ModelInput MASS = input("mass");

    private static ModelInput input(String name) {
        return V2InferRequestParserTest.TYPED.inputs().stream()
                .filter(i -> i.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Object cell(String json, String datatype, ModelInput input) throws Exception {
        JsonNode node = Json.MAPPER.readTree(json);
        return V2Values.cell(node, datatype, input, input.features().get(0), 0);
    }

    private static String refused(String json, String datatype, ModelInput input) {
        return Problems.thrownBy(() -> cell(json, datatype, input)).detail();
    }

    @Test
    void aNumberInputTakesItsOwnDatatypeFirstThenTheOtherNumericOnes() {
        assertEquals(List.of("FP32", "FP64", "INT32", "INT64"), V2Values.datatypes(ValueType.FLOAT));
        assertEquals(List.of("INT64", "INT32"), V2Values.datatypes(ValueType.INT64));
        assertEquals(List.of("BYTES"), V2Values.datatypes(ValueType.STRING));
        assertEquals(List.of("BOOL"), V2Values.datatypes(ValueType.BOOL));
    }

    @Test
    void readsEachDatatypeAsItsCell() throws Exception {
        assertEquals("Dream", cell("\"Dream\"", "BYTES", ISLAND));
        assertEquals(true, cell("true", "BOOL", TAGGED));
        assertEquals((double) 0.1f, cell("0.1", "FP32", BILL));
        assertEquals(2007L, cell("2007", "INT64", YEAR));
        assertEquals(3750.5, cell("3750.5", "FP64", MASS));
    }

    @Test
    void nullIsAMissingValueOnlyWhereTheFeatureMayBeMissing() throws Exception {
        assertNull(cell("null", "FP32", BILL));
        assertTrue(refused("null", "FP64", MASS).contains("may not be missing"));
    }

    @Test
    void refusesAValueOfAnotherKindThanItsDatatypeNamingTheInput() {
        String detail = refused("1", "BYTES", ISLAND);
        assertTrue(
                detail.contains("input 'island'") && detail.contains("must be a string (BYTES), got a number"), detail);
        assertTrue(refused("\"1\"", "FP64", MASS).contains("must be a number (FP64), got a string"));
        assertTrue(refused("1", "BOOL", TAGGED).contains("must be true or false (BOOL)"));
    }

    @Test
    void refusesNumbersThatAreNotExactlyOfTheInputsTypeOrOutsideTheirDatatype() {
        assertTrue(refused("0.1", "FP64", BILL).contains("not exactly a float32"));
        assertTrue(refused("16777217", "INT32", BILL).contains("not exactly a float32"));
        assertTrue(refused("2147483648", "INT32", YEAR).contains("outside the INT32 range"));
        assertTrue(refused("1.5", "INT64", YEAR).contains("not a whole number"));
        assertTrue(refused("1e39", "FP32", BILL).contains("outside the FP32 range"));
    }
}
